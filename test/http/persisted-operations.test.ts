// Persisted operations (src/http/persisted-operations.ts) over HTTP and graphql-ws: the
// checked-in manifest holds bench/operations/; a registered hash runs, an unknown one is refused
// with a code; documents run alongside, unless PERSISTED_OPERATIONS_ONLY=true.
import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashOperation, loadManifest } from '../../src/http/persisted-operations.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createClient, createOrganization, createStaff } from '../support/factories.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const MANIFEST = join(root, 'persisted-operations.json');
const CLIENT_SEARCH = hashOperation(print(parse(readFileSync(join(root, 'bench/operations/client-search.graphql'), 'utf8'))));
const UNKNOWN = hashOperation('query Unknown { __typename }');

async function post(t: TestApp, token: string, body: Record<string, unknown>) {
  const response = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> } };
}
const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

/** One operation over graphql-ws: its result or its errors. */
function overSocket(t: TestApp, token: string, payload: { query: string; variables?: Record<string, unknown>; extensions?: Record<string, unknown> }) {
  const client = t.wsClient(token);
  return new Promise<{ data?: any; errors?: any[] }>((resolve) => {
    let result: { data?: any; errors?: any[] } = {};
    client.subscribe(payload, {
      next: (value) => void (result = value as never),
      error: (errors) => resolve({ errors: errors as any[] }),
      complete: () => resolve(result),
    });
  });
}

async function seed(t: TestApp) {
  const org = await createOrganization();
  const staff = await createStaff(org.id);
  await createClient(org.id, { givenName: 'Javier', familyName: 'Medina' });
  return t.tokenFor(staff.id);
}

describe('the manifest', () => {
  it('holds every operation of bench/operations/, each under the sha256 of its printed document', () => {
    const manifest = loadManifest(MANIFEST);
    for (const file of readdirSync(join(root, 'bench/operations')).filter((f) => f.endsWith('.graphql'))) {
      const text = print(parse(readFileSync(join(root, 'bench/operations', file), 'utf8')));
      expect(manifest.get(hashOperation(text)), file).toBe(text);
    }
  });

  it('is refused at start when an entry is not the hash of its document', () => {
    const dir = mkdtempSync(join(tmpdir(), 'casegraph-pq-'));
    const path = join(dir, 'tampered.json');
    writeFileSync(path, JSON.stringify({ [CLIENT_SEARCH]: 'query ClientSearch { staff { totalCount } }' }));
    expect(() => loadManifest(path)).toThrow(/not the sha256 of its document/);
  });
});

describe('persisted ids alongside documents', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp('pq_optional', { PERSISTED_OPERATIONS: MANIFEST });
    token = await seed(t);
  });
  afterAll(() => t?.stop());

  it('runs a registered hash, refuses an unknown one with a code, and still runs documents', async () => {
    const known = await post(t, token, { extensions: persisted(CLIENT_SEARCH), variables: { search: 'Medina' } });
    expect(known.body.errors).toBeUndefined();
    expect(known.body.data.clients.totalCount).toBe(1);
    const unknown = await post(t, token, { extensions: persisted(UNKNOWN) });
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(unknown.status).toBe(400);
    const document = await post(t, token, { query: '{ clients { totalCount } }' });
    expect(document.body.data.clients.totalCount).toBe(1);
  });

  it('runs a registered hash by GET', async () => {
    const url = new URL(t.url);
    url.searchParams.set('extensions', JSON.stringify(persisted(CLIENT_SEARCH)));
    url.searchParams.set('variables', JSON.stringify({ search: 'Medina' }));
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-graphql-yoga-csrf': '1' } });
    expect(((await response.json()) as any).data.clients.totalCount).toBe(1);
  });

  it('over graphql-ws: a registered hash runs, an unknown one is refused, documents run', async () => {
    const known = await overSocket(t, token, { query: '', extensions: persisted(CLIENT_SEARCH), variables: { search: 'Medina' } });
    expect(known.data?.clients.totalCount).toBe(1);
    const unknown = await overSocket(t, token, { query: '', extensions: persisted(UNKNOWN) });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const document = await overSocket(t, token, { query: '{ clients { totalCount } }' });
    expect(document.data?.clients.totalCount).toBe(1);
  });
});

describe('PERSISTED_OPERATIONS_ONLY=true', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp('pq_only', { PERSISTED_OPERATIONS: MANIFEST, PERSISTED_OPERATIONS_ONLY: 'true' });
    token = await seed(t);
  });
  afterAll(() => t?.stop());

  it('refuses documents over HTTP with a code and runs registered hashes', async () => {
    const document = await post(t, token, { query: '{ clients { totalCount } }' });
    expect(document.status).toBe(400);
    expect(document.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
    expect(document.body.data).toBeUndefined();
    const both = await post(t, token, { query: '{ clients { totalCount } }', extensions: persisted(CLIENT_SEARCH) });
    expect(both.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
    const known = await post(t, token, { extensions: persisted(CLIENT_SEARCH), variables: { search: 'Medina' } });
    expect(known.body.data.clients.totalCount).toBe(1);
    const neither = await post(t, token, {});
    expect(neither.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ID_REQUIRED');
  });

  it('refuses documents over graphql-ws with a code and runs registered hashes', async () => {
    const document = await overSocket(t, token, { query: '{ clients { totalCount } }' });
    expect(document.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
    const known = await overSocket(t, token, { query: '', extensions: persisted(CLIENT_SEARCH), variables: { search: 'Medina' } });
    expect(known.data?.clients.totalCount).toBe(1);
    const other = await overSocket(t, token, { query: '', extensions: persisted(UNKNOWN) });
    expect(other.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});

describe('configuration', () => {
  it('PERSISTED_OPERATIONS_ONLY=true needs a manifest', async () => {
    const { loadConfig } = await import('../../src/env.js');
    expect(() => loadConfig({ NODE_ENV: 'test', PERSISTED_OPERATIONS_ONLY: 'true' })).toThrow(/PERSISTED_OPERATIONS: must name the manifest/);
  });
});
