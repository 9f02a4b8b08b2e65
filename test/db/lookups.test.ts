// The client Pothos loads single records through (src/db/lookups.ts): a lookup by id and an
// access filter is never batched with the other lookups of its tick (concurrent requests), a
// lookup by a bare key still is, and both answer as Prisma's findUnique would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, onQuery, openDatabase, prisma } from '../../src/db.js';
import { lookupClient } from '../../src/db/lookups.js';
import { planCompilations } from '../../src/db/plan-stats.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createClient, createOrganization } from '../support/factories.js';

// The database alone, no app: nothing else compiles plans while these tests count them.
let database: TestDatabase;
let organizationId = '';
let otherOrganizationId = '';
let ids: string[] = [];
let stranger = '';

beforeAll(async () => {
  database = await createTestDatabase('lookups');
  openDatabase({ url: database.url, poolMax: 4 });
  const [mine, other] = await Promise.all([createOrganization(), createOrganization()]);
  organizationId = mine.id;
  otherOrganizationId = other.id;
  ids = (await Promise.all(Array.from({ length: 6 }, () => createClient(organizationId)))).map((c) => c.id);
  stranger = (await createClient(otherOrganizationId)).id;
  planCompilations(); // starts counting
});
afterAll(async () => {
  await closeDatabase();
  await database?.drop();
});

/** The SELECT statements the client sends while `work` runs. */
async function sent<T>(work: () => Promise<T>): Promise<{ result: T; sql: string[] }> {
  const sql: string[] = [];
  const stop = onQuery((text) => {
    if (/^SELECT/i.test(text.trim())) sql.push(text);
  });
  try {
    return { result: await work(), sql };
  } finally {
    stop();
  }
}

/**
 * A lookup by id and a filter with two dates, as access filters carry "now": Prisma shares one
 * parameter between equal values, so whether they coincide is part of a plan's shape.
 */
const DAY = Date.UTC(2030, 0, 1);
const filtered = (id: string, a = 0, b = 0) => ({
  where: { id, AND: [{ organizationId }, { createdAt: { lte: new Date(DAY + a) } }, { updatedAt: { lte: new Date(DAY + b) } }] },
  select: { id: true },
});

describe('lookups through the client Pothos uses', () => {
  it('sends lookups filtered beyond the id one statement each, and compiles no plan for them together', async () => {
    const client = lookupClient(prisma);
    // Both shapes a single lookup can have, compiled once.
    await client.client.findUniqueOrThrow(filtered(ids[0]!, 0, 0));
    await client.client.findUniqueOrThrow(filtered(ids[0]!, 0, 1));
    const before = planCompilations();
    // One tick, as concurrent requests' lookups are, with dates that coincide or not.
    const { result, sql } = await sent(() => Promise.all(ids.map((id, i) => client.client.findUniqueOrThrow(filtered(id, i, i % 2 ? i : i + 1)))));
    expect(planCompilations() - before).toBe(0);
    expect(result.map((row) => row.id)).toEqual(ids);
    expect(sql).toHaveLength(ids.length);
  });

  it('(Prisma batches the same lookups, and compiles a plan for the batch)', async () => {
    const before = planCompilations();
    await Promise.all(ids.map((id, i) => prisma.client.findUniqueOrThrow(filtered(id, i, i % 2 ? i : i + 1))));
    expect(planCompilations() - before).toBeGreaterThan(0);
  });

  it('answers a record the filter excludes as findUnique does: null, or P2025', async () => {
    const client = lookupClient(prisma);
    const where = { id: stranger, AND: [{ organizationId }] };
    expect(await client.client.findUnique({ where })).toBeNull();
    await expect(client.client.findUniqueOrThrow({ where })).rejects.toMatchObject({ code: 'P2025' });
    expect(await client.client.findUnique({ where: { id: stranger, organization: { id: otherOrganizationId } } })).toMatchObject({ id: stranger });
  });

  it('still batches lookups by a bare key into one statement', async () => {
    const client = lookupClient(prisma);
    const { result, sql } = await sent(() => Promise.all(ids.map((id) => client.client.findUnique({ where: { id }, select: { id: true } }))));
    expect(result.map((row) => row?.id)).toEqual(ids);
    expect(sql.filter((s) => /^SELECT/i.test(s))).toHaveLength(1);
  });
});
