// Limits before work (issue 9): each abusive query of the table, sent over HTTP to a real
// server, is refused with a typed code while it is parsed or validated, so that no resolver ran
// (no `data` in the answer) and no SQL statement was sent. Never a timing assertion: "quick" is
// "nothing was done".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_NODE_IDS } from '../../src/schema/cost.js';
import { startTestApp, type GraphQLResponse, type TestApp } from '../support/app.js';
import { createClient, createOrganization, createStaff, globalId } from '../support/factories.js';
import { countStatements } from '../support/sql.js';

let t: TestApp;
let token = '';
let clientId = '';

beforeAll(async () => {
  t = await startTestApp('query_limits');
  const org = await createOrganization();
  const manager = await createStaff(org.id, { roles: ['CASE_MANAGER'] });
  clientId = globalId('Client', (await createClient(org.id)).id);
  token = await t.tokenFor(manager.id);
});
afterAll(() => t?.stop());

/** Posts a document and counts the SQL statements it caused. */
async function refused(query: string, options: { variables?: Record<string, unknown>; token?: string | null } = {}) {
  const { result, statements } = await countStatements(() => t.gql(query, options.variables, { token: options.token ?? null }));
  return { response: result as GraphQLResponse, statements };
}

function expectRefused({ response, statements }: { response: GraphQLResponse; statements: string[] }, code: string) {
  expect(response.errors?.map((e) => e.extensions?.code)).toContain(code);
  expect(response).not.toHaveProperty('data');
  expect(statements).toEqual([]);
}

const aliases = (n: number, field: string) => Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ');
const NETWORK = 'clients(first: 100) { edges { node { network(depth: 3) { __typename } } } }';

describe('query limits, before any resolver or statement', () => {
  it('refuses five aliases of a page of 100 networks at depth 3 as too costly', async () => {
    const result = await refused(`{ ${aliases(5, NETWORK)} }`, { token });
    expectRefused(result, 'QUERY_TOO_COMPLEX');
    expect(result.response.errors![0]!.extensions).toMatchObject({ maxCost: 50_000 });
    expect(result.response.errors![0]!.extensions!.cost).toBeGreaterThan(500_000);
  });

  it('costs network by its depth: one page of 100 networks at depth 3 is refused, a page of 20 at depth 1 runs', async () => {
    expectRefused(await refused(`{ ${NETWORK} }`, { token }), 'QUERY_TOO_COMPLEX');
    const small = await t.gql('{ clients(first: 20) { edges { node { network(depth: 1) { hiddenClients } } } } }', {}, { token });
    expect(small.errors).toBeUndefined();
    expect(small.data.clients.edges).toHaveLength(1);
  });

  it('costs one document by its variables, each time: refused, run, refused again as they change', async () => {
    // Measured costs are kept per document, operation and variables (src/http/limits.ts).
    const query = 'query Networks($first: Int!, $depth: Int!) { clients(first: $first) { edges { node { network(depth: $depth) { hiddenClients } } } } }';
    const costly = { first: 100, depth: 3 };
    const cheap = { first: 20, depth: 1 };
    for (const variables of [costly, cheap, costly, cheap, { ...cheap, first: 21 }, { depth: 3, first: 100 }]) {
      const { response, statements } = await refused(query, { variables, token });
      if (variables.first === 100) {
        expectRefused({ response, statements }, 'QUERY_TOO_COMPLEX');
      } else {
        expect(response.errors).toBeUndefined();
        expect(response.data!.clients.edges).toHaveLength(1);
      }
    }
  });

  it('refuses 10,000 aliases of __typename without a token, at the token limit', async () => {
    expectRefused(await refused(`{ ${aliases(10_000, '__typename')} }`), 'QUERY_TOO_LARGE');
  });

  it('counts aliases of __typename: 16 are one too many', async () => {
    const result = await refused(`{ ${aliases(16, '__typename')} }`);
    expectRefused(result, 'TOO_MANY_ALIASES');
    expect(result.response.errors![0]!.message).toBe('Aliases limit of 15 exceeded, found 16.');
    const fifteen = await t.gql(`{ ${aliases(15, '__typename')} }`);
    expect(fifteen.data).toMatchObject({ a0: 'Query', a14: 'Query' });
  });

  it('refuses a document of 200,000 tokens without a token, at the token limit', async () => {
    // 400 kB, under the body limit: the parser stops at the 2,001st token.
    const result = await refused(`{ ${Array.from({ length: 200_000 }, () => 'a').join(' ')} }`);
    expectRefused(result, 'QUERY_TOO_LARGE');
    expect(result.response.errors![0]!.message).toBe('Token limit of 2000 exceeded.');
  });

  it('refuses a body over 1 MiB by its Content-Length', async () => {
    const response = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ ${Array.from({ length: 200_000 }, () => '__typename').join(' ')} }` }),
    });
    expect(response.status).toBe(413);
    const body = (await response.json()) as GraphQLResponse;
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['REQUEST_ENTITY_TOO_LARGE']);
  });

  /** Posts `text` without a Content-Length (chunked transfer), in chunks of 64 KiB. */
  const chunked = (text: string) => {
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 65_536) controller.enqueue(bytes.subarray(at, at + 65_536));
        controller.close();
      },
    });
    return fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
  };

  it('cuts off a body without a Content-Length once it passes 1 MiB, and reads one under it', async () => {
    const huge = await chunked(JSON.stringify({ query: `{ ${Array.from({ length: 200_000 }, () => '__typename').join(' ')} }` }));
    expect(huge.status).toBe(413);
    // The rest of the body is left unread: the connection is not reused (the next tests' requests would fail on it).
    expect(huge.headers.get('connection')).toBe('close');
    expect(((await huge.json()) as GraphQLResponse).errors?.map((e) => e.extensions?.code)).toEqual(['REQUEST_ENTITY_TOO_LARGE']);

    // 900 kB of white space inside the document: under the limit, and under the token limit.
    const fine = await chunked(JSON.stringify({ query: `{ __typename${' '.repeat(900_000)}}` }));
    expect(fine.status).toBe(200);
    expect(((await fine.json()) as GraphQLResponse).data).toEqual({ __typename: 'Query' });
  });

  it('refuses a query deeper than 10', async () => {
    const deep = '{ me { caseload(first: 1) { edges { node { client { cases { client { cases { client { cases { id } } } } } } } } } } }';
    expectRefused(await refused(deep, { token }), 'QUERY_TOO_DEEP');
    // One level less runs.
    const ten = await t.gql(deep.replace('cases { id }', 'id'), {}, { token });
    expect(ten.errors).toBeUndefined();
  });

  it('refuses more than 50 directives', async () => {
    const many = Array.from({ length: 51 }, () => '__typename @include(if: true)').join(' ');
    expectRefused(await refused(`{ ${many} }`), 'TOO_MANY_DIRECTIVES');
  });

  it('refuses deeply nested introspection', async () => {
    expectRefused(
      await refused('{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }'),
      'GRAPHQL_VALIDATION_FAILED',
    );
  });

  it('refuses nodes with 10,000 ids, naming the argument', async () => {
    const ids = Array.from({ length: 10_000 }, () => clientId);
    const result = await refused('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { variables: { ids }, token });
    expectRefused(result, 'BAD_USER_INPUT');
    expect(result.response.errors![0]!.message).toBe(`nodes(ids:) takes at most ${MAX_NODE_IDS} ids; got 10000`);
    const hundred = await t.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ids.slice(0, MAX_NODE_IDS) }, { token });
    expect(hundred.errors).toBeUndefined();
    expect(hundred.data.nodes).toHaveLength(MAX_NODE_IDS);
  });

  it('refuses providerOptions with a negative limit, like every other negative size', async () => {
    for (const limit of [-1, 0, 51]) {
      const result = await refused(`{ providerOptions(need: HOUSING, limit: ${limit}) { score } }`, { token });
      expect(result.response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.response.errors?.[0]?.message).toMatch(/limit/);
      expect(result.response.data ?? null).toBeNull();
      expect(result.statements).toEqual([]);
    }
    const first = await refused('{ clients(first: -1) { totalCount } }', { token });
    expect(first.response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('over the websocket', () => {
  it('refuses an over-costly operation with the same code, before it runs', async () => {
    const client = t.wsClient(token);
    // Authenticated at connection_init: the viewer is loaded then, not per operation.
    await new Promise<void>((resolve) => client.on('connected', () => resolve()));
    const { statements, result: errors } = await countStatements(
      () =>
        new Promise<readonly { extensions?: Record<string, unknown> }[]>((resolve, reject) => {
          client.subscribe({ query: `{ ${aliases(5, NETWORK)} }` }, {
            next: () => reject(new Error('the operation ran')),
            error: (error) => resolve(error as readonly { extensions?: Record<string, unknown> }[]),
            complete: () => reject(new Error('the operation completed')),
          });
        }),
    );
    expect(errors.map((e) => e.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(statements).toEqual([]);
  });
});

describe('every error carries extensions.code', () => {
  it('a parse error, an unknown field, a bad variable, a bad cursor, no query', async () => {
    const cases: Array<[string, Record<string, unknown> | undefined, string]> = [
      ['{ me { id ', undefined, 'GRAPHQL_PARSE_FAILED'],
      ['{ me { nickname } }', undefined, 'GRAPHQL_VALIDATION_FAILED'],
      ['query($n: Int) { clients(first: $n) { totalCount } }', { n: 'ten' }, 'BAD_USER_INPUT'],
      ['{ clients(first: 2, after: "not-a-cursor") { totalCount } }', undefined, 'BAD_USER_INPUT'],
      ['', undefined, 'GRAPHQL_PARSE_FAILED'],
    ];
    for (const [query, variables, code] of cases) {
      const response = await t.gql(query, variables, { token });
      expect({ query, codes: response.errors?.map((e) => e.extensions?.code) }).toEqual({ query, codes: [code] });
    }
  });

  it('a request without a query, or a batch (refused)', async () => {
    for (const payload of [{}, [{ query: '{ __typename }' }, { query: '{ __typename }' }]]) {
      const response = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
      const body = (await response.json()) as GraphQLResponse;
      expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_REQUEST']);
    }
  });
});
