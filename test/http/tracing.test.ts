// OpenTelemetry tracing (TRACING_ENABLED): a real server exports to a real OTLP/HTTP receiver on
// a free port. Spans arrive per request and per operation with their phases and Prisma's
// statements, continue a caller's traceparent, carry the request and staff ids and error codes,
// and hold no client's data, document, variables or error message anywhere. Off, nothing is
// sent; at shutdown the last spans are flushed, within a bound when the collector hangs.
import { context, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { TRACING_SHUTDOWN_MS } from '../../src/tracing/sdk.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { refuseFamilyName } from '../support/sql.js';
import { createOrganization, createStaff } from '../support/factories.js';
import { SPAN_KIND_SERVER, STATUS_CODE_ERROR, startOtlpReceiver, type ExportedSpan, type OtlpReceiver } from '../support/otlp.js';

const PHI = {
  givenName: 'Zebulon',
  familyName: 'Quixotica',
  phone: '+44 7700 900461',
  identifier: 'NHS-9434765919',
  caseSummary: 'Lantern-eviction-notice',
  interaction: 'Spoke about the marmalade debt',
  search: 'Jane Doe',
  boom: 'Quimbyboom',
  field: 'secretFieldMarmoset',
  query: 'Quernstone',
};
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

let receiver: OtlpReceiver | undefined;
let t: TestApp | undefined;
let token: string;
let staffId: string;
let clientId: string;
let clientUuid: string;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  t = await startTestApp('tracing', { TRACING_ENABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'casegraph-test' });
  const org = await createOrganization();
  staffId = (await createStaff(org.id)).id;
  token = await t.tokenFor(staffId);
});
afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

/** A POST whose request id we choose, so that its spans can be found. */
async function post(requestId: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(t!.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId, ...headers },
    body: JSON.stringify(body),
  });
  return (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}

async function mutate(requestId: string, field: string, type: string, input: Record<string, unknown>, selection: string) {
  const data: any = expectData(
    await post(requestId, { query: `mutation ${field[0]!.toUpperCase()}${field.slice(1)}($input: ${type}!) { ${field}(input: $input) { __typename ... on Error { code } ${selection} } }`, variables: { input } }),
  );
  expect(data[field].code, field).toBeUndefined();
  return data[field];
}

function wsOperation(query: string, variables: Record<string, unknown>) {
  return new Promise<void>((resolve, reject) => {
    const socket = new WebSocket(t!.wsUrl, 'graphql-transport-ws');
    socket.on('error', reject);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.type === 'connection_ack') socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } }));
      if (message.type === 'complete' || message.type === 'error') {
        socket.once('close', () => resolve());
        socket.close(1000);
      }
    });
  });
}

const byRequest = (spans: ExportedSpan[], requestId: string) => spans.filter((span) => span.attributes['casegraph.request_id'] === requestId);
const childrenOf = (spans: ExportedSpan[], parent: ExportedSpan) => spans.filter((span) => span.parentSpanId === parent.spanId && span.traceId === parent.traceId);

/** The request's HTTP span and its operation span, checked to be parent and child. */
function requestSpans(spans: ExportedSpan[], requestId: string) {
  const tagged = byRequest(spans, requestId);
  const http = tagged.find((span) => span.kind === SPAN_KIND_SERVER);
  expect(http, `HTTP span of ${requestId}`).toBeDefined();
  const operation = tagged.find((span) => span.parentSpanId === http!.spanId);
  expect(operation, `operation span of ${requestId}`).toBeDefined();
  return { http: http!, operation: operation! };
}

describe('tracing on', () => {
  it('exports spans of real operations with their structure, ids and codes, and no PHI', async () => {
    const client = await mutate('trace-register-0001', 'registerClient', 'RegisterClientInput', {
      givenName: PHI.givenName, familyName: PHI.familyName, phone: PHI.phone, dateOfBirth: '1971-02-03',
      identifiers: [{ system: 'NHS', value: PHI.identifier }],
    }, '... on Client { id }');
    clientId = client.id;
    const kase = await mutate('trace-open-0002', 'openCase', 'OpenCaseInput', { clientId, summary: PHI.caseSummary }, '... on Case { id }');
    await mutate('trace-interaction-0003', 'recordInteraction', 'RecordInteractionInput', {
      caseId: kase.id, type: 'HOME_VISIT', occurredAt: new Date().toISOString(), summary: PHI.interaction,
    }, '... on Interaction { id }');

    // A gateway's trace continues here.
    const read = await post('trace-read-0004', {
      query: 'query ClientCard($id: ID!) { node(id: $id) { ... on Client { id name phone identifiers { system value } } } }',
      variables: { id: clientId },
      operationName: 'ClientCard',
    }, { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` });
    expect(read.data?.node?.phone).toBe(PHI.phone);
    const search = await post('trace-search-0005', { query: `query Search($s: String) { clients(filter: { search: $s }) { totalCount } }`, variables: { s: PHI.search } });
    expect(search.errors).toBeUndefined();

    // Failures whose messages quote values: a variable, a literal, a syntax error, a database row.
    const variable = await post('trace-variable-0006', { query: 'query Page($first: Int) { clients(first: $first) { totalCount } }', variables: { first: PHI.familyName } });
    expect(variable.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const unknownField = await post('trace-validation-0007', { query: `query Bad { clients(first: 1) { ${PHI.field} } }` });
    expect(unknownField.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const syntax = await post('trace-syntax-0008', { query: `{ clients(filter: { search: "${PHI.search}" }) { totalCount ` });
    expect(syntax.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    await refuseFamilyName(t!.databaseUrl, 'trace_probe', PHI.boom);
    const internal = await post('trace-internal-0009', {
      query: 'mutation Boom($input: RegisterClientInput!) { registerClient(input: $input) { __typename } }',
      variables: { input: { givenName: PHI.givenName, familyName: PHI.boom, phone: PHI.phone } },
    });
    expect(internal.errors?.[0]?.message).toBe('Unexpected error.');

    // A GET carries the document and variables in its URL.
    const url = new URL(t!.url);
    url.searchParams.set('query', `query Lookup($s: String) { clients(filter: { search: $s }) { totalCount } }`);
    url.searchParams.set('variables', JSON.stringify({ s: PHI.query }));
    const get = await fetch(url, { headers: { authorization: `Bearer ${token}`, 'x-request-id': 'trace-get-0010', 'x-graphql-yoga-csrf': '1' } });
    expect(get.status).toBe(200);
    await get.text();
    await wsOperation('query OverSocket($id: ID!) { node(id: $id) { ... on Client { name } } }', { id: clientId });

    // Graceful shutdown flushes what is still batched.
    await t!.app.stop();
    const spans = receiver!.spans();
    expect(receiver!.requests.every((r) => r.path === '/v1/traces' && r.contentType?.startsWith('application/json'))).toBe(true);
    expect(spans[0]?.resource['service.name']).toBe('casegraph-test');

    // The read: the caller's trace, HTTP span -> operation -> parse, validate, execute -> Prisma.
    const { http, operation } = requestSpans(spans, 'trace-read-0004');
    expect(http).toMatchObject({ traceId: TRACE_ID, parentSpanId: CALLER_SPAN, name: 'POST /graphql' });
    expect(http.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/graphql', 'http.response.status_code': 200 });
    expect(operation).toMatchObject({ name: 'query ClientCard', traceId: TRACE_ID });
    expect(operation.attributes).toMatchObject({ 'graphql.operation.name': 'ClientCard', 'graphql.operation.type': 'query', 'casegraph.staff_id': staffId });
    const phases = childrenOf(spans, operation);
    expect(phases.map((span) => span.name)).toEqual(expect.arrayContaining(['graphql.parse', 'graphql.validate', 'graphql.execute']));
    const execute = phases.find((span) => span.name === 'graphql.execute')!;
    const underExecute = (span: ExportedSpan): boolean => {
      const parent = spans.find((p) => p.spanId === span.parentSpanId);
      return !!parent && (parent.spanId === execute.spanId || underExecute(parent));
    };
    const statements = spans.filter((span) => span.name === 'prisma:client:db_query' && span.traceId === TRACE_ID && underExecute(span));
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.every((span) => span.attributes['db.system.name'] === 'postgresql')).toBe(true);

    // Operations named, typed and attributed to their staff member.
    expect(requestSpans(spans, 'trace-register-0001').operation).toMatchObject({ name: 'mutation RegisterClient', attributes: { 'casegraph.staff_id': staffId } });
    expect(requestSpans(spans, 'trace-register-0001').operation.status.code).not.toBe(STATUS_CODE_ERROR);
    expect(requestSpans(spans, 'trace-get-0010').http).toMatchObject({ name: 'GET /graphql' });
    expect(requestSpans(spans, 'trace-get-0010').operation.name).toBe('query Lookup');

    // Errors by code and type.
    const failed = (requestId: string) => requestSpans(spans, requestId).operation;
    expect(failed('trace-variable-0006').attributes).toMatchObject({ 'casegraph.error_codes': ['BAD_USER_INPUT'], 'error.type': 'BAD_USER_INPUT' });
    expect(failed('trace-variable-0006').status.code).toBe(STATUS_CODE_ERROR);
    expect(failed('trace-validation-0007').attributes['casegraph.error_codes']).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(failed('trace-syntax-0008').attributes['casegraph.error_codes']).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(failed('trace-internal-0009').attributes['casegraph.error_codes']).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(failed('trace-internal-0009').events).toContainEqual({
      name: 'exception',
      attributes: { 'exception.type': 'PrismaClientKnownRequestError', 'casegraph.error_code': 'INTERNAL_SERVER_ERROR' },
    });

    // The websocket operation: a trace of its own, with its phases.
    const socketOperation = spans.find((span) => span.name === 'query OverSocket');
    expect(socketOperation?.parentSpanId).toBeUndefined();
    expect(socketOperation?.attributes['casegraph.staff_id']).toBe(staffId);
    expect(childrenOf(spans, socketOperation!).map((span) => span.name)).toEqual(expect.arrayContaining(['graphql.parse', 'graphql.validate', 'graphql.execute']));

    // Background work (relay polls, probes) starts no traces: every Prisma span has a parent.
    expect(spans.filter((span) => span.name.startsWith('prisma:') && !span.parentSpanId)).toEqual([]);

    // Nothing of the client, the documents, the variables or the messages, in any case.
    const exported = receiver!.requests.map((r) => r.body).join('\n').toLowerCase();
    clientUuid = Buffer.from(clientId, 'base64').toString('utf8').split(':').pop()!;
    const forbidden = { ...PHI, digits: PHI.phone.replace(/\D/g, ''), clientId, clientUuid, message: 'unexpected error', cannot: 'cannot query field', syntax: 'syntax error' };
    for (const [name, value] of Object.entries(forbidden)) expect(exported.includes(value.toLowerCase()), `${name} exported`).toBe(false);
    expect(exported).not.toMatch(/"(graphql\.document|db\.statement|url\.query|url\.full|exception\.message|exception\.stacktrace)"/);
  });
});

describe('tracing off', () => {
  it('sends nothing, and a collector that hangs holds shutdown for a bounded time only', async () => {
    await t!.stop();
    t = undefined;
    const silent = await startOtlpReceiver();
    const off = await startTestApp('tracing_off', { OTEL_EXPORTER_OTLP_ENDPOINT: silent.url });
    // No context manager either: the traced app's shutdown removed its own, and this one set none.
    const key = createContextKey('probe');
    expect(context.with(ROOT_CONTEXT.setValue(key, 1), () => context.active().getValue(key))).toBeUndefined();
    const offStaff = await createStaff((await createOrganization()).id);
    expectData(await off.gql('query Me { me { id } }', {}, { token: await off.tokenFor(offStaff.id) }));
    await off.stop();
    expect(silent.received).toBe(0);
    await silent.close();

    const hanging = await startOtlpReceiver({ answer: false });
    const warnings: string[] = [];
    const log = createLogger('warn', { write: (line: string) => void warnings.push(line) });
    // The exporter would wait a minute for an answer (it reads this from the process's environment).
    process.env.OTEL_EXPORTER_OTLP_TIMEOUT = '60000';
    const stuck = await startTestApp('tracing_hang', { TRACING_ENABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: hanging.url }, { log });
    delete process.env.OTEL_EXPORTER_OTLP_TIMEOUT;
    const stuckStaff = await createStaff((await createOrganization()).id);
    expectData(await stuck.gql('query Me { me { id } }', {}, { token: await stuck.tokenFor(stuckStaff.id) }));
    const start = performance.now();
    await stuck.app.stop();
    const took = performance.now() - start;
    expect(hanging.received).toBeGreaterThan(0);
    expect(took).toBeLessThan(TRACING_SHUTDOWN_MS + 5000);
    expect(warnings.join('')).toContain(`spans not exported within ${TRACING_SHUTDOWN_MS} ms`);
    await stuck.stop();
    await hanging.close();
  });
});
