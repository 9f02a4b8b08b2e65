import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createStaff, globalId } from '../support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('admin');
});
afterAll(() => t?.stop());

const CREATE = `mutation($input: CreateStaffMemberInput!) { createStaffMember(input: $input) { __typename
  ... on StaffMember { id email roles active organization { id } } ... on ValidationError { field } ... on InputValidationError { issues { path } } ... on Error { message } } }`;
const UPDATE = `mutation($input: UpdateStaffMemberInput!) { updateStaffMember(input: $input) { __typename ... on StaffMember { active version } ... on Error { message } } }`;

describe('administration', () => {
  it('lets an admin open and deactivate accounts of their organization; deactivation cuts access at once', async () => {
    const org = await createOrganization();
    const admin = await createStaff(org.id, { roles: ['ADMIN'], discipline: 'ADMINISTRATIVE' });
    const token = await t.tokenFor(admin.id);
    const input = { givenName: 'Nia', familyName: 'Okafor', email: `Nia.Okafor.${admin.id.slice(0, 6)}@example.org`, roles: ['NURSE'], discipline: 'MEDICAL' };
    const created: any = expectData(await t.gql(CREATE, { input }, { token }));
    expect(created.createStaffMember).toMatchObject({ __typename: 'StaffMember', email: input.email.toLowerCase(), roles: ['NURSE'], active: true, organization: { id: globalId('Organization', org.id) } });

    const duplicate: any = expectData(await t.gql(CREATE, { input }, { token }));
    expect(duplicate.createStaffMember).toMatchObject({ __typename: 'ValidationError', field: 'email' });
    const noRoles: any = expectData(await t.gql(CREATE, { input: { ...input, email: 'x@example.org', roles: [] } }, { token }));
    expect(noRoles.createStaffMember.issues[0].path).toEqual(['input', 'roles']);

    const nurseId = Buffer.from(created.createStaffMember.id, 'base64').toString().split(':')[1]!;
    const nurseToken = await t.tokenFor(nurseId);
    expect(expectData<any>(await t.gql('{ me { email } }', {}, { token: nurseToken })).me.email).toBe(input.email.toLowerCase());
    const deactivated: any = expectData(await t.gql(UPDATE, { input: { staffId: created.createStaffMember.id, active: false, expectedVersion: 1 } }, { token }));
    expect(deactivated.updateStaffMember).toEqual({ __typename: 'StaffMember', active: false, version: 2 });
    const refused = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${nurseToken}` },
      body: JSON.stringify({ query: '{ me { email } }' }),
    });
    expect(refused.status).toBe(401);
  });

  it('refuses non-admins and accounts of other organizations', async () => {
    const org = await createOrganization();
    const manager = await createStaff(org.id);
    const admin = await createStaff(org.id, { roles: ['ADMIN'] });
    const stranger = await createStaff((await createOrganization()).id);
    const asManager: any = expectData(
      await t.gql(CREATE, { input: { givenName: 'A', familyName: 'B', email: 'ab@example.org', roles: ['NURSE'], discipline: 'MEDICAL' } }, { token: await t.tokenFor(manager.id) }),
    );
    expect(asManager.createStaffMember.__typename).toBe('Forbidden');
    const foreign: any = expectData(await t.gql(UPDATE, { input: { staffId: globalId('StaffMember', stranger.id), active: false } }, { token: await t.tokenFor(admin.id) }));
    expect(foreign.updateStaffMember.__typename).toBe('NotFound');
  });
});
