// Text inputs (src/schema/inputs/text.ts): control characters and lengths are refused with a
// typed error naming the field before anything reaches PostgreSQL; free text keeps tab and line
// breaks; searches treat `%`, `_` and `\` as literal characters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { TEXT_LIMITS } from '../../src/schema/inputs/text.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { staffWithToken, writeCounts } from '../support/clients.js';
import { createCase, createClient, createProvider, globalId } from '../support/factories.js';

let t: TestApp;
let token: string;
let clientId: string;
let caseId: string;

const HOSTILE = {
  NUL: 'Ma\u0000ya',
  BEL: 'Ma\u0007ya',
  'ESC colour': '\u001b[31mMaya\u001b[0m',
  DEL: 'Ma\u007fya',
  'C1 NEL': 'Ma\u0085ya',
  'C1 CSI': 'Ma\u009b31mya',
  LF: 'Ma\nya',
  TAB: 'Ma\tya',
  'unpaired surrogate': 'Ma\ud800ya',
};

async function mutate(field: string, type: string, input: Record<string, unknown>) {
  const data: any = expectData(
    await t.gql(
      `mutation M($input: ${type}!) { ${field}(input: $input) { __typename ... on Error { code message } ... on ValidationError { field } ... on InputValidationError { issues { path } } } }`,
      { input },
      { token },
    ),
  );
  return data[field];
}

beforeAll(async () => {
  t = await startTestApp('text_inputs');
  const { org, staff, token: tk } = await staffWithToken(t);
  token = tk;
  const client = await createClient(org.id);
  await createProvider();
  const kase = await createCase(client.id, org.id, [{ staffId: staff.id }]);
  clientId = globalId('Client', client.id);
  caseId = globalId('Case', kase.id);
});
afterAll(() => t?.stop());

describe('names and identifiers', () => {
  it.each(Object.entries(HOSTILE))('refuse %s in registerClient names, typed and naming the field, writing nothing', async (_label, value) => {
    const before = await writeCounts();
    const result = await mutate('registerClient', 'RegisterClientInput', { givenName: value, familyName: 'Okafor' });
    expect(result).toMatchObject({ __typename: 'ValidationError', code: 'BAD_USER_INPUT', field: 'input.givenName' });
    expect(result.message).not.toContain('Maya');
    expect(await writeCounts()).toEqual(before);
  });

  it('refuse a NUL in an identifier value and in addRelatedPerson', async () => {
    const before = await writeCounts();
    expect(await mutate('registerClient', 'RegisterClientInput', { givenName: 'Ada', familyName: 'Okafor', identifiers: [{ system: 'MRN', value: 'A1\u0000' }] }))
      .toMatchObject({ __typename: 'ValidationError', field: 'input.identifiers.0.value' });
    expect(await mutate('addRelatedPerson', 'AddRelatedPersonInput', { clientId, givenName: 'Grace', familyName: 'Ok\u0000afor', relationship: 'PARENT' }))
      .toMatchObject({ __typename: 'ValidationError', field: 'input.familyName' });
    expect(await writeCounts()).toEqual(before);
  });

  it('refuse a string over the single-line limit even where the domain sets none', async () => {
    const response = await t.gql('query($s: String) { staff(filter: { search: $s }) { totalCount } }', { s: 'x'.repeat(TEXT_LIMITS.singleLine + 1) }, { token });
    expect(response.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: `Validation error: filter.search: must be at most ${TEXT_LIMITS.singleLine} characters` });
  });

  it('refuse a malformed or oversized id as bad input', async () => {
    for (const id of ['Q2xpZW50\u0000', 'x'.repeat(TEXT_LIMITS.id + 1)]) {
      const response = await t.gql('query($id: ID!) { node(id: $id) { id } }', { id }, { token });
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('ids and arguments Pothos refuses', () => {
  it('a global id of another type is a typed ValidationError in a mutation and BAD_USER_INPUT in a query', async () => {
    const before = await writeCounts();
    expect(await mutate('changeCaseStatus', 'ChangeCaseStatusInput', { caseId: clientId, status: 'ACTIVE' }))
      .toMatchObject({ __typename: 'ValidationError', code: 'BAD_USER_INPUT' });
    expect(await writeCounts()).toEqual(before);
    const response = await t.gql('query($id: ID!) { accessReport(clientId: $id) { __typename } }', { id: caseId }, { token });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('`before` with `first` is BAD_USER_INPUT', async () => {
    const response = await t.gql('{ organizations(first: 1, before: "x") { totalCount } }', {}, { token });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('subscriptions', () => {
  it('refuse a control character in a subscription argument with BAD_USER_INPUT', async () => {
    const client = t.wsClient(token);
    const errors = await new Promise<any[]>((resolve) => {
      client.subscribe(
        { query: 'subscription($r: String) { crisisAlerts(filter: { region: $r }) { __typename } }', variables: { r: 'North\u001b[2J' } },
        { next: (value) => resolve((value.errors as any[]) ?? []), error: (e) => resolve(e as any[]), complete: () => resolve([]) },
      );
    });
    expect(errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors[0]?.message).toContain('filter.region');
  });
});

describe('free text', () => {
  it('keeps tab and line breaks in an interaction summary', async () => {
    const summary = 'Visited.\n\tRent arrears: 2 months.\r\nNext: call the landlord.';
    const result = await mutate('recordInteraction', 'RecordInteractionInput', { caseId, type: 'HOME_VISIT', occurredAt: new Date().toISOString(), summary });
    expect(result.__typename).toBe('Interaction');
    expect(await prisma.interaction.count({ where: { summary } })).toBe(1);
  });

  it.each([
    ['NUL', '\u0000'],
    ['ESC', '\u001b[2J'],
    ['BEL', '\u0007'],
    ['DEL', '\u007f'],
    ['C1', '\u0090'],
  ])('refuse %s in recordInteraction summary and raiseCrisis description', async (_label, bad) => {
    const before = await writeCounts();
    const interactions = await prisma.interaction.count();
    const crises = await prisma.crisisEvent.count();
    expect(await mutate('recordInteraction', 'RecordInteractionInput', { caseId, type: 'HOME_VISIT', occurredAt: new Date().toISOString(), summary: `Visited ${bad}` }))
      .toMatchObject({ __typename: 'ValidationError', field: 'input.summary' });
    expect(await mutate('raiseCrisis', 'RaiseCrisisInput', { clientId, category: 'HOUSING_LOSS', severity: 'LOW', description: `Eviction ${bad}` }))
      .toMatchObject({ __typename: 'ValidationError', field: 'input.description' });
    expect(await writeCounts()).toEqual(before);
    expect([await prisma.interaction.count(), await prisma.crisisEvent.count()]).toEqual([interactions, crises]);
  });

  it('refuse free text over its limit', async () => {
    const result = await mutate('recordInteraction', 'RecordInteractionInput', {
      caseId, type: 'HOME_VISIT', occurredAt: new Date().toISOString(), summary: 'x'.repeat(TEXT_LIMITS.freeText + 1),
    });
    expect(result).toMatchObject({ __typename: 'ValidationError', field: 'input.summary' });
  });
});

describe('searches', () => {
  it.each(['clients', 'staff', 'providers'])('%s: a NUL is bad input naming filter.search; %%, _ and \\ are literal', async (list) => {
    const query = `query($s: String) { ${list}(filter: { search: $s }) { totalCount } }`;
    const nul = await t.gql(query, { s: 'Jane\u0000' }, { token });
    expect(nul.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(nul.errors?.[0]?.message).toContain('filter.search');
    for (const s of ['%', '_', '\\', 'a\\', '%\\%']) {
      const data: any = expectData(await t.gql(query, { s }, { token }));
      expect(data[list].totalCount, `${list} search ${JSON.stringify(s)}`).toBe(0);
    }
  });
});
