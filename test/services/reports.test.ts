import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createCase, createClient, createOrganization, createProvider, createStaff } from '../support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('reports');
});
afterAll(() => t?.stop());

describe('reports', () => {
  it('aggregates the organization, suppresses small cells, and answers only analysts and supervisors', async () => {
    const org = await createOrganization();
    const manager = await createStaff(org.id);
    const analyst = await createStaff(org.id, { roles: ['ANALYST'], discipline: 'ADMINISTRATIVE' });
    const provider = await createProvider();
    const sentAt = new Date(Date.now() - 10 * 86_400_000);
    for (let i = 0; i < 8; i += 1) {
      const client = await createClient(org.id);
      const kase = await createCase(client.id, org.id, [{ staffId: manager.id }], { status: i < 6 ? 'ACTIVE' : 'CLOSED' });
      await prisma.referral.create({
        data: {
          caseId: kase.id, clientId: client.id, providerId: provider.id, reason: 'Housing', createdById: manager.id, sentAt,
          status: i < 4 ? 'COMPLETED' : 'DECLINED',
          acceptedAt: i < 4 ? new Date(sentAt.getTime() + 24 * 3_600_000) : null,
          completedAt: i < 4 ? new Date(sentAt.getTime() + 72 * 3_600_000) : null,
        },
      });
    }
    // Another organization's data never shows.
    const other = await createOrganization();
    await createCase((await createClient(other.id)).id, other.id, [{ staffId: (await createStaff(other.id)).id }]);

    const query = `{ reports { casesByStatus { status count } caseloads { openCases caseManager { email } }
      referralOutcomes { sent loopClosureRate declinedRate averageHoursToAccept averageHoursToComplete } } }`;
    const data: any = expectData(await t.gql(query, {}, { token: await t.tokenFor(analyst.id) }));
    expect(data.reports.casesByStatus).toEqual(
      expect.arrayContaining([{ status: 'ACTIVE', count: 6 }, { status: 'CLOSED', count: null }]),
    );
    expect(data.reports.casesByStatus).toHaveLength(2);
    expect(data.reports.caseloads).toEqual([{ openCases: 6, caseManager: { email: manager.email } }]);
    expect(data.reports.referralOutcomes).toEqual([
      { sent: 8, loopClosureRate: 0.5, declinedRate: 0.5, averageHoursToAccept: 24, averageHoursToComplete: 72 },
    ]);

    const refused = await t.gql(query, {}, { token: await t.tokenFor(manager.id) });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
