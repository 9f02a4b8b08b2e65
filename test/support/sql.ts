// Counts the SQL statements the Prisma client sends while `work` runs: the N+1 question is
// answered by counting round trips, never by timing them.
import { onQuery } from '../../src/db.js';

export async function countStatements<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const statements: string[] = [];
  const stop = onQuery((sql) => {
    // Transaction bookkeeping is not a data round trip worth counting.
    if (!/^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/i.test(sql.trim())) statements.push(sql);
  });
  try {
    return { result: await work(), statements };
  } finally {
    stop();
  }
}
