// The seed data set: every workflow status shows up even at a small size, the demo staff
// exist, the same seed number gives the same rows and ids, and the rows agree with each other.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient } from '../../src/generated/prisma/client.js';
import { CaseStatus, CrisisStatus, ReferralStatus, StaffRole } from '../../src/generated/prisma/enums.js';
import {
  DEMO_CASE_MANAGER_EMAIL,
  DEMO_STAFF_EMAILS,
  REFERENCE_DATE,
  isDatabaseEmpty,
  seed,
  type SeedSummary,
} from '../../src/seed/seed.js';
import { restoreSetAside, SET_ASIDE_LEDGER, setIndexesAside } from '../../src/seed/bulk-indexes.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const CLIENTS = 150;
const SEED = 7;

// Two databases at once: src/db.ts keeps one client per process, so these tests make their own.
const connect = (url: string) => new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 4 }) });

let databases: TestDatabase[] = [];
let first: PrismaClient;
let second: PrismaClient;
let summary: SeedSummary;
let secondSummary: SeedSummary;

beforeAll(async () => {
  databases = await Promise.all([createTestDatabase('seed_a'), createTestDatabase('seed_b')]);
  first = connect(databases[0]!.url);
  second = connect(databases[1]!.url);
  expect(await isDatabaseEmpty(first)).toBe(true);
  // The first through the Prisma client, the second with COPY over connections of its own (and
  // its secondary indexes set aside for the load).
  [summary, secondSummary] = await Promise.all([
    seed(first, { clients: CLIENTS, seed: SEED }),
    seed(second, { clients: CLIENTS, seed: SEED, databaseUrl: databases[1]!.url }),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([first?.$disconnect(), second?.$disconnect()]);
  await Promise.all(databases.map((db) => db.drop()));
});

/** Every index of the data's tables, by name, as PostgreSQL would create it. */
async function indexDefinitions(db: PrismaClient): Promise<Record<string, string>> {
  const rows = await db.$queryRaw<{ name: string; definition: string }[]>`
    SELECT indexname AS name, indexdef AS definition FROM pg_indexes WHERE schemaname = current_schema() AND tablename <> ${SET_ASIDE_LEDGER}`;
  return Object.fromEntries(rows.map((r) => [r.name, r.definition]));
}

const ledgerExists = async (db: PrismaClient) =>
  (await db.$queryRaw<[{ exists: boolean }]>`SELECT to_regclass(${SET_ASIDE_LEDGER}) IS NOT NULL AS exists`)[0].exists;

/** Row count and a digest of every row, per table: equal digests, equal contents. */
async function tableDigests(db: PrismaClient): Promise<Record<string, string>> {
  const tables = await db.$queryRaw<{ name: string }[]>`
    SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations' ORDER BY 1`;
  const digests: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await db.$queryRawUnsafe<[{ n: number; digest: string }]>(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM "${name}" t`,
    );
    digests[name] = `${row.n} ${row.digest}`;
  }
  return digests;
}

const distinct = async <T>(rows: Promise<{ status: T }[]>) => new Set((await rows).map((r) => r.status));

describe('seed', () => {
  it('writes the requested number of clients and reports what it wrote', async () => {
    expect(summary.client).toBe(CLIENTS);
    expect(await first.client.count()).toBe(CLIENTS);
    expect(await first.referralEvent.count()).toBe(summary.referralEvent);
    expect(await first.organization.count()).toBeGreaterThanOrEqual(5);
    expect(await first.provider.count()).toBe(150);
    expect(await isDatabaseEmpty(first)).toBe(false);
  });

  it('shows every case, referral and crisis status even at a small size', async () => {
    const cases = await distinct(first.case.findMany({ select: { status: true }, distinct: ['status'] }));
    const referrals = await distinct(first.referral.findMany({ select: { status: true }, distinct: ['status'] }));
    const crises = await distinct(first.crisisEvent.findMany({ select: { status: true }, distinct: ['status'] }));
    expect([...cases].sort()).toEqual(Object.values(CaseStatus).sort());
    expect([...referrals].sort()).toEqual(Object.values(ReferralStatus).sort());
    expect([...crises].sort()).toEqual(Object.values(CrisisStatus).sort());
  });

  it('has the demo staff, every role, and supervisors supervising', async () => {
    const casey = await first.staffMember.findUniqueOrThrow({
      where: { email: DEMO_CASE_MANAGER_EMAIL },
      include: { organization: true, primaryCases: { select: { status: true } } },
    });
    expect(casey.roles).toContain('CASE_MANAGER');
    expect(casey.organization.setting).toBe('COMMUNITY');
    expect(casey.primaryCases.length).toBeGreaterThanOrEqual(10);
    expect(new Set(casey.primaryCases.map((c) => c.status)).size).toBe(Object.values(CaseStatus).length);

    const demo = await first.staffMember.findMany({ where: { email: { in: Object.values(DEMO_STAFF_EMAILS) } } });
    expect(demo).toHaveLength(Object.values(DEMO_STAFF_EMAILS).length);
    const roleOf = (email: string) => demo.find((s) => s.email === email)!.roles;
    expect(roleOf(DEMO_STAFF_EMAILS.supervisor)).toContain('SUPERVISOR');
    expect(roleOf(DEMO_STAFF_EMAILS.analyst)).toContain('ANALYST');
    expect(roleOf(DEMO_STAFF_EMAILS.complianceOfficer)).toContain('COMPLIANCE_OFFICER');
    expect(roleOf(DEMO_STAFF_EMAILS.admin)).toContain('ADMIN');

    const roles = new Set((await first.staffMember.findMany({ select: { roles: true } })).flatMap((s) => s.roles));
    expect([...roles].sort()).toEqual(Object.values(StaffRole).sort());
    const supervisor = await first.staffMember.findUniqueOrThrow({ where: { email: DEMO_STAFF_EMAILS.supervisor }, include: { supervisees: true } });
    expect(supervisor.supervisees.map((s) => s.email)).toContain(DEMO_CASE_MANAGER_EMAIL);
  });

  it('gives the same rows and ids for the same seed number, through either writer', async () => {
    expect(secondSummary).toEqual(summary);
    const clients = (db: PrismaClient) =>
      db.client.findMany({ orderBy: { id: 'asc' }, select: { id: true, givenName: true, familyName: true, dateOfBirth: true, riskLevel: true, organizationId: true } });
    const referrals = (db: PrismaClient) =>
      db.referral.findMany({ orderBy: { id: 'asc' }, select: { id: true, status: true, providerId: true, sentAt: true, estimatedCost: true } });
    const crises = (db: PrismaClient) => db.crisisEvent.findMany({ orderBy: { id: 'asc' }, select: { id: true, status: true, reportedAt: true } });
    expect(await clients(second)).toEqual(await clients(first));
    expect(await referrals(second)).toEqual(await referrals(first));
    expect(await crises(second)).toEqual(await crises(first));
    expect(await tableDigests(second)).toEqual(await tableDigests(first));
  });

  it("ends every referral's and crisis's history in its status", async () => {
    const [referralMismatches] = await first.$queryRaw<[{ n: number }]>`
      SELECT count(*)::int AS n FROM "Referral" r
      WHERE r.status IS DISTINCT FROM (SELECT e."toStatus" FROM "ReferralEvent" e WHERE e."referralId" = r.id ORDER BY e.at DESC LIMIT 1)
         OR (SELECT e."fromStatus" FROM "ReferralEvent" e WHERE e."referralId" = r.id ORDER BY e.at ASC LIMIT 1) IS NOT NULL`;
    expect(referralMismatches.n).toBe(0);
    const [crisisMismatches] = await first.$queryRaw<[{ n: number }]>`
      SELECT count(*)::int AS n FROM "CrisisEvent" c
      WHERE c.status IS DISTINCT FROM (SELECT a."toStatus" FROM "CrisisAction" a WHERE a."crisisId" = c.id AND a."toStatus" IS NOT NULL ORDER BY a.at DESC LIMIT 1)`;
    expect(crisisMismatches.n).toBe(0);
    expect(await first.crisisEvent.count({ where: { status: { not: 'OPEN' }, OR: [{ acknowledgedAt: null }, { acknowledgedById: null }] } })).toBe(0);
  });

  it('keeps cases, care teams and risk levels consistent', async () => {
    const [withoutPrimary] = await first.$queryRaw<[{ n: number }]>`
      SELECT count(*)::int AS n FROM "Case" c WHERE NOT EXISTS (
        SELECT 1 FROM "CareTeamMember" m WHERE m."caseId" = c.id AND m."staffId" = c."primaryCaseManagerId"
          AND m.role = 'PRIMARY_CASE_MANAGER' AND (m."endedAt" IS NULL OR c.status = 'CLOSED'))`;
    expect(withoutPrimary.n).toBe(0);
    const [staleContact] = await first.$queryRaw<[{ n: number }]>`
      SELECT count(*)::int AS n FROM "Case" c WHERE c."lastContactAt" IS DISTINCT FROM
        (SELECT max(i."occurredAt") FROM "Interaction" i WHERE i."caseId" = c.id AND NOT i."enteredInError")`;
    expect(staleContact.n).toBe(0);
    const [lowRiskInCrisis] = await first.$queryRaw<[{ n: number }]>`
      SELECT count(*)::int AS n FROM "CrisisEvent" e JOIN "Client" c ON c.id = e."clientId"
      WHERE e.status NOT IN ('RESOLVED', 'CLOSED') AND e.severity IN ('HIGH', 'CRITICAL') AND c."riskLevel" IN ('LOW', 'MODERATE')`;
    expect(lowRiskInCrisis.n).toBe(0);
    expect(await first.case.count({ where: { status: 'CLOSED', closedAt: null } })).toBe(0);
    expect(await first.case.count({ where: { status: { not: 'CLOSED' }, closedAt: { not: null } } })).toBe(0);
  });

  it('dates everything that has happened on or before the reference date', async () => {
    const after = { gt: REFERENCE_DATE };
    expect(await first.interaction.count({ where: { occurredAt: after } })).toBe(0);
    expect(await first.referralEvent.count({ where: { at: after } })).toBe(0);
    expect(await first.crisisAction.count({ where: { at: after } })).toBe(0);
    expect(await first.case.count({ where: { OR: [{ openedAt: after }, { updatedAt: after }] } })).toBe(0);
    // ...and some work is overdue relative to it, for the work queues.
    expect(await first.carePlan.count({ where: { status: 'ACTIVE', nextReviewDue: { lt: REFERENCE_DATE } } })).toBeGreaterThan(0);
  });

  it('marks what was overdue by the reference date as announced, and nothing due later', async () => {
    const overdue = { status: 'SCHEDULED' as const, scheduledFor: { lte: REFERENCE_DATE } };
    expect(await first.followUp.count({ where: overdue })).toBeGreaterThan(0);
    expect(await first.followUp.count({ where: { ...overdue, overdueAnnouncedFor: null } })).toBe(0);
    expect(await first.followUp.count({ where: { scheduledFor: { gt: REFERENCE_DATE }, overdueAnnouncedFor: { not: null } } })).toBe(0);
    expect(await first.carePlan.count({ where: { status: 'ACTIVE', nextReviewDue: { lte: REFERENCE_DATE }, overdueAnnouncedFor: null } })).toBe(0);
    expect(await first.referral.count({ where: { status: 'SENT', expectedResponseBy: { lte: REFERENCE_DATE }, overdueAnnouncedFor: null } })).toBe(0);
    expect(await first.task.count({ where: { status: { in: ['REQUESTED', 'ACCEPTED', 'IN_PROGRESS'] }, dueAt: { lte: REFERENCE_DATE }, overdueAnnouncedFor: null } })).toBe(0);
    const [cases] = await first.$queryRawUnsafe<[{ quiet: bigint; unmarked: bigint }]>(
      `SELECT count(*) AS quiet, count(*) FILTER (WHERE "overdueAnnouncedFor" IS NULL) AS unmarked FROM "Case"
        WHERE status NOT IN ('CLOSED', 'ON_HOLD') AND COALESCE("lastContactAt", "openedAt") + interval '30 days' <= $1::timestamptz AT TIME ZONE 'UTC'`,
      REFERENCE_DATE.toISOString(),
    );
    expect(Number(cases.quiet)).toBeGreaterThan(0);
    expect(Number(cases.unmarked)).toBe(0);
  });

  it('builds family networks that several clients share', async () => {
    const shared = await first.clientRelationship.groupBy({ by: ['relatedPersonId'], _count: { clientId: true }, having: { clientId: { _count: { gt: 1 } } } });
    expect(shared.length).toBeGreaterThan(0);
    const identifiers = await first.clientIdentifier.findMany({ select: { system: true }, distinct: ['system'] });
    expect(identifiers.map((i) => i.system)).toEqual(expect.arrayContaining(['MRN', 'SCHOOL_ID', 'INMATE_NUMBER']));
  });
});

describe('secondary indexes set aside for a COPY load', () => {
  it('are all built again, as the migrations made them, and nothing of the set-aside is left', async () => {
    const migrated = await indexDefinitions(first);
    expect(Object.keys(migrated).length).toBeGreaterThan(100);
    expect(await indexDefinitions(second)).toEqual(migrated);
    expect(await ledgerExists(second)).toBe(false);
  });

  it('are built by the next load when one dies before building them', async () => {
    const migrated = await indexDefinitions(first);
    const client = new pg.Client({ connectionString: databases[1]!.url });
    await client.connect();
    try {
      // What a load leaves when it is killed between setting the indexes aside and building them.
      expect(await setIndexesAside(client)).toBe(true);
      const left = await indexDefinitions(second);
      expect(Object.keys(left).length).toBeLessThan(Object.keys(migrated).length);
      expect(left).toEqual(Object.fromEntries(Object.entries(migrated).filter(([name]) => name in left)));
      expect(await ledgerExists(second)).toBe(true);
      // What the next load does first.
      await restoreSetAside([client]);
    } finally {
      await client.end();
    }
    expect(await indexDefinitions(second)).toEqual(migrated);
    expect(await ledgerExists(second)).toBe(false);
  });
});
