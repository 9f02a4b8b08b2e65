// The viewer behind a token is cached per instance and dropped as soon as PostgreSQL announces
// a change to the staff member or their team memberships, whoever made it.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { viewerCache } from '../../src/auth/viewer-cache.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createStaff } from '../support/factories.js';
import { countStatements } from '../support/sql.js';

let t: TestApp;
let orgId: string;

beforeAll(async () => {
  t = await startTestApp('viewer_cache');
  orgId = (await createOrganization()).id;
  await listening(true);
});
afterAll(() => t?.stop());

// The listener connects in the background.
const listening = (expected: boolean) => viewerCache.whenListening(expected);

const ME = '{ me { roles } }';
const readsStaff = (statements: string[]) => statements.some((sql) => sql.includes('"StaffMember"'));

describe('viewer cache', () => {
  it('answers a known staff member without a query, and a role change made outside the API at its notice', async () => {
    const staff = await createStaff(orgId, { roles: ['CASE_MANAGER'] });
    const token = await t.tokenFor(staff.id);
    expect(expectData(await t.gql(ME, {}, { token })).me.roles).toEqual(['CASE_MANAGER']);
    const cached = await countStatements(() => t.gql('{ __typename }', {}, { token }));
    expect(cached.statements).toEqual([]);

    const noticed = viewerCache.invalidated(staff.id);
    await prisma.staffMember.update({ where: { id: staff.id }, data: { roles: ['CASE_MANAGER', 'SUPERVISOR'] } });
    await noticed;
    expect(expectData(await t.gql(ME, {}, { token })).me.roles).toEqual(['CASE_MANAGER', 'SUPERVISOR']);
  });

  it('keeps an entry read after the change it is told of', async () => {
    const staff = await createStaff(orgId, { roles: ['NURSE'] });
    const token = await t.tokenFor(staff.id);
    const noticed = viewerCache.invalidated(staff.id);
    await prisma.staffMember.update({ where: { id: staff.id }, data: { roles: ['PHYSICIAN'] } });
    expect(expectData(await t.gql(ME, {}, { token })).me.roles).toEqual(['PHYSICIAN']);
    await noticed;
    // The read saw that transaction: its notice (before or after the read) leaves nothing stale.
    expect((await countStatements(() => t.gql('{ __typename }', {}, { token }))).statements).toEqual([]);
  });

  it('drops a staff member whose team membership changes, and refuses one deactivated', async () => {
    const staff = await createStaff(orgId);
    const token = await t.tokenFor(staff.id);
    expectData(await t.gql(ME, {}, { token }));
    const team = await prisma.team.create({ data: { organizationId: orgId, name: `Team ${staff.id}` } });
    let noticed = viewerCache.invalidated(staff.id);
    await prisma.teamMembership.create({ data: { teamId: team.id, staffId: staff.id, role: 'CASE_MANAGER' } });
    await noticed;
    // Reloaded once (with the new team), then served from the cache again.
    expect(readsStaff((await countStatements(() => t.gql('{ __typename }', {}, { token }))).statements)).toBe(true);
    expect((await countStatements(() => t.gql('{ __typename }', {}, { token }))).statements).toEqual([]);

    noticed = viewerCache.invalidated(staff.id);
    await prisma.staffMember.update({ where: { id: staff.id }, data: { active: false } });
    await noticed;
    const refused = await t.gql(ME, {}, { token });
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('loads the viewer per request while its listener is disconnected, and caches again once back', async () => {
    const staff = await createStaff(orgId);
    const token = await t.tokenFor(staff.id);
    expectData(await t.gql(ME, {}, { token }));
    const admin = new pg.Client({ connectionString: t.databaseUrl });
    await admin.connect();
    try {
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'casegraph-staff' AND datname = current_database()`);
    } finally {
      await admin.end();
    }
    await listening(false);
    // A change while nobody listens is never noticed: the cache must not answer from memory.
    await prisma.staffMember.update({ where: { id: staff.id }, data: { roles: ['NURSE'] } });
    const uncached = await countStatements(async () => expectData(await t.gql(ME, {}, { token })));
    expect(uncached.result.me.roles).toEqual(['NURSE']);
    expect(readsStaff(uncached.statements)).toBe(true);

    await listening(true);
    expectData(await t.gql(ME, {}, { token }));
    expect((await countStatements(() => t.gql('{ __typename }', {}, { token }))).statements).toEqual([]);
  });
});
