// Secondary indexes set aside while a large data set is loaded, and built once it is in:
// PostgreSQL builds an index from the whole table in one sorted pass much faster than it
// inserts into it row by row. Measured at 20,000 clients: the server spent 33 s of CPU on the
// load with its 102 indexes maintained, 17.5 s without them, plus 1.4 s to build them after;
// at 1,000 clients the whole seed takes 1.6-1.9 s set aside against 2.1-2.5 s maintained.
//
// Indexes that back a constraint (primary keys, unique constraints, the targets of foreign
// keys) stay. The definitions of those set aside are written, in the transaction that drops
// them, to a table of their own: a load that dies half-way leaves them recorded, and the next
// seed (which has to `--reset` that database anyway) builds them again before anything else.
import pg from 'pg';

/** Where the set-aside definitions wait. Not data: `db:seed -- --reset` leaves it, as it leaves _prisma_migrations. */
export const SET_ASIDE_LEDGER = '_casegraph_seed_indexes';

/** Builds whatever an earlier, interrupted load set aside. */
export async function restoreSetAside(clients: pg.Client[]): Promise<void> {
  const { rows } = await clients[0]!.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [SET_ASIDE_LEDGER]);
  if (rows[0]!.exists) await buildSetAside(clients);
}

/** Drops the secondary indexes of the current schema; false when the role may not (not the owner). */
export async function setIndexesAside(client: pg.Client): Promise<boolean> {
  try {
    await client.query('BEGIN');
    await client.query(`CREATE TABLE ${SET_ASIDE_LEDGER} (name text PRIMARY KEY, "table" text NOT NULL, definition text NOT NULL)`);
    const { rows } = await client.query<{ name: string }>(
      `INSERT INTO ${SET_ASIDE_LEDGER} (name, "table", definition)
       SELECT c.relname, i.indrelid::regclass::text, pg_get_indexdef(i.indexrelid)
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE c.relnamespace = current_schema()::regnamespace
          AND i.indrelid <> '${SET_ASIDE_LEDGER}'::regclass
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
       RETURNING name`,
    );
    for (const { name } of rows) await client.query(`DROP INDEX ${client.escapeIdentifier(name)}`);
    await client.query('COMMIT');
    return true;
  } catch {
    await client.query('ROLLBACK').catch(() => {});
    return false;
  }
}

/** Builds every index set aside, largest tables first, one per connection at a time; then forgets them. */
export async function buildSetAside(clients: pg.Client[]): Promise<number> {
  const { rows } = await clients[0]!.query<{ name: string; definition: string }>(
    `SELECT l.name, l.definition FROM ${SET_ASIDE_LEDGER} l
      WHERE to_regclass(quote_ident(l.name)) IS NULL
      ORDER BY pg_relation_size(l."table"::regclass) DESC, l.name`,
  );
  const queue = rows.reverse();
  await Promise.all(
    clients.map(async (client) => {
      // Sorts for the build stay in memory (the default 64 MB spills the largest to disk).
      await client.query(`SET maintenance_work_mem = '256MB'`);
      for (let index = queue.pop(); index; index = queue.pop()) await client.query(index.definition);
      await client.query('RESET maintenance_work_mem');
    }),
  );
  await clients[0]!.query(`DROP TABLE ${SET_ASIDE_LEDGER}`);
  return rows.length;
}
