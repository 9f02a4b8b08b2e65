import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import type { StaffRole } from '../../src/generated/prisma/enums.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { result, staffWithToken, writeCounts } from '../support/clients.js';
import { createProvider, globalId } from '../support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('providers_http');
});
afterAll(() => t?.stop());

const REGISTER = /* GraphQL */ `
  mutation($input: RegisterProviderInput!) {
    registerProvider(input: $input) {
      __typename
      ... on Provider { id name kind isOrganization languages acceptingNewClients version organization { id } services { id serviceType name costPerUnit capacity openSlots acceptedPayers } }
      ... on InputValidationError { issues { path } }
      ... on ValidationError { field }
      ... on Error { code message }
    }
  }`;
const UPDATE = /* GraphQL */ `
  mutation($input: UpdateProviderInput!) {
    updateProvider(input: $input) {
      __typename
      ... on Provider { name acceptingNewClients region active version }
      ... on StaleVersion { expectedVersion currentVersion }
      ... on ValidationError { field }
      ... on Error { code message }
    }
  }`;
const ADD_SERVICE = /* GraphQL */ `
  mutation($input: AddProviderServiceInput!) {
    addProviderService(input: $input) {
      __typename
      ... on ProviderService { id name serviceType typicalWaitDays provider { id } }
      ... on ValidationError { field }
      ... on Error { code message }
    }
  }`;
const UPDATE_SERVICE = /* GraphQL */ `
  mutation($input: UpdateProviderServiceInput!) {
    updateProviderService(input: $input) {
      __typename
      ... on ProviderService { openSlots capacity active version }
      ... on ValidationError { field }
      ... on Error { code message }
    }
  }`;

const housing = {
  name: 'Harbor Housing Trust',
  kind: 'HOUSING',
  region: 'North',
  languages: ['en', 'ES'],
  services: [
    { serviceType: 'HOUSING', name: 'Emergency shelter', costPerUnit: 42.504, costUnit: 'night', capacity: 20, openSlots: 3, acceptedPayers: ['Medicaid', 'County'] },
  ],
};

describe('provider directory maintenance', () => {
  it('a supervisor registers a provider with its services; an admin updates it with a version check', async () => {
    const supervisor = await staffWithToken(t, ['SUPERVISOR']);
    const admin = await staffWithToken(t, ['ADMIN'], supervisor.org.id);
    const before = await writeCounts();
    const provider = result(await t.gql(REGISTER, { input: housing }, { token: supervisor.token }), 'registerProvider');
    expect(provider).toMatchObject({
      __typename: 'Provider',
      name: 'Harbor Housing Trust',
      kind: 'HOUSING',
      isOrganization: true,
      languages: ['en', 'es'],
      acceptingNewClients: true,
      version: 1,
      organization: { id: globalId('Organization', supervisor.org.id) },
      services: [{ serviceType: 'HOUSING', name: 'Emergency shelter', costPerUnit: 42.5, capacity: 20, openSlots: 3, acceptedPayers: ['Medicaid', 'County'] }],
    });
    expect(await writeCounts()).toMatchObject({ providers: before.providers + 1, services: before.services + 1, audits: before.audits + 1, events: before.events + 1 });

    const updated = result(
      await t.gql(UPDATE, { input: { providerId: provider.id, expectedVersion: 1, acceptingNewClients: false, region: null } }, { token: admin.token }),
      'updateProvider',
    );
    expect(updated).toEqual({ __typename: 'Provider', name: 'Harbor Housing Trust', acceptingNewClients: false, region: null, active: true, version: 2 });
    const stale = result(await t.gql(UPDATE, { input: { providerId: provider.id, expectedVersion: 1, name: 'Renamed' } }, { token: admin.token }), 'updateProvider');
    expect(stale).toMatchObject({ __typename: 'StaleVersion', expectedVersion: 1, currentVersion: 2 });
    const noName = result(await t.gql(UPDATE, { input: { providerId: provider.id, name: null } }, { token: admin.token }), 'updateProvider');
    expect(noName).toMatchObject({ __typename: 'ValidationError', field: 'name' });
    expect((await prisma.provider.findUniqueOrThrow({ where: { id: Buffer.from(provider.id, 'base64').toString().split(':')[1]! } })).name).toBe('Harbor Housing Trust');
  });

  it("leaves an entry to the organization that registered it; the shared directory to every maintainer", async () => {
    const owner = await staffWithToken(t, ['SUPERVISOR']);
    const other = await staffWithToken(t, ['SUPERVISOR']);
    const provider = result(await t.gql(REGISTER, { input: { name: 'Northside Food Bank', kind: 'FOOD' } }, { token: owner.token }), 'registerProvider');
    const serviceInput = { providerId: provider.id, serviceType: 'FOOD', name: 'Weekly parcel' };
    const before = await writeCounts();
    for (const [query, field, input] of [
      [UPDATE, 'updateProvider', { providerId: provider.id, name: 'Taken over' }],
      [ADD_SERVICE, 'addProviderService', serviceInput],
    ] as const) {
      expect(result(await t.gql(query, { input }, { token: other.token }), field)).toMatchObject({
        __typename: 'Forbidden',
        message: 'This provider is maintained by another organization',
      });
    }
    expect(await writeCounts()).toEqual(before);
    const service = result(await t.gql(ADD_SERVICE, { input: serviceInput }, { token: owner.token }), 'addProviderService');
    expect(result(await t.gql(UPDATE_SERVICE, { input: { serviceId: service.id, capacity: 5 } }, { token: other.token }), 'updateProviderService')).toMatchObject({
      __typename: 'Forbidden',
    });

    const shared = await createProvider();
    expect(result(await t.gql(UPDATE, { input: { providerId: globalId('Provider', shared.id), region: 'East' } }, { token: other.token }), 'updateProvider')).toMatchObject({
      __typename: 'Provider',
      region: 'East',
    });
  });

  it('adds and updates services, keeping open slots within capacity', async () => {
    const supervisor = await staffWithToken(t, ['SUPERVISOR']);
    const provider = await createProvider({ kind: 'COUNSELLING' });
    const service = result(
      await t.gql(
        ADD_SERVICE,
        { input: { providerId: globalId('Provider', provider.id), serviceType: 'COUNSELLING', name: 'Family therapy', typicalWaitDays: 14, capacity: 5, openSlots: 2 } },
        { token: supervisor.token },
      ),
      'addProviderService',
    );
    expect(service).toMatchObject({ __typename: 'ProviderService', name: 'Family therapy', typicalWaitDays: 14, provider: { id: globalId('Provider', provider.id) } });

    const before = await writeCounts();
    const tooMany = result(await t.gql(UPDATE_SERVICE, { input: { serviceId: service.id, openSlots: 6 } }, { token: supervisor.token }), 'updateProviderService');
    expect(tooMany).toMatchObject({ __typename: 'ValidationError', field: 'openSlots' });
    const shrunk = result(await t.gql(UPDATE_SERVICE, { input: { serviceId: service.id, capacity: 1 } }, { token: supervisor.token }), 'updateProviderService');
    expect(shrunk).toMatchObject({ __typename: 'ValidationError', field: 'openSlots' });
    const wrongId = result(await t.gql(UPDATE_SERVICE, { input: { serviceId: globalId('Provider', provider.id), active: false } }, { token: supervisor.token }), 'updateProviderService');
    expect(wrongId).toMatchObject({ __typename: 'ValidationError', field: 'serviceId' });
    expect(await writeCounts()).toEqual(before);

    const full = result(
      await t.gql(UPDATE_SERVICE, { input: { serviceId: service.id, openSlots: 0, expectedVersion: 1 } }, { token: supervisor.token }),
      'updateProviderService',
    );
    expect(full).toEqual({ __typename: 'ProviderService', openSlots: 0, capacity: 5, active: true, version: 2 });
  });

  it('names the wrong field of an implausible input and writes nothing', async () => {
    const supervisor = await staffWithToken(t, ['SUPERVISOR']);
    const before = await writeCounts();
    const attempts: Array<[Record<string, unknown>, string[] | string]> = [
      [{ name: '' }, ['input', 'name']],
      [{ latitude: 91 }, ['input', 'latitude']],
      [{ languages: ['english language'] }, ['input', 'languages', '0']],
      [{ services: [{ serviceType: 'HOUSING', name: 'Beds', costPerUnit: -1 }] }, ['input', 'services', '0', 'costPerUnit']],
      [{ services: [{ serviceType: 'HOUSING', name: 'Beds', capacity: 2, openSlots: 3 }] }, 'services.0.openSlots'],
    ];
    for (const [override, where] of attempts) {
      const answer = result(await t.gql(REGISTER, { input: { ...housing, ...override } }, { token: supervisor.token }), 'registerProvider');
      if (Array.isArray(where)) {
        expect(answer.__typename, JSON.stringify(override)).toBe('InputValidationError');
        expect(answer.issues.map((i: any) => i.path)).toContainEqual(where);
      } else {
        expect(answer).toMatchObject({ __typename: 'ValidationError', field: where });
      }
    }
    expect(await writeCounts()).toEqual(before);
  });

  const roles: StaffRole[] = ['CASE_MANAGER', 'NURSE', 'ANALYST'];
  it.each(roles)('is forbidden for a %s, and writes nothing', async (role) => {
    const viewer = await staffWithToken(t, [role]);
    const provider = await createProvider();
    const service = await prisma.providerService.create({ data: { providerId: provider.id, serviceType: 'HOUSING', name: 'Rent help' } });
    const before = await writeCounts();
    const answers = [
      result(await t.gql(REGISTER, { input: housing }, { token: viewer.token }), 'registerProvider'),
      result(await t.gql(UPDATE, { input: { providerId: globalId('Provider', provider.id), acceptingNewClients: false } }, { token: viewer.token }), 'updateProvider'),
      result(
        await t.gql(ADD_SERVICE, { input: { providerId: globalId('Provider', provider.id), serviceType: 'FOOD', name: 'Pantry' } }, { token: viewer.token }),
        'addProviderService',
      ),
      result(await t.gql(UPDATE_SERVICE, { input: { serviceId: globalId('ProviderService', service.id), openSlots: 1 } }, { token: viewer.token }), 'updateProviderService'),
    ];
    expect(answers.map((a) => a.__typename)).toEqual(['Forbidden', 'Forbidden', 'Forbidden', 'Forbidden']);
    expect(await writeCounts()).toEqual(before);
    expect(await prisma.provider.findUniqueOrThrow({ where: { id: provider.id } })).toMatchObject({ acceptingNewClients: true, version: 1 });
  });

  it('returns the same provider on a retried clientMutationId', async () => {
    const supervisor = await staffWithToken(t, ['SUPERVISOR']);
    const input = { ...housing, name: `Retry Housing ${Date.now()}`, clientMutationId: `provider-${Date.now()}` };
    const first = result(await t.gql(REGISTER, { input }, { token: supervisor.token }), 'registerProvider');
    const second = result(await t.gql(REGISTER, { input }, { token: supervisor.token }), 'registerProvider');
    expect(second.id).toBe(first.id);
    expect(await prisma.provider.count({ where: { name: input.name } })).toBe(1);
  });
});
