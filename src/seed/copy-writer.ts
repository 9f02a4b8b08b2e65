// Writes batches with COPY ... FROM STDIN over connections of its own: how `npm run db:seed`
// fills a PostgreSQL database. Each household's rows are encoded (./copy-binary.ts) as soon as
// they are generated; a chunk then goes out as one transaction of one COPY per table, in
// foreign-key order, while the next chunk is being generated.
//
// Measured here at 3,000 clients, the server spent 3.7 s of CPU on the COPYs with foreign keys
// checked row by row and 1.5 s without: the checks were most of its work. So when the role may
// (a superuser's `session_replication_role = replica`) and no table a chunk writes has triggers
// of its own (which replica mode would skip too), chunks are written unchecked and `check`
// checks every foreign key of those tables at once, the way ALTER TABLE ... VALIDATE CONSTRAINT
// does. Fixtures are always written checked: staff tables have change triggers.
//
// The secondary indexes are set aside for the load and built at the end (./bulk-indexes.ts).
import pg from 'pg';
import { buildSetAside, restoreSetAside, setIndexesAside } from './bulk-indexes.js';
import { BinaryRows, type Layouts, readColumnWriters } from './copy-binary.js';
import { type ChunkWriter, INSERT_LEVELS, type SeedSummary, type SeedWriter, tableName } from './tables.js';

/** Connections, hence chunks being written at once (seed.ts keeps as many in flight). */
const CONNECTIONS = 2;
/** Size of the CopyData messages a table's rows are sent in. */
const PIECE_BYTES = 1 << 20;
const TABLES = INSERT_LEVELS.flat();

export async function openCopyWriter(url: string, summary: SeedSummary): Promise<SeedWriter> {
  const clients: pg.Client[] = [];
  try {
    for (let i = 0; i < CONNECTIONS; i++) {
      const client = new pg.Client({ connectionString: url, application_name: 'casegraph-seed' });
      // A broken connection fails the query in progress; unheard, the event would end the process.
      client.on('error', () => {});
      clients.push(client);
      await client.connect();
    }
  } catch (error) {
    await Promise.allSettled(clients.map((c) => c.end()));
    throw error;
  }
  const first = clients[0]!;
  await restoreSetAside(clients);
  const indexesAside = await setIndexesAside(first);
  const triggered = await tablesWithTriggers(first);
  const mayBypass = await canSkipForeignKeyChecks(first);
  const writers = await readColumnWriters(first);
  const layouts: Layouts = new Map();
  const unchecked = new Set<string>();
  const idle = [...clients];
  const waiting: ((client: pg.Client) => void)[] = [];
  const acquire = () => new Promise<pg.Client>((resolve) => (idle.length > 0 ? resolve(idle.pop()!) : waiting.push(resolve)));
  const release = (client: pg.Client) => (waiting.length > 0 ? waiting.shift()!(client) : idle.push(client));

  /** One transaction: one COPY per table, in foreign-key order. */
  async function writeRows(rows: BinaryRows, bypass: boolean): Promise<void> {
    const client = await acquire();
    try {
      await client.query('BEGIN');
      // Durability of each commit is moot while a data set is being loaded; the rows are the same.
      await client.query('SET LOCAL synchronous_commit = off');
      if (bypass) await client.query('SET LOCAL session_replication_role = replica');
      for (const table of TABLES) {
        const encoded = rows.tables.get(table);
        if (!encoded) continue;
        const columns = encoded.columns.map((c) => client.escapeIdentifier(c)).join(', ');
        await copyFrom(client, `COPY ${client.escapeIdentifier(tableName(table))} (${columns}) FROM STDIN (FORMAT binary)`, encoded.data.finish());
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      release(client);
    }
    for (const [table, encoded] of rows.tables) summary[table] += encoded.rows;
    if (bypass) for (const table of rows.tables.keys()) unchecked.add(tableName(table));
  }

  return {
    async writeFixtures(batch) {
      const rows = new BinaryRows(writers, layouts);
      rows.take(batch);
      await writeRows(rows, false);
    },
    chunk(): ChunkWriter {
      const rows = new BinaryRows(writers, layouts);
      return {
        take: (batch) => rows.take(batch),
        write: async (batch) => {
          rows.take(batch);
          const bypass = mayBypass && ![...rows.tables.keys()].some((t) => triggered.has(tableName(t)));
          await writeRows(rows, bypass);
        },
      };
    },
    async check() {
      if (unchecked.size > 0) await checkForeignKeys(clients, unchecked);
    },
    async finish() {
      return indexesAside ? buildSetAside(clients) : 0;
    },
    async close() {
      await Promise.allSettled(clients.map((c) => c.end()));
    },
  };
}

// ------------------------------------------------------------------ COPY over pg

/** What pg's Connection offers for COPY FROM but does not declare. */
type CopyConnection = pg.Connection & { sendCopyFromChunk(chunk: Buffer): void; endCopyFrom(): void };

/**
 * `COPY ... FROM STDIN` as a query object of pg's (its own Query answers the server's request
 * for data with a failure): the data is sent when the server asks for it, and the query ends
 * at ReadyForQuery, or at the error (after which the server ignores what is still arriving).
 */
class CopyFromStdin implements pg.Submittable {
  readonly done: Promise<void>;
  private resolve!: () => void;
  private reject!: (error: unknown) => void;

  constructor(
    private readonly text: string,
    private readonly data: Buffer,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  submit(connection: pg.Connection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    for (let i = 0; i < this.data.length; i += PIECE_BYTES) connection.sendCopyFromChunk(this.data.subarray(i, i + PIECE_BYTES));
    connection.endCopyFrom();
  }

  handleCommandComplete(): void {}

  handleReadyForQuery(): void {
    this.resolve();
  }

  handleError(error: unknown): void {
    this.reject(error);
  }
}

function copyFrom(client: pg.Client, sql: string, data: Buffer): Promise<void> {
  return client.query(new CopyFromStdin(sql, data)).done;
}

// ------------------------------------------------------------------ foreign keys

async function tablesWithTriggers(client: pg.Client): Promise<Set<string>> {
  const { rows } = await client.query<{ table: string }>(
    `SELECT DISTINCT c.relname AS table FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace`,
  );
  return new Set(rows.map((r) => r.table));
}

async function canSkipForeignKeyChecks(client: pg.Client): Promise<boolean> {
  try {
    await client.query('SET session_replication_role = replica');
    await client.query('RESET session_replication_role');
    return true;
  } catch {
    return false; // not a superuser: every row is checked as it is written
  }
}

/** Counts, per foreign key of the given tables, the rows whose reference does not exist. */
async function checkForeignKeys(clients: pg.Client[], tables: Set<string>): Promise<void> {
  const { rows: keys } = await clients[0]!.query<{ name: string; child: string; parent: string; table: string; columns: string[]; refs: string[] }>(
    `SELECT k.conname AS name, k.conrelid::regclass::text AS child, k.confrelid::regclass::text AS parent, c.relname AS table,
            array(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u(n, i) JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.i)::text[] AS columns,
            array(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY u(n, i) JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.i)::text[] AS refs
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
      WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace`,
  );
  const queue = keys.filter((k) => tables.has(k.table));
  const broken: string[] = [];
  // The checks are independent: one queue, worked by every connection.
  await Promise.all(
    clients.map(async (client) => {
      for (let key = queue.pop(); key; key = queue.pop()) {
        const id = (c: string) => client.escapeIdentifier(c);
        const sql =
          `SELECT count(*)::int AS n FROM ${key.child} c WHERE ${key.columns.map((c) => `c.${id(c)} IS NOT NULL`).join(' AND ')} ` +
          `AND NOT EXISTS (SELECT 1 FROM ${key.parent} p WHERE ${key.columns.map((c, i) => `p.${id(key.refs[i]!)} = c.${id(c)}`).join(' AND ')})`;
        const { rows } = await client.query<{ n: number }>(sql);
        if (rows[0]!.n > 0) broken.push(`${key.name} (${rows[0]!.n} rows)`);
      }
    }),
  );
  if (broken.length > 0) throw new Error(`seed rows break foreign keys: ${broken.sort().join(', ')}`);
}
