// A PostgreSQL server of one test only (never the shared one on 5432): initdb in a temporary
// directory, pg_ctl on a free port, migrated like `npm run db:migrate`. The test may stop and
// start it. As root, the server runs as the `postgres` user (initdb refuses root).
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { adminQuery } from '../../src/db/schema-engine.js';
import { applyMigrations } from '../../src/db/migrations.js';
import { freePort } from './server-process.js';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

export interface PrivatePostgres {
  port: number;
  /** The migrated database's URL. */
  url: string;
  start(): Promise<void>;
  /** `fast`: sessions are ended, as in a restart or failover; `immediate`: a crash. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  destroy(): Promise<void>;
}

function asPostgres(command: string, args: string[]): Promise<unknown> {
  const root = process.getuid?.() === 0;
  return root ? run('runuser', ['-u', 'postgres', '--', command, ...args]) : run(command, args);
}

export async function startPrivatePostgres(database = 'casegraph'): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'cg-pg-'));
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = join(dir, 'data');
  const port = await freePort();
  await asPostgres(`${BIN}/initdb`, ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
  const server: PrivatePostgres = {
    port,
    url: `postgresql://postgres@127.0.0.1:${port}/${database}`,
    async start() {
      await asPostgres(`${BIN}/pg_ctl`, ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
    },
    async stop(mode = 'fast') {
      // A stop that failed (a server not running is no failure) must not pass for one: the test
      // would then wait for an outage that never came.
      const failed = await asPostgres(`${BIN}/pg_ctl`, ['-D', data, '-m', mode, '-w', 'stop']).then(() => null, (error: unknown) => error);
      if (!failed) return;
      const running = await asPostgres(`${BIN}/pg_ctl`, ['-D', data, 'status']).then(() => true, () => false);
      if (running) throw new Error(`the private PostgreSQL did not stop (${mode}): ${String((failed as { stderr?: unknown }).stderr ?? failed)}`);
    },
    async destroy() {
      await server.stop('immediate');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  // Last resort, should the test process end without destroy(): no server left behind.
  process.once('exit', () => {
    try {
      const command = [`${BIN}/pg_ctl`, '-D', data, '-m', 'immediate', 'stop'];
      if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', ...command], { stdio: 'ignore' });
      else execFileSync(command[0]!, command.slice(1), { stdio: 'ignore' });
    } catch {
      // stopped already
    }
    rmSync(dir, { recursive: true, force: true });
  });
  await adminQuery(`postgresql://postgres@127.0.0.1:${port}/postgres`, `CREATE DATABASE "${database}"`);
  await applyMigrations({ databaseUrl: server.url });
  return server;
}
