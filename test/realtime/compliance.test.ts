import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createCase, createClient, createOrganization, createStaff, globalId } from '../support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('compliance_feed');
});
afterAll(() => t?.stop());

describe('complianceAlerts', () => {
  it('announces a break-the-glass access to compliance officers of the clinician organization, and refuses others', async () => {
    const home = await createOrganization();
    const hospital = await createOrganization({ setting: 'HOSPITAL' });
    const manager = await createStaff(home.id);
    const client = await createClient(home.id);
    await createCase(client.id, home.id, [{ staffId: manager.id }]);
    const physician = await createStaff(hospital.id, { roles: ['PHYSICIAN'], discipline: 'MEDICAL' });
    const officer = await createStaff(hospital.id, { roles: ['COMPLIANCE_OFFICER'], discipline: 'ADMINISTRATIVE' });

    const received = new Promise<any>((resolve, reject) => {
      t.wsClient(null, { connectionParams: async () => ({ authorization: `Bearer ${await t.tokenFor(officer.id)}` }) }).subscribe(
        { query: 'subscription { complianceAlerts(afterEventId: "0") { kind actor { id } grant { reason active staff { id } } } }' },
        { next: resolve, error: reject, complete: () => {} },
      );
    });
    const refused = new Promise<any>((resolve) => {
      t.wsClient(null, { connectionParams: async () => ({ authorization: `Bearer ${await t.tokenFor(manager.id)}` }) }).subscribe(
        { query: 'subscription { complianceAlerts { kind } }' },
        { next: resolve, error: resolve, complete: () => {} },
      );
    });

    const reason = 'Arrived unconscious, need medication list';
    expectData(
      await t.gql(`mutation($input: BreakGlassInput!) { breakGlass(input: $input) { __typename } }`,
        { input: { clientId: globalId('Client', client.id), reason } }, { token: await t.tokenFor(physician.id) }),
    );
    const event = await received;
    expect(event.data.complianceAlerts).toEqual({
      kind: 'BREAK_GLASS',
      actor: { id: globalId('StaffMember', physician.id) },
      grant: { reason, active: true, staff: { id: globalId('StaffMember', physician.id) } },
    });
    const denied = await refused;
    expect(JSON.stringify(denied)).toMatch(/FORBIDDEN|compliance officers/);
  });
});
