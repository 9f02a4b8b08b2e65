// One instance at a time runs a sweep statement (escalation.ts, overdue.ts), so that two
// instances sweeping at once cannot write a later item's event before an earlier one's: a
// condition of the statement's row selection takes a transaction-scoped advisory lock. It is
// uncorrelated, so PostgreSQL evaluates it once, as a one-time filter, before locking any row;
// the other instances wait for it, and it is released at the statement's commit. It must stay a
// scalar subquery: inside EXISTS, PostgreSQL drops the target list and never takes the lock.

/** The SQL condition that takes the advisory lock named `name` (its hashtext). */
export function sweepLock(name: string): string {
  return `(SELECT true FROM pg_advisory_xact_lock(hashtext('${name}')))`;
}
