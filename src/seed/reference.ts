// The data set's fixed points: the reference date every date is placed against, the demo staff,
// the default sizes, and the time helpers every generator uses.

/** "Now" for the data set: every date is placed relative to it. */
export const REFERENCE_DATE = new Date('2026-11-01T09:00:00.000Z');

export const DEMO_CASE_MANAGER_EMAIL = 'casey.manager@casegraph.demo';

/** Fixed staff for demos and docs, one per kind of user. */
export const DEMO_STAFF_EMAILS = {
  caseManager: DEMO_CASE_MANAGER_EMAIL,
  supervisor: 'sam.supervisor@casegraph.demo',
  analyst: 'ana.analyst@casegraph.demo',
  complianceOfficer: 'cora.compliance@casegraph.demo',
  admin: 'adam.admin@casegraph.demo',
} as const;

export const DEFAULT_SEED = 42;
export const DEFAULT_CLIENTS = 1000;
export const DEMO_CLIENTS = 60;

// Time, in milliseconds: dates are placed against REF and become Date objects only in rows.

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const REF = REFERENCE_DATE.getTime();
export const at = (ms: number) => new Date(ms);
export const stamp = (created: number, updated: number = created) => ({ createdAt: at(created), updatedAt: at(Math.max(created, updated)) });

/**
 * Ids are UUIDv7-shaped with a made-up time per chunk (fixtures first, then chunk by chunk):
 * each chunk's keys are then contiguous in every B-tree index, which keeps large runs from
 * slowing down as the indexes outgrow PostgreSQL's buffers (random v4 ids made a
 * 30,000-client run take a quarter longer here).
 */
export const idTime = (chunk: number) => REF + 1 + chunk;
