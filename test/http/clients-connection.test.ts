import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, expectData, type TestApp } from '../support/app.js';
import {
  createCase,
  createClient,
  createOrganization,
  createProvider,
  createRelatedPerson,
  createStaff,
  globalId,
} from '../support/factories.js';
import { prisma } from '../../src/db.js';
import { countStatements } from '../support/sql.js';

let t: TestApp;
let token: string;
let orgId: string;
const names = ['Abara', 'Bianchi', 'Chen', 'Dubois', 'Eriksen', 'Fofana', 'Garcia'];

beforeAll(async () => {
  t = await startTestApp('clients');
  const org = await createOrganization({ name: 'Riverside Community Services' });
  orgId = org.id;
  const staff = await createStaff(org.id);
  token = await t.tokenFor(staff.id);
  for (const familyName of names) {
    await createClient(org.id, { familyName, givenName: familyName === 'Chen' ? 'Mei' : 'Jo' });
  }
  // A client of another organization, with no case for this viewer: invisible.
  const other = await createOrganization();
  await createClient(other.id, { familyName: 'Hidden' });
});
afterAll(() => t?.stop());

const CLIENTS = /* GraphQL */ `
  query Clients($first: Int, $after: String, $last: Int, $before: String, $filter: ClientFilter) {
    clients(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
      totalCount
      edges { cursor node { id familyName } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`;

describe('clients connection', () => {
  it('pages forward with first/after through every visible client, in name order, exactly once', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const data: any = expectData(await t.gql(CLIENTS, { first: 3, after }, { token }));
      expect(data.clients.totalCount).toBe(names.length);
      seen.push(...data.clients.edges.map((e: any) => e.node.familyName));
      pages += 1;
      if (!data.clients.pageInfo.hasNextPage) break;
      after = data.clients.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(names);
  });

  it('pages backward with last/before', async () => {
    const last: any = expectData(await t.gql(CLIENTS, { last: 2 }, { token }));
    expect(last.clients.edges.map((e: any) => e.node.familyName)).toEqual(['Fofana', 'Garcia']);
    expect(last.clients.pageInfo.hasPreviousPage).toBe(true);
    const before: any = expectData(
      await t.gql(CLIENTS, { last: 2, before: last.clients.pageInfo.startCursor }, { token }),
    );
    expect(before.clients.edges.map((e: any) => e.node.familyName)).toEqual(['Dubois', 'Eriksen']);
  });

  it('counts the list only when the page may not hold all of it, and totalCount is right either way', async () => {
    await t.gql('{ __typename }', {}, { token }); // the viewer, cached
    const second: any = expectData(await t.gql(CLIENTS, { first: 3 }, { token }));
    const cases: Array<[Record<string, unknown>, boolean]> = [
      [{ first: 10 }, false], // 7 of 10: the whole list
      [{ first: 7 }, false], // exactly full: the look-ahead row is missing, so nothing follows
      [{ last: 10 }, false],
      [{ first: 6 }, true], // a full page: more may follow
      [{ first: 10, after: second.clients.pageInfo.endCursor }, true], // the rows before the cursor are not on the page
    ];
    for (const [variables, counted] of cases) {
      const { result, statements } = await countStatements(async () => expectData<any>(await t.gql(CLIENTS, variables, { token })));
      expect(result.clients.totalCount, JSON.stringify(variables)).toBe(names.length);
      expect(statements.some((sql) => sql.includes('COUNT(')), JSON.stringify(variables)).toBe(counted);
    }
  });

  it('caps a page at 100 and rejects unsupported argument mixes clearly', async () => {
    const response = await t.gql(CLIENTS, { first: 2, before: 'x' }, { token });
    expect(response.errors?.[0]?.message).toBeTruthy();
  });

  it('searches names case-insensitively and filters by organization', async () => {
    const data: any = expectData(await t.gql(CLIENTS, { first: 10, filter: { search: 'mei CH' } }, { token }));
    expect(data.clients.edges.map((e: any) => e.node.familyName)).toEqual(['Chen']);
    const byOrg: any = expectData(
      await t.gql(CLIENTS, { first: 10, filter: { organizationId: globalId('Organization', orgId) } }, { token }),
    );
    expect(byOrg.clients.totalCount).toBe(names.length);
  });

  it('finds a client by identifier value', async () => {
    const client = await prisma.client.findFirstOrThrow({ where: { familyName: 'Bianchi' } });
    await prisma.clientIdentifier.create({ data: { clientId: client.id, system: 'MRN', value: 'MRN-778812' } });
    const data: any = expectData(await t.gql(CLIENTS, { first: 10, filter: { search: 'mrn-778812' } }, { token }));
    expect(data.clients.edges.map((e: any) => e.node.familyName)).toEqual(['Bianchi']);
  });
});

describe('the linked graph', () => {
  it('walks client -> relationships -> related person -> other clients, and refetches by node id', async () => {
    const org = await createOrganization();
    const staff = await createStaff(org.id);
    const viewerToken = await t.tokenFor(staff.id);
    const [a, b] = [await createClient(org.id, { givenName: 'Ana' }), await createClient(org.id, { givenName: 'Ben' })];
    const grandma = await createRelatedPerson({ givenName: 'Rosa' });
    await prisma.clientRelationship.createMany({
      data: [
        { clientId: a.id, relatedPersonId: grandma.id, relationship: 'GRANDPARENT', isCaregiver: true },
        { clientId: b.id, relatedPersonId: grandma.id, relationship: 'GRANDPARENT', isEmergencyContact: true },
      ],
    });
    const data: any = expectData(
      await t.gql(
        `query($id: ID!) { node(id: $id) { ... on Client { givenName relationships { relationship isCaregiver
           relatedPerson { givenName relationships { client { givenName } } } } } } }`,
        { id: globalId('Client', a.id) },
        { token: viewerToken },
      ),
    );
    const rel = data.node.relationships[0];
    expect(rel).toMatchObject({ relationship: 'GRANDPARENT', isCaregiver: true, relatedPerson: { givenName: 'Rosa' } });
    expect(rel.relatedPerson.relationships.map((r: any) => r.client.givenName).sort()).toEqual(['Ana', 'Ben']);
  });

  it('answers a node the viewer may not see exactly like one that does not exist', async () => {
    const other = await createOrganization();
    const hidden = await createClient(other.id);
    const forbidden = await t.gql('query($id: ID!) { node(id: $id) { id } }', { id: globalId('Client', hidden.id) }, { token });
    const missing = await t.gql(
      'query($id: ID!) { node(id: $id) { id } }',
      { id: globalId('Client', '5f0c1c1e-0000-4000-8000-000000000000') },
      { token },
    );
    expect(forbidden.errors?.[0]?.message).toBeTruthy();
    expect(forbidden.errors?.[0]?.message.replace(hidden.id, 'X')).toBe(
      missing.errors?.[0]?.message.replace('5f0c1c1e-0000-4000-8000-000000000000', 'X'),
    );
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('shows a client of another organization to the care team of their case', async () => {
    const other = await createOrganization();
    const hidden = await createClient(other.id, { givenName: 'Visiting' });
    const org = await createOrganization();
    const staff = await createStaff(org.id);
    const staffToken = await t.tokenFor(staff.id);
    const query = 'query($id: ID!) { node(id: $id) { ... on Client { givenName } } }';
    expect((await t.gql(query, { id: globalId('Client', hidden.id) }, { token: staffToken })).errors).toBeDefined();
    await createCase(hidden.id, other.id, [{ staffId: staff.id }]);
    const data: any = expectData(await t.gql(query, { id: globalId('Client', hidden.id) }, { token: staffToken }));
    expect(data.node.givenName).toBe('Visiting');
  });

  it('lists providers by service type and language', async () => {
    const provider = await createProvider({ name: 'Casa Segura Housing', languages: ['en', 'es'] });
    await prisma.providerService.create({
      data: { providerId: provider.id, serviceType: 'HOUSING', name: 'Emergency shelter', openSlots: 3 },
    });
    await createProvider({ name: 'English Only Housing', languages: ['en'] });
    const data: any = expectData(
      await t.gql(
        `{ providers(first: 10, filter: { serviceType: HOUSING, language: "es" }) {
           totalCount edges { node { name services { name serviceType openSlots } } } } }`,
        {},
        { token },
      ),
    );
    expect(data.providers.totalCount).toBe(1);
    expect(data.providers.edges[0].node).toEqual({
      name: 'Casa Segura Housing',
      services: [{ name: 'Emergency shelter', serviceType: 'HOUSING', openSlots: 3 }],
    });
  });
});
