import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { hasActiveConsent } from '../../src/services/consents.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { result, staffWithToken, writeCounts } from '../support/clients.js';
import { createClient, createOrganization, createProvider, createRelatedPerson, globalId } from '../support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('consents_service');
});
afterAll(() => t?.stop());

const RECORD = /* GraphQL */ `
  mutation($input: RecordConsentInput!) {
    recordConsent(input: $input) {
      __typename
      ... on Consent { id category status inEffect periodEnd version granteeProvider { id } granteeOrganization { id } granteeRelatedPerson { id } recordedBy { id } }
      ... on InputValidationError { issues { path } }
      ... on ValidationError { field message }
      ... on Error { code message }
    }
  }`;

const REVOKE = /* GraphQL */ `
  mutation($input: RevokeConsentInput!) {
    revokeConsent(input: $input) {
      __typename
      ... on Consent { status inEffect revokedAt revokedBy { id } version }
      ... on RuleViolation { rule }
      ... on StaleVersion { currentVersion }
      ... on Error { code message }
    }
  }`;

const HOUR = 3_600_000;
const dbId = (globalID: string) => Buffer.from(globalID, 'base64').toString().split(':')[1]!;

async function arrange() {
  const w = await staffWithToken(t);
  const client = await createClient(w.org.id);
  const provider = await createProvider({ kind: 'MENTAL_HEALTH' });
  return { ...w, client, provider, clientId: globalId('Client', client.id) };
}

describe('recordConsent and hasActiveConsent', () => {
  it('records a consent for one category and grantee, which is active for exactly those', async () => {
    const w = await arrange();
    const otherProvider = await createProvider();
    const before = await writeCounts();
    const consent = result(
      await t.gql(
        RECORD,
        { input: { clientId: w.clientId, category: 'MENTAL_HEALTH', granteeProviderId: globalId('Provider', w.provider.id), note: 'Signed form on file' } },
        { token: w.token },
      ),
      'recordConsent',
    );
    expect(consent).toMatchObject({
      __typename: 'Consent',
      category: 'MENTAL_HEALTH',
      status: 'ACTIVE',
      inEffect: true,
      periodEnd: null,
      version: 1,
      granteeProvider: { id: globalId('Provider', w.provider.id) },
      granteeOrganization: null,
      recordedBy: { id: globalId('StaffMember', w.staff.id) },
    });
    expect(await writeCounts()).toMatchObject({ consents: before.consents + 1, audits: before.audits + 1, events: before.events + 1 });

    const ask = (query: Parameters<typeof hasActiveConsent>[1], at?: Date) => hasActiveConsent(prisma, query, at);
    expect(await ask({ clientId: w.client.id, category: 'MENTAL_HEALTH', providerId: w.provider.id })).toBe(true);
    expect(await ask({ clientId: w.client.id, category: 'SUBSTANCE_USE', providerId: w.provider.id })).toBe(false);
    expect(await ask({ clientId: w.client.id, category: 'MENTAL_HEALTH', providerId: otherProvider.id })).toBe(false);
    expect(await ask({ clientId: w.client.id, category: 'MENTAL_HEALTH', organizationId: w.org.id })).toBe(false);
    // Before it was given, it was not active.
    expect(await ask({ clientId: w.client.id, category: 'MENTAL_HEALTH', providerId: w.provider.id }, new Date(Date.now() - HOUR))).toBe(false);
    // Inside a transaction too.
    expect(await prisma.$transaction((tx) => hasActiveConsent(tx, { clientId: w.client.id, category: 'MENTAL_HEALTH', providerId: w.provider.id }))).toBe(true);
  });

  it('needs exactly one grantee, and a related person of the client; a failure writes nothing', async () => {
    const w = await arrange();
    const stranger = await createRelatedPerson();
    const before = await writeCounts();
    const both = result(
      await t.gql(
        RECORD,
        { input: { clientId: w.clientId, category: 'GENERAL', granteeProviderId: globalId('Provider', w.provider.id), granteeOrganizationId: globalId('Organization', w.org.id) } },
        { token: w.token },
      ),
      'recordConsent',
    );
    expect(both).toMatchObject({ __typename: 'ValidationError', field: 'grantee' });
    const none = result(await t.gql(RECORD, { input: { clientId: w.clientId, category: 'GENERAL' } }, { token: w.token }), 'recordConsent');
    expect(none).toMatchObject({ __typename: 'ValidationError', field: 'grantee' });
    const unrelated = result(
      await t.gql(RECORD, { input: { clientId: w.clientId, category: 'HIV', granteeRelatedPersonId: globalId('RelatedPerson', stranger.id) } }, { token: w.token }),
      'recordConsent',
    );
    expect(unrelated).toMatchObject({ __typename: 'ValidationError', field: 'granteeRelatedPersonId' });
    const backwards = result(
      await t.gql(
        RECORD,
        {
          input: {
            clientId: w.clientId,
            category: 'GENERAL',
            granteeOrganizationId: globalId('Organization', w.org.id),
            periodStart: new Date(Date.now() + 2 * HOUR).toISOString(),
            periodEnd: new Date(Date.now() + HOUR).toISOString(),
          },
        },
        { token: w.token },
      ),
      'recordConsent',
    );
    expect(backwards).toMatchObject({ __typename: 'ValidationError', field: 'periodEnd' });
    const ancient = result(
      await t.gql(RECORD, { input: { clientId: w.clientId, category: 'GENERAL', granteeOrganizationId: globalId('Organization', w.org.id), periodStart: '1990-01-01T00:00:00Z' } }, { token: w.token }),
      'recordConsent',
    );
    expect(ancient.__typename).toBe('InputValidationError');
    expect(ancient.issues[0].path).toEqual(['input', 'periodStart']);
    expect(await writeCounts()).toEqual(before);

    // Once the person is related, the consent can name them.
    await prisma.clientRelationship.create({ data: { clientId: w.client.id, relatedPersonId: stranger.id, relationship: 'SPOUSE_PARTNER' } });
    const related = result(
      await t.gql(RECORD, { input: { clientId: w.clientId, category: 'HIV', granteeRelatedPersonId: globalId('RelatedPerson', stranger.id) } }, { token: w.token }),
      'recordConsent',
    );
    expect(related).toMatchObject({ __typename: 'Consent', granteeRelatedPerson: { id: globalId('RelatedPerson', stranger.id) } });
    expect(await hasActiveConsent(prisma, { clientId: w.client.id, category: 'HIV', relatedPersonId: stranger.id })).toBe(true);
  });

  it('answers NotFound for a client of another organization', async () => {
    const w = await arrange();
    const theirs = await createClient((await createOrganization()).id);
    const answer = result(
      await t.gql(RECORD, { input: { clientId: globalId('Client', theirs.id), category: 'GENERAL', granteeOrganizationId: globalId('Organization', w.org.id) } }, { token: w.token }),
      'recordConsent',
    );
    expect(answer.__typename).toBe('NotFound');
  });
});

describe('revoked and expired consents', () => {
  it('a revoked consent is no longer active, and cannot be revoked twice', async () => {
    const w = await arrange();
    const consent = result(
      await t.gql(
        RECORD,
        { input: { clientId: w.clientId, category: 'SUBSTANCE_USE', granteeProviderId: globalId('Provider', w.provider.id), periodStart: new Date(Date.now() - HOUR).toISOString() } },
        { token: w.token },
      ),
      'recordConsent',
    );
    const query = { clientId: w.client.id, category: 'SUBSTANCE_USE' as const, providerId: w.provider.id };
    expect(await hasActiveConsent(prisma, query)).toBe(true);
    const revoked = result(await t.gql(REVOKE, { input: { consentId: consent.id, reason: 'Client withdrew consent by phone', expectedVersion: 1 } }, { token: w.token }), 'revokeConsent');
    expect(revoked).toMatchObject({ __typename: 'Consent', status: 'REVOKED', inEffect: false, revokedBy: { id: globalId('StaffMember', w.staff.id) }, version: 2 });
    expect(revoked.revokedAt).not.toBeNull();
    expect(await hasActiveConsent(prisma, query)).toBe(false);
    // Asked about a moment before the revocation, it was active then.
    const revokedAt = Date.parse(revoked.revokedAt);
    expect(await hasActiveConsent(prisma, query, new Date(revokedAt - 60_000))).toBe(true);
    expect(await hasActiveConsent(prisma, query, new Date(revokedAt + 1))).toBe(false);
    const twice = result(await t.gql(REVOKE, { input: { consentId: consent.id, reason: 'Again please' } }, { token: w.token }), 'revokeConsent');
    expect(twice).toMatchObject({ __typename: 'RuleViolation', rule: 'CONSENT_REVOKED' });
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { entityId: dbId(consent.id), action: 'STATUS_CHANGE' } });
    expect(audit.reason).toBe('revoked: Client withdrew consent by phone');
  });

  it('a consent past its period end counts as expired, whatever its stored status', async () => {
    const w = await arrange();
    const expired = await prisma.consent.create({
      data: {
        clientId: w.client.id,
        category: 'EDUCATION',
        granteeOrganizationId: w.org.id,
        periodStart: new Date(Date.now() - 48 * HOUR),
        periodEnd: new Date(Date.now() - HOUR),
        recordedById: w.staff.id,
      },
    });
    const query = { clientId: w.client.id, category: 'EDUCATION' as const, organizationId: w.org.id };
    expect(await hasActiveConsent(prisma, query)).toBe(false);
    expect(await hasActiveConsent(prisma, query, new Date(Date.now() - 24 * HOUR))).toBe(true);

    const data: any = expectData(
      await t.gql(
        `query($id: ID!) { node(id: $id) { ... on Client {
          all: consents { status inEffect }
          current: consents(inEffect: true) { id }
        } } }`,
        { id: w.clientId },
        { token: w.token },
      ),
    );
    expect(data.node).toEqual({ all: [{ status: 'EXPIRED', inEffect: false }], current: [] });
    const revoke = result(await t.gql(REVOKE, { input: { consentId: globalId('Consent', expired.id), reason: 'Tidy up' } }, { token: w.token }), 'revokeConsent');
    expect(revoke).toMatchObject({ __typename: 'RuleViolation', rule: 'CONSENT_EXPIRED' });
  });

  it('a consent that starts later is not active yet', async () => {
    const w = await arrange();
    result(
      await t.gql(
        RECORD,
        { input: { clientId: w.clientId, category: 'CRIMINAL_JUSTICE', granteeProviderId: globalId('Provider', w.provider.id), periodStart: new Date(Date.now() + 24 * HOUR).toISOString() } },
        { token: w.token },
      ),
      'recordConsent',
    );
    const query = { clientId: w.client.id, category: 'CRIMINAL_JUSTICE' as const, providerId: w.provider.id };
    expect(await hasActiveConsent(prisma, query)).toBe(false);
    expect(await hasActiveConsent(prisma, query, new Date(Date.now() + 25 * HOUR))).toBe(true);
  });
});
