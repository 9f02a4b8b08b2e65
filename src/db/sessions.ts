// Dedicated pg sessions (the relay's, the staff-change listener's) outside Prisma's pool.
import type pg from 'pg';

/** Ends a session, or gives up after `ms`: pg never settles end() when it comes mid-connect. */
export function endWithin(client: pg.Client, ms: number): Promise<void> {
  return Promise.race([client.end().catch(() => {}), new Promise<void>((resolve) => setTimeout(resolve, ms).unref())]);
}
