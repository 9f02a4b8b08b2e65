// Every client read is audited, however many one request reads: the read audit is one
// fixed-shape INSERT per request (src/audit/store.ts), and the access report still finds
// each client's read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { MAX_NODE_IDS } from '../../src/schema/cost.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createStaff, globalId } from '../support/factories.js';
import { countStatements } from '../support/sql.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp('read_audit');
});
afterAll(() => t?.stop());

describe('read audit', () => {
  it('records as many clients as nodes(ids) takes (100) read in one request, each in its access report, with one INSERT', async () => {
    const org = await createOrganization();
    const reader = await createStaff(org.id, { roles: ['CASE_MANAGER'] });
    const compliance = await createStaff(org.id, { roles: ['COMPLIANCE_OFFICER'] });
    const clients = await prisma.client.createManyAndReturn({
      data: Array.from({ length: MAX_NODE_IDS }, (_, i) => ({ organizationId: org.id, givenName: `Reader${i}`, familyName: 'Audited', dateOfBirth: new Date('1980-01-01') })),
      select: { id: true },
    });
    const ids = clients.map((c) => globalId('Client', c.id));

    const read = await countStatements(async () =>
      expectData<any>(await t.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Client { givenName } } }`, { ids }, { token: await t.tokenFor(reader.id) })),
    );
    expect(read.result.nodes.filter((node: any) => node?.givenName)).toHaveLength(MAX_NODE_IDS);
    expect(read.statements.filter((sql) => sql.includes('INSERT INTO "AuditEvent"'))).toHaveLength(1);

    const token = await t.tokenFor(compliance.id);
    const seen = new Set<string>();
    // In batches of aliases the alias limit allows (GRAPHQL_MAX_ALIASES).
    for (let from = 0; from < ids.length; from += 15) {
      const batch = ids.slice(from, from + 15);
      const query = `{ ${batch.map((id, i) => `c${i}: accessReport(clientId: "${id}") { action count actor { id } }`).join(' ')} }`;
      const report = expectData<Record<string, Array<{ action: string; count: number; actor: { id: string } }>>>(await t.gql(query, {}, { token }));
      batch.forEach((id, i) => {
        expect(report[`c${i}`]).toEqual([{ action: 'READ', count: 1, actor: { id: globalId('StaffMember', reader.id) } }]);
        seen.add(id);
      });
    }
    expect(seen.size).toBe(MAX_NODE_IDS);
  });
});
