// No PHI in logs: a real server whose log (at debug level) goes to a captured stream runs a
// client's case life cycle with distinctive values, then expected errors, an internal error
// whose database message quotes the row, GET requests with the query in the URL and websocket
// failures. No captured line may carry any of the values; request lines carry the request id
// and error codes.
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { refuseFamilyName } from '../support/sql.js';
import { createOrganization, createStaff } from '../support/factories.js';

const PHI = {
  givenName: 'Zebulon',
  familyName: 'Quixotica',
  phone: '+44 7700 900461',
  identifier: 'NHS-9434765919',
  relativeName: 'Philomena',
  caseSummary: 'Lantern-eviction-notice',
  interaction: 'Spoke about the marmalade debt',
  crisis: 'Threatened at the bus depot',
  search: 'Jane Doe',
  boom: 'Quimbyboom',
};
const DIGITS = PHI.phone.replace(/\D/g, '');

let t: TestApp;
let token: string;
const lines: string[] = [];

beforeAll(async () => {
  const log = createLogger('debug', { write: (line: string) => void lines.push(line) });
  t = await startTestApp('logs_phi', {}, { log });
  const org = await createOrganization();
  const staff = await createStaff(org.id);
  token = await t.tokenFor(staff.id);
});
afterAll(() => t?.stop());

async function mutate(field: string, type: string, input: Record<string, unknown>, selection: string) {
  const data: any = expectData(
    await t.gql(`mutation M($input: ${type}!) { ${field}(input: $input) { __typename ... on Error { code } ${selection} } }`, { input }, { token }),
  );
  expect(data[field].code, field).toBeUndefined();
  return data[field];
}

/** A request whose id we choose, so that its log lines can be found. */
async function post(requestId: string, body: Record<string, unknown>) {
  const response = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
    body: JSON.stringify(body),
  });
  expect(response.headers.get('x-request-id')).toBe(requestId);
  return (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}

const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, any>);
const linesOf = (requestId: string) => parsed().filter((line) => line.requestId === requestId);
const accessLine = (requestId: string) => linesOf(requestId).find((line) => line.msg === 'graphql request');

function wsMessages(socket: WebSocket) {
  const queue: any[] = [];
  const waiters: Array<(m: any) => void> = [];
  socket.on('message', (data) => {
    const message = JSON.parse(String(data));
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  return () => (queue.length ? Promise.resolve(queue.shift()) : new Promise<any>((resolve) => waiters.push(resolve)));
}

describe('logs', () => {
  it('carry no PHI through a case life cycle, expected and internal errors, GET and websockets', async () => {
    const client = await mutate('registerClient', 'RegisterClientInput', {
      givenName: PHI.givenName, familyName: PHI.familyName, phone: PHI.phone, dateOfBirth: '1971-02-03',
      identifiers: [{ system: 'NHS', value: PHI.identifier }],
    }, '... on Client { id }');
    await mutate('addRelatedPerson', 'AddRelatedPersonInput', {
      clientId: client.id, givenName: PHI.relativeName, familyName: PHI.familyName, phone: PHI.phone, relationship: 'PARENT',
    }, '... on ClientRelationship { id }');
    const kase = await mutate('openCase', 'OpenCaseInput', { clientId: client.id, summary: PHI.caseSummary }, '... on Case { id }');
    await mutate('recordInteraction', 'RecordInteractionInput', {
      caseId: kase.id, type: 'HOME_VISIT', occurredAt: new Date().toISOString(), summary: PHI.interaction,
    }, '... on Interaction { id }');
    await mutate('raiseCrisis', 'RaiseCrisisInput', {
      clientId: client.id, caseId: kase.id, category: 'HOUSING_LOSS', severity: 'LOW', description: PHI.crisis,
    }, '... on CrisisEvent { id }');

    // Expected errors: a malformed id next to a search literal and a phone variable.
    const badId = await post('phi-bad-id-0001', {
      query: `query Find($phone: String) { clients(filter: { organizationId: "not-an-id", search: "${PHI.search}" }) { totalCount }
        findDuplicateClients(input: { phone: $phone }) { __typename } }`,
      variables: { phone: PHI.phone },
      operationName: 'Find',
    });
    expect(badId.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // Validation errors quote literals; variable coercion errors quote values.
    const literal = await post('phi-literal-0002', { query: `{ clients(first: "${PHI.familyName}") { totalCount } }` });
    expect(literal.errors?.length).toBeGreaterThan(0);
    const variable = await post('phi-variable-0003', { query: 'query Q($first: Int) { clients(first: $first) { totalCount } }', variables: { first: PHI.phone } });
    expect(variable.errors?.length).toBeGreaterThan(0);
    const syntax = await post('phi-syntax-0004', { query: `{ clients(filter: { search: "${PHI.search}" }) { totalCount ` });
    expect(syntax.errors?.length).toBeGreaterThan(0);
    // A control character in a name: a typed validation result, not a database error.
    const nul = await post('phi-nul-0005', {
      query: 'mutation R($input: RegisterClientInput!) { registerClient(input: $input) { __typename ... on ValidationError { field code } } }',
      variables: { input: { givenName: `${PHI.givenName}\u0000`, familyName: PHI.familyName, phone: PHI.phone } },
    });
    expect(nul.data?.registerClient).toEqual({ __typename: 'ValidationError', field: 'input.givenName', code: 'BAD_USER_INPUT' });

    // An internal error whose database message quotes the row ("Failing row contains (...)").
    await refuseFamilyName(t.databaseUrl, 'phi_probe', PHI.boom);
    const internal = await post('phi-internal-0006', {
      query: 'mutation R($input: RegisterClientInput!) { registerClient(input: $input) { __typename } }',
      variables: { input: { givenName: PHI.givenName, familyName: PHI.boom, phone: PHI.phone } },
      operationName: 'R',
    });
    expect(internal.errors?.[0]?.message).toBe('Unexpected error.');

    // GET with the query and variables in the URL.
    const url = new URL(t.url);
    url.searchParams.set('query', `query G($s: String) { clients(filter: { search: $s }) { totalCount } staff(filter: { search: "${PHI.relativeName}" }) { totalCount } }`);
    url.searchParams.set('variables', JSON.stringify({ s: PHI.search }));
    const get = await fetch(url, {
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'phi-get-0007', 'content-type': 'application/json', 'x-graphql-yoga-csrf': '1' },
    });
    expect(get.status).toBe(200);
    await get.text();

    // Websockets: an internal error in a mutation, a variable error, and a malformed message.
    const socket = new WebSocket(t.wsUrl, 'graphql-transport-ws');
    const next = wsMessages(socket);
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
    expect((await next()).type).toBe('connection_ack');
    socket.send(JSON.stringify({
      id: '1', type: 'subscribe',
      payload: { query: 'mutation R($input: RegisterClientInput!) { registerClient(input: $input) { __typename } }', variables: { input: { givenName: PHI.givenName, familyName: PHI.boom } } },
    }));
    const wsInternal = await next();
    expect(wsInternal.payload.errors[0].message).toBe('Unexpected error.');
    expect((await next()).type).toBe('complete');
    socket.send(JSON.stringify({ id: '2', type: 'subscribe', payload: { query: 'query Q($first: Int) { clients(first: $first) { totalCount } }', variables: { first: PHI.phone } } }));
    const wsVariable = await next();
    expect(wsVariable.payload.errors?.length ?? wsVariable.payload.length).toBeGreaterThan(0);
    if (wsVariable.type === 'next') expect((await next()).type).toBe('complete');
    const closed = new Promise<number>((resolve) => socket.once('close', resolve));
    socket.send(`{"id":"3","type":"subscribe","payload":{"query":"{ clients(filter:{search:\\"${PHI.search}\\"}) { totalCount } }"`);
    expect(await closed).toBe(4400);

    // An internal error before execution: the staff table is gone while a new token's viewer loads.
    const newcomer = await createStaff((await createOrganization()).id);
    const newcomerToken = await t.tokenFor(newcomer.id);
    const admin = new pg.Client({ connectionString: t.databaseUrl });
    await admin.connect();
    await admin.query('ALTER TABLE "StaffMember" RENAME TO "StaffMemberAway"');
    const broken = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${newcomerToken}`, 'x-request-id': 'phi-context-0008' },
      body: JSON.stringify({ query: `{ clients(filter: { search: "${PHI.search}" }) { totalCount } }` }),
    });
    await admin.query('ALTER TABLE "StaffMemberAway" RENAME TO "StaffMember"');
    await admin.end();
    expect(broken.headers.get('x-request-id')).toBe('phi-context-0008');
    const brokenBody = (await broken.json()) as { errors?: Array<{ message: string }> };
    expect(brokenBody.errors?.[0]?.message).toBe('Unexpected error.');
    expect(linesOf('phi-context-0008').some((line) => line.level >= 50), JSON.stringify(parsed().filter((l) => l.level >= 50).slice(-2))).toBe(true);

    // Every log line is free of the values.
    const text = lines.join('\n');
    for (const [name, value] of Object.entries({ ...PHI, digits: DIGITS })) {
      expect(text.includes(value), `${name} in the log`).toBe(false);
      expect(text.toLowerCase().includes(value.toLowerCase()), `${name} in the log, any case`).toBe(false);
    }

    // Request lines carry the request id, the staff id, the operation and error codes.
    expect(accessLine('phi-bad-id-0001')).toMatchObject({ operationName: 'Find', operationType: 'query', status: 200, errorCodes: ['BAD_USER_INPUT'] });
    // The malformed id is refused at validation, before the token is looked at: no staff id yet.
    expect(accessLine('phi-nul-0005')).toMatchObject({ operationType: 'mutation', errorCodes: [] });
    expect(accessLine('phi-nul-0005')!.staffId).toBeTruthy();
    for (const id of ['phi-literal-0002', 'phi-variable-0003', 'phi-syntax-0004']) {
      expect(accessLine(id)?.errorCodes.length, id).toBeGreaterThan(0);
    }
    expect(accessLine('phi-get-0007')).toMatchObject({ method: 'GET', status: 200, operationName: 'G', operationType: 'query' });

    const internalLines = linesOf('phi-internal-0006');
    const incident = internalLines.find((line) => line.msg === 'unexpected error in request');
    expect(incident, JSON.stringify(internalLines)).toBeDefined();
    expect(incident!.err).toMatchObject({ type: 'PrismaClientKnownRequestError', dbErrorCode: '23514' });
    expect(incident!.err.stack).toMatch(/^\s+at /);
    expect(accessLine('phi-internal-0006')!.errorCodes).toEqual(['INTERNAL_SERVER_ERROR']);
    // Expected errors are not logged as errors.
    for (const id of ['phi-bad-id-0001', 'phi-literal-0002', 'phi-variable-0003', 'phi-syntax-0004', 'phi-nul-0005', 'phi-get-0007']) {
      expect(linesOf(id).filter((line) => line.level >= 50), id).toEqual([]);
    }
    // Every error line carries a request id, except the websocket protocol's own.
    const errorLines = parsed().filter((line) => line.level >= 50);
    expect(errorLines.length).toBeGreaterThan(0);
    for (const line of errorLines) expect(line.requestId, JSON.stringify(line)).toBeTruthy();
  });
});
