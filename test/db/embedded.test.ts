// The embedded PostgreSQL (PGlite over pglite-socket) in a temp dir: migrate, query
// through pg, stop, start again on the same dir.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { applyMigrations } from '../../src/db/migrations.js';

// PGlite's first start runs initdb in WebAssembly: seconds, not milliseconds.
const SLOW = { timeout: 120_000 };

describe('embedded PostgreSQL', SLOW, () => {
  let dataDir: string;
  const quiet = () => {};

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cg-pglite-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  test('migrates, answers pg, keeps its data across a restart', async () => {
    const folders = (await readdir('prisma/migrations', { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();

    const first = await startEmbeddedPostgres({ dataDir, log: quiet });
    try {
      expect(first.url).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
      // Migrate before any pool opens: the engine needs the one connection.
      expect(await applyMigrations({ databaseUrl: first.url })).toEqual({ applied: folders });

      const pool = new pg.Pool({ connectionString: first.url, max: 1 });
      try {
        const { rows } = await pool.query<{ version: string }>('SELECT version()');
        expect(rows[0]?.version).toMatch(/^PostgreSQL \d+/);
        await pool.query('CREATE TABLE probe (id serial PRIMARY KEY, note text NOT NULL)');
        await pool.query('INSERT INTO probe (note) VALUES ($1), ($2)', ['kept', 'across restarts']);
      } finally {
        await pool.end();
      }
    } finally {
      await first.stop();
    }
    await first.stop(); // idempotent

    const second = await startEmbeddedPostgres({ dataDir, log: quiet });
    try {
      expect(await applyMigrations({ databaseUrl: second.url })).toEqual({ applied: [] });
      const client = new pg.Client(second.url);
      await client.connect();
      try {
        const notes = await client.query<{ note: string }>('SELECT note FROM probe ORDER BY id');
        expect(notes.rows.map((r) => r.note)).toEqual(['kept', 'across restarts']);
        const recorded = await client.query<{ migration_name: string }>(
          'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY 1',
        );
        expect(recorded.rows.map((r) => r.migration_name)).toEqual(folders);
      } finally {
        await client.end();
      }
    } finally {
      await second.stop();
    }
  });

  test('one connection at a time: a second one fails fast while a pool holds it, then gets in', async () => {
    const db = await startEmbeddedPostgres({ dataDir, log: quiet });
    try {
      const pool = new pg.Pool({ connectionString: db.url, max: 1 });
      await pool.query('SELECT 1'); // the pool now keeps the connection (idle)

      const started = Date.now();
      await expect(applyMigrations({ databaseUrl: db.url })).rejects.toThrow(/one connection at a time/);
      expect(Date.now() - started).toBeLessThan(10_000); // no deadlock: a bounded wait

      await pool.end();
      // Reconnecting right after a close must not trip over the closing connection.
      for (let i = 0; i < 5; i++) {
        const again = new pg.Pool({ connectionString: db.url, max: 1 });
        expect((await again.query<{ n: number }>('SELECT $1::int AS n', [i])).rows).toEqual([{ n: i }]);
        await again.end();
      }
      expect(await applyMigrations({ databaseUrl: db.url })).toEqual({ applied: [] });
    } finally {
      await db.stop();
    }
  });

  test('the data dir is locked while open, also against other processes; a stale lock is taken over', async () => {
    const db = await startEmbeddedPostgres({ dataDir, log: quiet });
    try {
      await expect(startEmbeddedPostgres({ dataDir, log: quiet })).rejects.toThrow(/already open in this process/);
    } finally {
      await db.stop();
    }

    // A lock held by another live process (our parent will do).
    await writeFile(join(dataDir, 'casegraph.lock'), JSON.stringify({ pid: process.ppid, host: hostname(), token: 'x' }));
    await expect(startEmbeddedPostgres({ dataDir, log: quiet })).rejects.toThrow(`in use by process ${process.ppid}`);

    // A lock left by a process that no longer exists (as after kill -9).
    const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid;
    await writeFile(join(dataDir, 'casegraph.lock'), JSON.stringify({ pid: dead, host: hostname(), token: 'x' }));
    const notes: string[] = [];
    const again = await startEmbeddedPostgres({ dataDir, log: (m) => notes.push(m) });
    try {
      expect(notes.join('\n')).toMatch(new RegExp(`stale lock of process ${dead}`));
      const client = new pg.Client(again.url);
      await client.connect();
      expect((await client.query('SELECT count(*)::int AS n FROM probe')).rows).toEqual([{ n: 2 }]);
      await client.end();
    } finally {
      await again.stop();
    }
  });
});
