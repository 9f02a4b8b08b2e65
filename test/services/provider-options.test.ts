import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createCase, createClient, createOrganization, createProvider, createStaff, globalId } from '../support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('provider_options');
});
afterAll(() => t?.stop());

describe('providerOptions', () => {
  it('ranks services by match, room, wait, cost, language, region and past outcomes', async () => {
    const org = await createOrganization();
    const manager = await createStaff(org.id);
    const client = await createClient(org.id, { region: 'Harbor', preferredLanguage: 'es' });
    const kase = await createCase(client.id, org.id, [{ staffId: manager.id }]);
    const service = async (name: string, provider: Parameters<typeof createProvider>[0], data: Record<string, unknown>) => {
      const p = await createProvider({ name, ...provider });
      return prisma.providerService.create({ data: { providerId: p.id, serviceType: 'HOUSING', name, ...data } });
    };
    await service('Casa Harbor', { region: 'Harbor', languages: ['en', 'es'] }, { openSlots: 8, typicalWaitDays: 3, costPerUnit: 20 });
    await service('Full House', { region: 'Harbor', languages: ['en', 'es'] }, { openSlots: 0, typicalWaitDays: 45, costPerUnit: 60 });
    const far = await service('Uptown Rooms', { region: 'Uptown', languages: ['en'] }, { openSlots: 8, typicalWaitDays: 3, costPerUnit: 20 });
    await service('Closed Intake', { region: 'Harbor', languages: ['es'], acceptingNewClients: false }, { openSlots: 9 });
    // Past referrals: every one to Uptown Rooms was declined.
    for (let i = 0; i < 6; i += 1) {
      await prisma.referral.create({ data: { caseId: kase.id, clientId: client.id, providerId: far.providerId, reason: 'housing', status: 'DECLINED', createdById: manager.id } });
    }
    const data: any = expectData(
      await t.gql(
        `query($c: ID!) { providerOptions(need: HOUSING, clientId: $c) { score pastReferrals factors { language region outcomes } service { name } } }`,
        { c: globalId('Client', client.id) },
        { token: await t.tokenFor(manager.id) },
      ),
    );
    const names = data.providerOptions.map((o: any) => o.service.name);
    // A full service with a 45-day wait ranks below an open, quick one even in the client's
    // language; a provider not accepting clients is not an option at all.
    expect(names).toEqual(['Casa Harbor', 'Uptown Rooms', 'Full House']);
    const uptown = data.providerOptions[1];
    expect(uptown).toMatchObject({ pastReferrals: 6, factors: { language: 0, region: 0.3, outcomes: 0.2 } });
    expect(data.providerOptions[0].score).toBeGreaterThan(data.providerOptions[1].score);
  });
});
