// Every client read is audited, however many one request reads: the read audit is one
// fixed-shape INSERT per request (src/audit/store.ts), and the access report still finds
// each client's read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { queryAuditWriter } from '../../src/audit/read-audit.js';
import type { AuditRow } from '../../src/audit/store.js';
import { prisma } from '../../src/db.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createStaff, globalId } from '../support/factories.js';
import { countStatements } from '../support/sql.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp('read_audit');
});
afterAll(() => t?.stop());

describe('read audit', () => {
  it('records 300 clients read in one request, each in its access report, with one INSERT', async () => {
    const org = await createOrganization();
    const reader = await createStaff(org.id, { roles: ['CASE_MANAGER'] });
    const compliance = await createStaff(org.id, { roles: ['COMPLIANCE_OFFICER'] });
    // Three families of 100: a page is at most 100, so one request reads them as three pages.
    const families = ['Auditeda', 'Auditedb', 'Auditedc'];
    const clients = await prisma.client.createManyAndReturn({
      data: Array.from({ length: 300 }, (_, i) => ({ organizationId: org.id, givenName: `Reader${i}`, familyName: families[i % 3]!, dateOfBirth: new Date('1980-01-01') })),
      select: { id: true },
    });
    const ids = clients.map((c) => globalId('Client', c.id));

    const pages = families.map((family, i) => `p${i}: clients(first: 100, filter: { search: "${family}" }) { edges { node { id givenName } } }`);
    const read = await countStatements(async () => expectData<any>(await t.gql(`{ ${pages.join(' ')} }`, {}, { token: await t.tokenFor(reader.id) })));
    const readIds = new Set(families.flatMap((_, i) => read.result[`p${i}`].edges.map((edge: any) => edge.node.id)));
    expect(readIds).toEqual(new Set(ids));
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
    expect(seen.size).toBe(300);
  });
});

describe('group commit of query audits', () => {
  const row = (requestId: string, entityId: string = randomUUID()): AuditRow => ({
    actorId: null, action: 'READ', outcome: 'SUCCESS', entityType: 'Client', entityId, clientId: null, operationName: null, requestId, reason: null,
  });
  const stored = (requestIds: string[]) => prisma.auditEvent.count({ where: { requestId: { in: requestIds } } });

  it('writes the reads arriving while an INSERT is under way together, in the next one', async () => {
    const requests = Array.from({ length: 10 }, () => randomUUID());
    const before = queryAuditWriter.statements;
    // The first is written at once; the nine arriving meanwhile wait for it, then go together.
    await Promise.all(requests.map((id) => queryAuditWriter.write([row(id), row(id)])));
    expect(queryAuditWriter.statements - before).toBe(2);
    expect(await stored(requests)).toBe(20);
  });

  it("fails only the request whose rows the database refuses, not those sharing its INSERT", async () => {
    const [first, good, bad, alsoGood] = Array.from({ length: 4 }, () => randomUUID());
    const outcomes = await Promise.allSettled([
      queryAuditWriter.write([row(first!)]),
      queryAuditWriter.write([row(good!)]),
      queryAuditWriter.write([row(bad!, 'not-a-uuid')]),
      queryAuditWriter.write([row(alsoGood!)]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(await stored([first!, good!, alsoGood!])).toBe(3);
    expect(await stored([bad!])).toBe(0);
  });

  it('gives rows time-ordered ids (UUID version 7), whose time never goes back from one INSERT to the next', async () => {
    const [earlier, later] = [randomUUID(), randomUUID()];
    await queryAuditWriter.write([row(earlier!), row(earlier!)]);
    await queryAuditWriter.write([row(later!), row(later!)]);
    const rows = await prisma.auditEvent.findMany({ where: { requestId: { in: [earlier!, later!] } }, select: { id: true, requestId: true, at: true } });
    expect(rows).toHaveLength(4);
    // The first 48 bits are the Unix time of the write in milliseconds, as `at` records it (read
    // from the clock by another call, which a busy machine may run a little later).
    const millis = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    for (const { id, at } of rows) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(Math.abs(millis(id) - at.getTime())).toBeLessThan(1000);
    }
    const of = (requestId: string) => rows.filter((r) => r.requestId === requestId).map((r) => millis(r.id));
    expect(Math.max(...of(earlier!))).toBeLessThanOrEqual(Math.min(...of(later!)));
  });
});
