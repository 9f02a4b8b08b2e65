// GET /metrics: Prometheus text with requests, errors and latency by operation, open sockets and
// streams, and the outbox lag — from a real server over HTTP and a real graphql-ws subscriber.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase, createClient, createOrganization, createStaff, globalId } from '../support/factories.js';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp | undefined;
let guarded: TestApp | undefined;
let token: string;
let caseId: string;
const METRICS_TOKEN = 'metrics-token-of-this-test';

beforeAll(async () => {
  t = await startTestApp('metrics');
  const org = await createOrganization();
  const staff = await createStaff(org.id);
  const client = await createClient(org.id);
  caseId = (await createCase(client.id, org.id, [{ staffId: staff.id }])).id;
  token = await t.tokenFor(staff.id);
});
afterAll(async () => {
  await t?.stop();
  await guarded?.stop();
});

const metricsOf = async (app: TestApp | undefined, headers: Record<string, string> = {}) => {
  const response = await fetch(app!.url.replace(/\/graphql$/, '/metrics'), { headers });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
};

/** The value of the sample of `name` whose labels include every one of `labels`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const has = Object.entries(labels).every(([key, value]) => match[2]?.includes(`${key}="${value}"`));
    if (has) return Number(match[3]);
  }
  return undefined;
}

describe('GET /metrics', () => {
  it('counts requests, errors and latency by operation, in Prometheus text', async () => {
    for (let i = 0; i < 3; i += 1) await t!.gql('query Me { me { id } }', {}, { token });
    await t!.gql('query Broken($id: ID!) { node(id: $id) { id } }', { id: 'not-a-global-id' }, { token });
    const { status, type, text } = await metricsOf(t);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(text, 'casegraph_graphql_requests_total', { operation: 'Me', type: 'query', status: '200' })).toBe(3);
    expect(sample(text, 'casegraph_graphql_request_duration_seconds_count', { operation: 'Me', type: 'query' })).toBe(3);
    expect(sample(text, 'casegraph_graphql_errors_total', { operation: 'Broken', code: 'BAD_USER_INPUT' })).toBe(1);
    // Node's own: memory, CPU, event loop.
    expect(sample(text, 'casegraph_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('reports open sockets and subscription streams, and the outbox lag of the leading relay', async () => {
    const client = t!.wsClient(token);
    const events: unknown[] = [];
    const subscribed = new Promise<void>((resolve, reject) => {
      client.subscribe(
        { query: `subscription($caseId: ID!) { caseUpdates(caseId: $caseId) { eventId } }`, variables: { caseId: globalId('Case', caseId) } },
        { next: (event) => events.push(event), error: reject, complete: () => {} },
      );
      // graphql-ws acknowledges the subscription only by running it: wait for the server to count it.
      const poll = async () => {
        const { text } = await metricsOf(t);
        if ((sample(text, 'casegraph_subscription_streams_open') ?? 0) >= 1) resolve();
        else setImmediate(poll);
      };
      void poll();
    });
    await subscribed;
    const { text } = await metricsOf(t);
    expect(sample(text, 'casegraph_websockets_open')).toBe(1);
    expect(sample(text, 'casegraph_subscription_streams_open')).toBe(1);
    expect(sample(text, 'casegraph_outbox_lag_events')).toBeGreaterThanOrEqual(0);
    await client.dispose();
  });

  it('answers only its bearer when METRICS_TOKEN is set', async () => {
    // One database per process: this app replaces the first.
    await t!.stop();
    t = undefined;
    guarded = await startTestApp('metrics_guarded', { METRICS_TOKEN });
    expect((await metricsOf(guarded)).status).toBe(401);
    expect((await metricsOf(guarded, { authorization: 'Bearer wrong-token-entirely' })).status).toBe(401);
    const allowed = await metricsOf(guarded, { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(allowed.status).toBe(200);
    expect(allowed.text).toContain('casegraph_graphql_requests_total');
  });
});
