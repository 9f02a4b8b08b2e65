// Embedded PostgreSQL for running without a database server: PGlite (Postgres 17
// compiled to WebAssembly, in this process) persisted in a directory, served on a
// loopback port by pglite-socket so `pg` and `@prisma/adapter-pg` connect with an
// ordinary URL.
//
// ONE CONNECTION AT A TIME. PGlite is a single backend session. Further connections wait
// in arrival order, each at most 2 s, for the one before to close, then fail with "the
// embedded database serves one connection at a time ..." (SQLSTATE 53300); nothing
// deadlocks. The lock file names the URL, so another process (npm run token) can queue too.
// So:
//   - give every pool on this URL `max: 1` (pg.Pool, PrismaPg);
//   - run applyMigrations (its engine opens its own connection) BEFORE the app's pool
//     opens, or after it has ended: an idle pool connection still holds the slot;
//   - do not use pglite-socket's multiplexer (several attached clients): it interleaves
//     the extended-protocol messages (Parse/Bind/Execute) of different clients on the
//     one session, which breaks parameterised queries;
//   - session state (SET, prepared statements, temp tables, advisory locks) outlives a
//     client's disconnect: the next client inherits it. An open transaction is rolled back.
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgresOptions {
  /** Data directory; created if missing, reused (with its data) if not. */
  dataDir?: string;
  /** Loopback port; 0 picks a free one (read it from `url`). */
  port?: number;
  /** Receives notes such as a recovered stale lock. Default: console.warn. */
  log?: (message: string) => void;
}

export interface EmbeddedPostgres {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres`, no password. */
  url: string;
  /** Closes the port, shuts PGlite down (flushing the data dir), releases the lock. Idempotent. */
  stop(): Promise<void>;
}

const LOCK_FILE = 'casegraph.lock';
// Data dirs open in this process (a lock naming our own pid is stale unless listed here:
// pids get reused, e.g. pid 1 in containers).
const openHere: Set<string> = ((globalThis as Record<symbol, unknown>)[Symbol.for('casegraph.embeddedOpen')] ??=
  new Set<string>()) as Set<string>;

export async function startEmbeddedPostgres({
  dataDir = '.data/pglite',
  port = 0,
  log = (m) => console.warn(m),
}: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const dir = resolve(dataDir);
  await mkdir(dir, { recursive: true });
  const lock = await acquireLock(dir, log);

  let db: PGlite | undefined;
  let serial: SerialServer | undefined;
  let url: string;
  try {
    // pg_trgm: the client search indexes (prisma/migrations/*_client_search_trigram). PGlite
    // refuses CREATE EXTENSION for an extension it was not constructed with.
    db = await PGlite.create({ dataDir: dir, extensions: { pg_trgm } });
    serial = serialSocketServer(db, port);
    await serial.server.start();
    url = `postgresql://postgres@${serial.server.getServerConn()}/postgres`;
    // Published in the lock so that a CLI (npm run token) can reach this process's database.
    await lock.publish(url);
  } catch (error) {
    await serial?.server.stop().catch(() => {});
    await db?.close().catch(() => {});
    await lock.release();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    // The net server's close waits for every socket: end the attached client and any
    // waiting ones too.
    try {
      const closed = serial.server.stop();
      serial.destroySockets();
      await closed;
      // stop() detaches the attached client without awaiting, and a detach rolls back
      // that client's open transaction: let it run before the database goes away.
      await new Promise((r) => setImmediate(r));
      await db.close();
    } finally {
      await lock.release();
    }
  };
  return { url, stop: () => (stopping ??= stop()) };
}

// How long a new connection waits for the previous one to be let go.
const BUSY_WAIT_MS = 2000;

interface SerialServer {
  server: PGLiteSocketServer;
  destroySockets(): void;
}

/**
 * pglite-socket with one connection at a time, minus a race: a client that ends its
 * connection and reconnects at once (a pool closing, then the next one opening) gets
 * there before the server has processed the close, and pglite-socket drops it
 * ("Connection terminated unexpectedly"). Here a new connection waits up to
 * BUSY_WAIT_MS for the slot; if another client still holds it, it gets a proper
 * PostgreSQL error (53300 too_many_connections) instead of a dropped socket.
 * This replaces pglite-socket 0.1's private `handleConnection`; embedded.test.ts
 * covers it should a pglite-socket upgrade move it.
 */
function serialSocketServer(db: PGlite, port: number): SerialServer {
  // maxConnections is also the net server's accept limit: leave room to accept and answer
  // waiting clients; at most one is ever attached, enforced below.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections: 64 });
  const internals = server as unknown as { handleConnection(socket: Socket): Promise<void> };
  if (typeof internals.handleConnection !== 'function') {
    throw new Error('@electric-sql/pglite-socket changed: PGLiteSocketServer.handleConnection is gone');
  }
  const attach = internals.handleConnection.bind(server);
  const sockets = new Set<Socket>();
  // Waiters take the slot in arrival order: a CLI waiting for a busy server's pool to let go is
  // not overtaken by the pool reconnecting.
  const queue: Socket[] = [];
  internals.handleConnection = async (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    queue.push(socket);
    const free = () => server.getStats().activeConnections === 0 && queue[0] === socket;
    const deadline = Date.now() + BUSY_WAIT_MS;
    try {
      while (!free() && Date.now() < deadline && !socket.destroyed) {
        await new Promise((r) => setTimeout(r, 5));
      }
    } finally {
      queue.splice(queue.indexOf(socket), 1);
    }
    if (socket.destroyed) return;
    // Check and attach in one synchronous step: attach() registers the handler before
    // its first await, so two waiters cannot both get in.
    if (server.getStats().activeConnections === 0) return attach(socket);
    socket.on('error', () => {});
    socket.resume(); // drain the client's startup message so closing does not reset
    socket.end(
      errorResponse('53300', 'the embedded database serves one connection at a time and another client holds it (use a pool of max 1)'),
    );
    setTimeout(() => socket.destroy(), 1000).unref();
  };
  return { server, destroySockets: () => sockets.forEach((s) => s.destroy()) };
}

/** A PostgreSQL ErrorResponse message (FATAL), which clients report as the connect error. */
function errorResponse(code: string, message: string): Buffer {
  const body = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`, 'utf8');
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

interface Lock {
  /** Adds the database's URL to the lock file, for CLIs to connect while this process holds it. */
  publish(url: string): Promise<void>;
  release(): Promise<void>;
}

/**
 * PGlite 0.4 writes a postmaster.pid (with a fake pid, -42) but never checks it: two
 * processes would happily open the same directory and corrupt it. So keep our own lock
 * file with the real pid and host. A lock whose process is gone (killed, crashed) is
 * stale: take it over. PGlite itself recovers from an unclean stop (WAL replay).
 */
async function acquireLock(dir: string, log: (m: string) => void): Promise<Lock> {
  const path = join(dir, LOCK_FILE);
  const token = randomUUID();
  const content = JSON.stringify({ pid: process.pid, host: hostname(), token });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, 'wx'); // atomic create; fails if it exists
      await file.writeFile(content);
      await file.close();
      openHere.add(dir);
      return {
        // Written to a temporary file and renamed: a reader never sees half a lock.
        publish: async (url) => {
          await writeFile(`${path}.${token}`, JSON.stringify({ pid: process.pid, host: hostname(), token, url }));
          await rename(`${path}.${token}`, path);
        },
        release: async () => {
          openHere.delete(dir);
          // Only remove our own lock (a stale-lock takeover may have replaced it).
          const current = await readFile(path, 'utf8').catch(() => '');
          if (current.includes(token)) await rm(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readLock(path);
    if (!holder && (await isFresh(path))) {
      throw new Error(`embedded database ${dir} is being opened by another process`);
    }
    if (holder?.pid === process.pid && holder.host === hostname()) {
      if (openHere.has(dir)) throw new Error(`embedded database ${dir} is already open in this process: stop() it first`);
    } else if (holder && holder.host === hostname() && isAlive(holder.pid)) {
      throw new Error(`embedded database ${dir} is in use by process ${holder.pid}`);
    }
    if (holder && holder.host !== hostname()) {
      throw new Error(`embedded database ${dir} is locked by ${holder.host} (pid ${holder.pid}); remove ${path} if that is stale`);
    }
    log(`embedded database ${dir}: removing stale lock${holder ? ` of process ${holder.pid}` : ''}`);
    await rm(path, { force: true });
  }
  throw new Error(`could not lock embedded database ${dir}`);
}

/**
 * The URL of the embedded database in `dataDir` while another live process on this host holds
 * it (null: nobody does, or a server too old to publish it). Connections to it queue for its one
 * session: the server's pool lets go of it when idle (db.ts).
 */
export async function runningEmbedded(dataDir: string): Promise<{ pid: number; url: string } | null> {
  const holder = await readLock(join(resolve(dataDir), LOCK_FILE));
  if (!holder?.url || holder.host !== hostname() || holder.pid === process.pid || !isAlive(holder.pid)) return null;
  return { pid: holder.pid, url: holder.url };
}

async function readLock(path: string): Promise<{ pid: number; host: string; url?: string } | null> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as { pid?: unknown; host?: unknown; url?: unknown };
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return null;
    return { pid: parsed.pid, host: parsed.host, ...(typeof parsed.url === 'string' ? { url: parsed.url } : {}) };
  } catch {
    return null; // unreadable or half-written
  }
}

/** Written in the last few seconds: an unreadable lock may be one being written now. */
async function isFresh(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => null);
  return info !== null && Date.now() - info.mtimeMs < 5000;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}
