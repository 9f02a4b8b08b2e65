// clients(filter: { search }): literal wildcards, identifier exact and prefix matches, name
// fragments, typed errors for control characters, and plans that use the trigram indexes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createCase, createClient, createOrganization, createStaff } from '../support/factories.js';
import { prisma } from '../../src/db.js';
import { ValidationError } from '../../src/errors.js';
import { clientSearchWhere, IDENTIFIER_CLIENT_LIMIT } from '../../src/services/clients/search.js';

let t: TestApp;
let token: string;
let orgId: string;
let otherOrgId: string;

const CLIENTS = /* GraphQL */ `
  query Clients($first: Int, $after: String, $filter: ClientFilter, $orderBy: ClientOrder) {
    clients(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      totalCount
      edges { node { givenName familyName } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

/** The statements Prisma sends while `work` runs, with their parameters. */
async function capture<T>(work: () => Promise<T>) {
  const statements: Array<{ query: string; params: unknown[] }> = [];
  let collecting = true;
  // Prisma has no way to remove a listener: this one stops collecting instead.
  (prisma as any).$on('query', (event: { query: string; params: string }) => {
    if (collecting) statements.push({ query: event.query, params: JSON.parse(event.params) });
  });
  try {
    return { result: await work(), statements };
  } finally {
    collecting = false;
  }
}

async function search(text: string, first = 50) {
  const data: any = expectData(await t.gql(CLIENTS, { first, filter: { search: text } }, { token }));
  return { total: data.clients.totalCount as number, names: data.clients.edges.map((e: any) => e.node.familyName) as string[] };
}

beforeAll(async () => {
  t = await startTestApp('clients_search');
  const org = await createOrganization();
  orgId = org.id;
  const staff = await createStaff(org.id);
  token = await t.tokenFor(staff.id);
  otherOrgId = (await createOrganization()).id;

  for (const familyName of ['Ab_c', 'Abxc', 'Per%cent', 'Percent', 'Back\\slash', 'Lovelace', 'Babbage']) {
    await createClient(org.id, { givenName: 'Kit', familyName });
  }
  const mrn = await createClient(org.id, { givenName: 'Ida', familyName: 'Numbered' });
  await prisma.clientIdentifier.createMany({
    data: [
      { clientId: mrn.id, system: 'MRN', value: 'RGH-4471093' },
      { clientId: mrn.id, system: 'SCHOOL_ID', value: 'SCH_0042' },
    ],
  });
  const twin = await createClient(org.id, { givenName: 'Ida', familyName: 'Lookalike' });
  await prisma.clientIdentifier.create({ data: { clientId: twin.id, system: 'SCHOOL_ID', value: 'SCHX0042' } });
  // Another organization's clients: found by nobody here, however well they match.
  const hidden = await createClient(otherOrgId, { givenName: 'Kit', familyName: 'Lovelace-Hidden' });
  await prisma.clientIdentifier.create({ data: { clientId: hidden.id, system: 'MRN', value: 'RGH-4471094' } });
});
afterAll(() => t?.stop());

describe('search text is literal', () => {
  it('treats % and _ as characters, not wildcards', async () => {
    expect(await search('%')).toEqual({ total: 1, names: ['Per%cent'] });
    expect(await search('r%c')).toEqual({ total: 1, names: ['Per%cent'] });
    expect(await search('_')).toEqual({ total: 1, names: ['Ab_c'] });
    expect(await search('b_c')).toEqual({ total: 1, names: ['Ab_c'] });
    // And the ordinary fragment still finds both spellings.
    expect((await search('cent')).names).toEqual(['Per%cent', 'Percent']);
  });

  it('treats a backslash as a character, also at the end (no database error)', async () => {
    expect(await search('\\')).toEqual({ total: 1, names: ['Back\\slash'] });
    expect(await search('k\\s')).toEqual({ total: 1, names: ['Back\\slash'] });
    expect(await search('\\\\')).toEqual({ total: 0, names: [] });
  });
});

describe('names and identifiers', () => {
  it('finds a fragment from the middle of a name, ignoring case', async () => {
    expect(await search('VELAC')).toEqual({ total: 1, names: ['Lovelace'] });
    expect(await search('kit bbag')).toEqual({ total: 1, names: ['Babbage'] });
  });

  it('answers a fragment that matches nothing with an empty page', async () => {
    const data: any = expectData(await t.gql(CLIENTS, { first: 5, filter: { search: 'qqzx' } }, { token }));
    expect(data.clients).toEqual({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('finds a client by a whole identifier value, ignoring case', async () => {
    expect(await search('rgh-4471093')).toEqual({ total: 1, names: ['Numbered'] });
    expect(await search('sch_0042')).toEqual({ total: 1, names: ['Numbered'] });
    expect(await search('schx0042')).toEqual({ total: 1, names: ['Lookalike'] });
    // Every word must match, each through its own names or identifiers.
    expect(await search('ida schx0042')).toEqual({ total: 1, names: ['Lookalike'] });
    expect(await search('rgh-4471093 SCH_0042')).toEqual({ total: 1, names: ['Numbered'] });
    expect(await search('rgh-4471093 schx0042')).toEqual({ total: 0, names: [] });
    expect(await search('schx0042 kit')).toEqual({ total: 0, names: [] });
  });

  it('finds identifiers by their beginning when the word has a digit and 3+ characters', async () => {
    expect(await search('RGH-447')).toEqual({ total: 1, names: ['Numbered'] }); // RGH-4471094 is hidden
    expect(await search('sch_00')).toEqual({ total: 1, names: ['Numbered'] }); // _ is literal here too
    expect(await search('sch')).toEqual({ total: 0, names: [] }); // no digit: a whole value only
    expect(await search('4471093')).toEqual({ total: 0, names: [] }); // the middle of a value is not a match
  });

  it('never shows a client the viewer may not see', async () => {
    expect((await search('lovelace')).names).toEqual(['Lovelace']);
    expect(await search('rgh-4471094')).toEqual({ total: 0, names: [] });
  });

  it('keeps the order and the pages of the unfiltered list', async () => {
    const names: string[] = [];
    let after: string | null = null;
    for (;;) {
      const data: any = expectData(await t.gql(CLIENTS, { first: 2, after, filter: { search: 'kit' } }, { token }));
      expect(data.clients.totalCount).toBe(7);
      names.push(...data.clients.edges.map((e: any) => e.node.familyName));
      if (!data.clients.pageInfo.hasNextPage) break;
      after = data.clients.pageInfo.endCursor;
    }
    expect(names).toEqual(['Ab_c', 'Abxc', 'Babbage', 'Back\\slash', 'Lovelace', 'Per%cent', 'Percent']);
  });

  it('gives the same answer when a prefix matches more identifiers than are looked up by id', async () => {
    const org = await createOrganization();
    const staff = await createStaff(org.id);
    const staffToken = await t.tokenFor(staff.id);
    const count = IDENTIFIER_CLIENT_LIMIT + 5;
    await prisma.client.createMany({
      data: Array.from({ length: count }, (_, i) => ({ organizationId: org.id, givenName: 'Many', familyName: `Many-${String(i).padStart(4, '0')}` })),
    });
    const rows = await prisma.client.findMany({ where: { organizationId: org.id }, select: { id: true, familyName: true } });
    await prisma.clientIdentifier.createMany({
      data: rows.map((row) => ({ clientId: row.id, system: 'MEDICAID_ID', value: `ZQ7${row.familyName.slice(5)}` })),
    });
    // A client of this organization whose only match is its name, and one seen through a case.
    await createClient(org.id, { givenName: 'Zq9', familyName: 'Named' });
    const elsewhere = await createClient(otherOrgId, { givenName: 'Visiting', familyName: 'Through-case' });
    await prisma.clientIdentifier.create({ data: { clientId: elsewhere.id, system: 'MRN', value: 'ZQ999' } });
    await createCase(elsewhere.id, otherOrgId, [{ staffId: staff.id }]);

    const page = async (text: string) => {
      const { result, statements } = await capture(() => t.gql(CLIENTS, { first: 100, filter: { search: text } }, { token: staffToken }));
      const sql = statements.find((s) => /FROM "public"\."Client"/.test(s.query) && /ORDER BY/.test(s.query))!.query;
      return { ...(expectData(result) as any).clients, byRelation: /"public"\."ClientIdentifier"/.test(sql) };
    };
    const many = await page('zq7');
    expect(many.byRelation).toBe(true);
    expect(many.totalCount).toBe(count);
    expect(many.edges.map((e: any) => e.node.familyName)).toEqual(rows.map((r) => r.familyName).sort().slice(0, 100));
    const limit = await page('zq70'); // ZQ70000..ZQ70999: as many as are looked up by id
    expect(limit.byRelation).toBe(false);
    expect(limit.totalCount).toBe(IDENTIFIER_CLIENT_LIMIT);
    const few = await page('zq71');
    expect(few.byRelation).toBe(false);
    expect(few.edges.map((e: any) => e.node.familyName)).toEqual(['Many-1000', 'Many-1001', 'Many-1002', 'Many-1003', 'Many-1004']);
    expect((await page('zq')).edges.map((e: any) => e.node.familyName)).toEqual(['Named']); // no digit: names only
    expect((await page('zq9')).edges.map((e: any) => e.node.familyName)).toEqual(['Named', 'Through-case']);
  });
});

describe('control characters', () => {
  it('refuse a NUL byte or another control character as a validation error naming the field', async () => {
    for (const text of ['ab\u0000c', '\u0007', 'tab\there']) {
      const response = await t.gql(CLIENTS, { first: 5, filter: { search: text } }, { token });
      expect(response.data ?? null).toBeNull();
      const [error] = response.errors ?? [];
      // Refused before the field's own validation, by src/schema/inputs/text.ts.
      expect(error?.message).toMatch(/^Validation error: filter\.search: must not contain control characters \(found U\+00(00|07|09)\)$/);
      expect(error?.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
    }
  });

  it('are refused by the service too, with a ValidationError', async () => {
    await expect(clientSearchWhere(prisma, 'a\u0000', 'filter.search')).rejects.toMatchObject({
      constructor: ValidationError,
      field: 'filter.search',
    });
  });
});

describe('plans on 20,000 clients', () => {
  const SURNAMES = ['Smith', 'Nguyen', 'Garcia', 'Kowalski', 'Okafor', 'Haddad', 'Schmidt', 'Rossi', 'Tanaka', 'Silva'];
  const GIVEN = ['Anna', 'Ben', 'Chloe', 'David', 'Eva', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jonas'];
  let planToken: string;

  beforeAll(async () => {
    const org = await createOrganization();
    const staff = await createStaff(org.id);
    planToken = await t.tokenFor(staff.id);
    // 20,000 clients over six organizations, one identifier each; then what autovacuum would do
    // (GIN pending lists merged, statistics).
    await prisma.$executeRaw`
      INSERT INTO "Organization" (id, name, setting, region, "updatedAt")
      SELECT gen_random_uuid(), 'Plan org ' || n, 'COMMUNITY', 'North', now() FROM generate_series(1, 5) AS n`;
    await prisma.$executeRaw`
      INSERT INTO "Client" (id, "organizationId", "givenName", "familyName", "updatedAt")
      SELECT gen_random_uuid(),
             CASE WHEN n % 6 = 0 THEN ${org.id}::uuid
                  ELSE (SELECT id FROM "Organization" WHERE name = 'Plan org ' || (n % 6)) END,
             (${GIVEN}::text[])[1 + n % 10], (${SURNAMES}::text[])[1 + (n / 10) % 10] || '-' || (n % 37), now()
        FROM generate_series(1, 20000) AS n`;
    await prisma.$executeRaw`
      INSERT INTO "ClientIdentifier" (id, "clientId", system, value, "updatedAt")
      SELECT gen_random_uuid(), id, 'MRN', 'PL' || lpad(((hashtext(id::text)::bigint & 2147483647) % 1000000000)::text, 9, '0'), now()
        FROM "Client" WHERE "givenName" = ANY (${GIVEN}::text[])`;
    await prisma.$executeRawUnsafe('VACUUM ANALYZE "Client", "ClientIdentifier"');
  });

  const statementsOf = async (text: string, first = 20) =>
    (await capture(() => t.gql(CLIENTS, { first, filter: { search: text } }, { token: planToken }).then(expectData))).statements;

  async function planOf(statement: { query: string; params: unknown[] }): Promise<string> {
    const rows = await prisma.$queryRawUnsafe<Array<{ 'QUERY PLAN': string }>>(`EXPLAIN ${statement.query}`, ...statement.params);
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  }

  it('matches a rare name fragment through the trigram indexes, not by walking every client', async () => {
    // A page smaller than the matches: the total is then counted (a page holding them all is its own total).
    const statements = await statementsOf('owalski-36', 2);
    const page = statements.find((s) => /FROM "public"\."Client"/.test(s.query) && /ORDER BY/.test(s.query))!;
    const count = statements.find((s) => /COUNT\(\*\)/.test(s.query))!;
    for (const statement of [page, count]) {
      const plan = await planOf(statement);
      expect(plan).toMatch(/Bitmap Index Scan on "Client_familyName_trgm_idx"/);
      expect(plan).not.toMatch(/Seq Scan on "Client"|Index Scan using "Client_familyName_givenName_idx"/);
    }
  });

  it('looks identifiers up through their index, exactly or by prefix', async () => {
    const { value } = await prisma.clientIdentifier.findFirstOrThrow({ where: { value: { startsWith: 'PL' } }, select: { value: true } });
    for (const text of [value.toLowerCase(), value.slice(0, 6)]) {
      const statements = await statementsOf(text);
      const lookup = statements.find((s) => /FROM "ClientIdentifier" WHERE "value" ILIKE/.test(s.query))!;
      const plan = await planOf(lookup);
      expect(plan).toMatch(/Bitmap Index Scan on "ClientIdentifier_value_trgm_idx"/);
      expect(plan).not.toMatch(/Seq Scan on "ClientIdentifier"/);
      // The page then finds the client by id, beside the name indexes.
      const page = statements.find((s) => /FROM "public"\."Client"/.test(s.query) && /ORDER BY/.test(s.query))!;
      expect(await planOf(page)).toMatch(/Bitmap Index Scan on "Client_pkey"/);
    }
  });
});
