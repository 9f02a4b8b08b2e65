// A per-request bound on the database (DATABASE_STATEMENT_TIMEOUT_MS, PostgreSQL's
// statement_timeout on the server's sessions): a statement that cannot finish is cancelled and
// the client gets a typed QUERY_TIMEOUT, not a masked error or a hang. The slow statement is made
// deterministic by holding a lock on the table it reads.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createClient, createOrganization, createStaff } from '../support/factories.js';

let t: TestApp;
let token = '';

beforeAll(async () => {
  t = await startTestApp('statement_timeout', { DATABASE_STATEMENT_TIMEOUT_MS: '300' });
  const org = await createOrganization();
  await createClient(org.id);
  token = await t.tokenFor((await createStaff(org.id, { roles: ['CASE_MANAGER'] })).id);
});
afterAll(() => t?.stop());

describe('statement timeout', () => {
  it('cancels a statement that waits past the timeout and answers QUERY_TIMEOUT', async () => {
    // Warm: the viewer is cached, so the only statement left waiting is the clients read.
    expect((await t.gql('{ clients(first: 1) { totalCount } }', {}, { token })).data.clients.totalCount).toBe(1);
    const locker = new pg.Client({ connectionString: t.databaseUrl });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE "Client" IN ACCESS EXCLUSIVE MODE');
      const response = await t.gql('{ clients(first: 1) { totalCount } }', {}, { token });
      expect(response.errors?.map((e) => e.extensions?.code)).toContain('QUERY_TIMEOUT');
      expect(response.errors?.[0]?.message).toMatch(/took too long/);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    // The lock gone, the same read answers again.
    expect((await t.gql('{ clients(first: 1) { totalCount } }', {}, { token })).data.clients.totalCount).toBe(1);
  });
});
