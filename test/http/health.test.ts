import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_REDIS_URL, type TestApp } from '../support/app.js';

let t: TestApp;
let base: string;

beforeAll(async () => {
  t = await startTestApp('health', { REDIS_URL: TEST_REDIS_URL });
  base = t.url.replace(/\/graphql$/, '');
});
afterAll(() => t?.stop());

describe('probes', () => {
  it('GET /health answers while the process is up', async () => {
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('GET /ready checks the database and Redis', async () => {
    const response = await fetch(`${base}/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ready',
      checks: { database: 'ok', pubsub: 'ok' },
      pubsub: 'redis',
    });
  });

  it('echoes a request id, or makes one', async () => {
    const mine = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-1234abcd' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(mine.headers.get('x-request-id')).toBe('trace-1234abcd');
    const made = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('puts a request id on probes and 404s too', async () => {
    for (const path of ['/health', '/ready', '/nowhere']) {
      const given = await fetch(`${base}${path}`, { headers: { 'x-request-id': 'probe-5678efgh' } });
      expect(given.headers.get('x-request-id'), path).toBe('probe-5678efgh');
      const made = await fetch(`${base}${path}`);
      expect(made.headers.get('x-request-id'), path).toMatch(/^[0-9a-f-]{36}$/);
    }
    // A malformed id is replaced, not echoed.
    const bad = await fetch(`${base}/health`, { headers: { 'x-request-id': 'a b' } });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
