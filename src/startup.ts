// Start-up checks that turn the usual operator mistakes into one plain sentence naming the
// setting or the command, before anything is served: the port taken, PostgreSQL unreachable or
// refusing the login, the database missing or not migrated.
import { createServer } from 'node:net';
import pg from 'pg';
import { pendingMigrations } from './db/migration-status.js';

/** An expected start-up failure: its message is the whole story (no stack needed). */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** Fails at once when PORT cannot be bound, rather than after the database and seed work. */
export async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen({ host, port, exclusive: true }, () => resolve());
  }).catch((error: unknown) => {
    throw new StartupError(describePortError(error, host, port) ?? `Cannot listen on ${host}:${port}: ${(error as Error).message}`);
  });
  await new Promise((resolve) => probe.close(resolve));
}

export function describePortError(error: unknown, host: string, port: number): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE') return `Port ${port} on ${host} is already in use (PORT): stop what listens there, or set PORT to a free port.`;
  if (code === 'EACCES') return `Not allowed to listen on port ${port} (PORT): use a port above 1023.`;
  if (code === 'EADDRNOTAVAIL') return `${host} is not an address of this machine (HOST): use 127.0.0.1, 0.0.0.0 or one of its addresses.`;
  return null;
}

/** host:port/database of a PostgreSQL URL, without credentials. */
export function whereIs(url: string): { host: string; port: string; database: string; user: string } {
  const u = new URL(url);
  return { host: u.hostname, port: u.port || '5432', database: decodeURIComponent(u.pathname.slice(1)) || 'postgres', user: decodeURIComponent(u.username) || 'postgres' };
}

const CONNECT_TIMEOUT_MS = 5000;

/**
 * Connects once with DATABASE_URL and compares `_prisma_migrations` with the migration
 * folders: an unreachable server, a refused login, a missing database or pending migrations
 * each become a StartupError. Quick (one connection, one query), so it runs on every start.
 */
export async function checkDatabase(url: string, migrationsDir = 'prisma/migrations'): Promise<void> {
  const at = whereIs(url);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => {}); // a later socket error is the query's, below
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw new StartupError(describeConnectError(error, at) ?? `Cannot connect to PostgreSQL at ${at.host}:${at.port} (DATABASE_URL): ${(error as Error).message}`);
  }
  try {
    const { pending, total, applied } = await pendingMigrations(client, migrationsDir);
    if (pending.length > 0) {
      const what = applied === 0 ? 'is not migrated' : `lacks ${pending.length} of ${total} migrations (first: ${pending[0]})`;
      throw new StartupError(`The database "${at.database}" at ${at.host}:${at.port} ${what}: run \`npm run db:migrate\` with the same DATABASE_URL, then try again.`);
    }
  } finally {
    await client.end().catch(() => {});
  }
}

function describeConnectError(error: unknown, at: ReturnType<typeof whereIs>): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  const server = `PostgreSQL at ${at.host}:${at.port} (DATABASE_URL)`;
  switch (code) {
    case 'ECONNREFUSED':
      return `Cannot reach ${server}: connection refused. Is PostgreSQL running there, and are the host and port right?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Cannot reach ${server}: the host name "${at.host}" does not resolve. Check the host in DATABASE_URL.`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `Cannot reach ${server}: no route or no answer. Check the host, the port and any firewall in between.`;
    case '28P01':
    case '28000':
      return `${server} refused the login of user "${at.user}": check the user name and password in DATABASE_URL.`;
    case '3D000':
      return `${server} has no database "${at.database}": create it (createdb ${at.database}) or fix the name in DATABASE_URL.`;
    case '53300':
      return `${server} has no free connection slot: too many clients are connected.`;
  }
  if (error instanceof Error && /timeout/i.test(error.message)) {
    return `Cannot reach ${server}: no answer within ${CONNECT_TIMEOUT_MS / 1000} s. Check the host, the port and any firewall in between.`;
  }
  return null;
}

/** The sentence for an error of app.start() that an operator can fix, or null. */
export function describeStartupError(error: unknown, host: string, port: number): string | null {
  if (error instanceof StartupError) return error.message;
  const portError = describePortError(error, host, port);
  if (portError) return portError;
  const message = error instanceof Error ? error.message : '';
  const locked = /embedded database (.+) is in use by process (\d+)/.exec(message);
  if (locked) {
    return `The embedded database ${locked[1]} is open in another Casegraph (process ${locked[2]}): stop that one, or give this one its own DATA_DIR, or set DATABASE_URL to use PostgreSQL.`;
  }
  return null;
}
