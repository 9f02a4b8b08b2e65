// Registering a client: validation, identifiers, relationships, and the duplicate check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { result, staffWithToken, uniqueFamilyName, uniquePhone, writeCounts } from '../support/clients.js';
import { createClient, createOrganization, globalId } from '../support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('clients_service');
});
afterAll(() => t?.stop());

const REGISTER = /* GraphQL */ `
  mutation($input: RegisterClientInput!) {
    registerClient(input: $input) {
      __typename
      ... on Client {
        id givenName familyName dateOfBirth phone riskLevel status version
        organization { id }
        identifiers { system value }
        relationships { relationship isCaregiver isEmergencyContact relatedPerson { id givenName familyName } }
      }
      ... on PossibleDuplicates {
        message code hiddenMatchCount hiddenStrongMatchCount
        candidates { strong reasons client { id familyName } }
      }
      ... on InputValidationError { issues { path message } }
      ... on ValidationError { field message }
      ... on Error { code message }
    }
  }`;

const FIND = /* GraphQL */ `
  query($input: FindDuplicateClientsInput!) {
    findDuplicateClients(input: $input) {
      __typename
      ... on DuplicateCheck { hasStrongMatch hiddenMatchCount hiddenStrongMatchCount candidates { strong reasons client { id } } }
      ... on Error { code message }
    }
  }`;

describe('registerClient', () => {
  it('registers a client of the viewer organization with identifiers and related persons, audited and announced', async () => {
    const w = await staffWithToken(t);
    const familyName = uniqueFamilyName();
    const before = await writeCounts();
    const client = result(
      await t.gql(
        REGISTER,
        {
          input: {
            givenName: 'Maya',
            familyName,
            dateOfBirth: '2012-03-04',
            phone: uniquePhone(),
            identifiers: [{ system: 'school_id', value: `S-${familyName}` }],
            relatedPersons: [{ givenName: 'Rosa', familyName, relationship: 'GRANDPARENT', isCaregiver: true, isEmergencyContact: true }],
          },
        },
        { token: w.token },
      ),
      'registerClient',
    );
    expect(client).toMatchObject({
      __typename: 'Client',
      givenName: 'Maya',
      familyName,
      dateOfBirth: '2012-03-04',
      riskLevel: 'LOW',
      status: 'ACTIVE',
      version: 1,
      organization: { id: globalId('Organization', w.org.id) },
      identifiers: [{ system: 'SCHOOL_ID', value: `S-${familyName}` }],
      relationships: [{ relationship: 'GRANDPARENT', isCaregiver: true, isEmergencyContact: true, relatedPerson: { givenName: 'Rosa', familyName } }],
    });
    const after = await writeCounts();
    expect(after).toMatchObject({
      clients: before.clients + 1,
      identifiers: before.identifiers + 1,
      relatedPersons: before.relatedPersons + 1,
      relationships: before.relationships + 1,
      audits: before.audits + 2, // the client and the relationship
      events: before.events + 3, // client topic, organization topic, relationship
    });
  });

  it('blocks a strong match on the same identifier and writes nothing', async () => {
    const w = await staffWithToken(t);
    const existing = await createClient(w.org.id, {
      familyName: uniqueFamilyName(),
      identifiers: { create: { system: 'MRN', value: 'MRN-4471-A' } },
    });
    const before = await writeCounts();
    const blocked = result(
      await t.gql(
        REGISTER,
        { input: { givenName: 'Someone', familyName: uniqueFamilyName(), identifiers: [{ system: 'mrn', value: 'mrn-4471-a' }] } },
        { token: w.token },
      ),
      'registerClient',
    );
    expect(blocked).toMatchObject({
      __typename: 'PossibleDuplicates',
      code: 'POSSIBLE_DUPLICATES',
      hiddenMatchCount: 0,
      candidates: [{ strong: true, reasons: ['SAME_IDENTIFIER'], client: { id: globalId('Client', existing.id), familyName: existing.familyName } }],
    });
    expect(await writeCounts()).toEqual(before);
  });

  it('compares identifiers and family names literally: _ % and \\ are no wildcards', async () => {
    const w = await staffWithToken(t);
    const tag = uniqueFamilyName('X').slice(2);
    await createClient(w.org.id, { familyName: `Ab${tag}`, identifiers: { create: { system: 'MRN', value: `AB${tag}1` } } });
    const check = async (input: Record<string, unknown>) =>
      result(await t.gql(FIND, { input: { givenName: 'Someone', ...input } }, { token: w.token }), 'findDuplicateClients');
    for (const value of [`A_${tag}1`, `A%1`, `AB${tag}1\\`]) {
      expect(await check({ identifiers: [{ system: 'MRN', value }] })).toMatchObject({ __typename: 'DuplicateCheck', candidates: [] });
    }
    expect(await check({ identifiers: [{ system: 'M_N', value: `AB${tag}1` }] })).toMatchObject({ candidates: [] });
    expect(await check({ identifiers: [{ system: 'MRN', value: `ab${tag}1` }] })).toMatchObject({ candidates: [{ strong: true }] });
    // The same birth date and given name: the family name must be the same too, not alike.
    const person = { givenName: 'Alex', dateOfBirth: '1980-05-17' };
    expect(await check({ ...person, familyName: `A_${tag}` })).toMatchObject({ candidates: [] });
    expect(await check({ ...person, familyName: `AB${tag.toUpperCase()}` })).toMatchObject({
      candidates: [{ reasons: ['SAME_NAME_AND_BIRTH_DATE'] }],
    });
  });

  it('blocks the same date of birth with a similar name, case-insensitively, and lists the match', async () => {
    const w = await staffWithToken(t);
    const familyName = uniqueFamilyName('Okafor');
    const existing = await createClient(w.org.id, { givenName: 'Jonathan', familyName, dateOfBirth: new Date('1990-07-01') });
    // Same name, another birth date: not a match.
    await createClient(w.org.id, { givenName: 'Jonathan', familyName, dateOfBirth: new Date('1991-07-01') });
    const input = { givenName: 'jon', familyName: familyName.toUpperCase(), dateOfBirth: '1990-07-01' };
    const blocked = result(await t.gql(REGISTER, { input }, { token: w.token }), 'registerClient');
    expect(blocked.__typename).toBe('PossibleDuplicates');
    expect(blocked.candidates).toEqual([{ strong: true, reasons: ['SAME_NAME_AND_BIRTH_DATE'], client: { id: globalId('Client', existing.id), familyName } }]);
    // A different given name with the same family name and birth date is someone else (a twin).
    const twin = result(await t.gql(REGISTER, { input: { ...input, givenName: 'Grace' } }, { token: w.token }), 'registerClient');
    expect(twin.__typename).toBe('Client');
  });

  it('counts strong matches among clients the viewer may not see, without showing them', async () => {
    const w = await staffWithToken(t);
    const other = await createOrganization();
    const familyName = uniqueFamilyName();
    await createClient(other.id, { givenName: 'Ines', familyName, dateOfBirth: new Date('1975-01-20') });
    const input = { givenName: 'Ines', familyName, dateOfBirth: '1975-01-20' };
    const blocked = result(await t.gql(REGISTER, { input }, { token: w.token }), 'registerClient');
    expect(blocked).toMatchObject({ __typename: 'PossibleDuplicates', candidates: [], hiddenMatchCount: 1, hiddenStrongMatchCount: 1 });
  });

  it('registers despite a strong match with confirmation and a reason, and audits the override', async () => {
    const w = await staffWithToken(t);
    const familyName = uniqueFamilyName();
    const existing = await createClient(w.org.id, { givenName: 'Amir', familyName, dateOfBirth: new Date('2001-11-11') });
    const input = { givenName: 'Amir', familyName, dateOfBirth: '2001-11-11' };
    const before = await writeCounts();
    const noReason = result(await t.gql(REGISTER, { input: { ...input, confirmNotDuplicate: true } }, { token: w.token }), 'registerClient');
    expect(noReason).toMatchObject({ __typename: 'ValidationError', field: 'notDuplicateReason' });
    expect(await writeCounts()).toEqual(before);

    const reason = 'Different mother and address; checked with the school office';
    const created = result(
      await t.gql(REGISTER, { input: { ...input, confirmNotDuplicate: true, notDuplicateReason: reason } }, { token: w.token }),
      'registerClient',
    );
    expect(created.__typename).toBe('Client');
    const id = Buffer.from(created.id, 'base64').toString().split(':')[1]!;
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { entityId: id, action: 'CREATE', entityType: 'Client' } });
    expect(audit.reason).toContain(reason);
    expect(audit.reason).toContain(existing.id);
    expect(audit).toMatchObject({ actorId: w.staff.id, operationName: 'registerClient', clientId: id });
  });

  it('lets a weak match (same phone) through, and findDuplicateClients reports it as weak', async () => {
    const w = await staffWithToken(t);
    const phone = uniquePhone();
    const existing = await createClient(w.org.id, { familyName: uniqueFamilyName(), phone });
    const digitsOnly = phone.replace(/\D/g, '').slice(1); // without the country code
    const check = result(await t.gql(FIND, { input: { phone: digitsOnly } }, { token: w.token }), 'findDuplicateClients');
    expect(check).toEqual({
      __typename: 'DuplicateCheck',
      hasStrongMatch: false,
      hiddenMatchCount: 0,
      hiddenStrongMatchCount: 0,
      candidates: [{ strong: false, reasons: ['SAME_PHONE'], client: { id: globalId('Client', existing.id) } }],
    });
    const created = result(
      await t.gql(REGISTER, { input: { givenName: 'Lena', familyName: uniqueFamilyName(), phone: digitsOnly } }, { token: w.token }),
      'registerClient',
    );
    expect(created.__typename).toBe('Client');
  });

  it('returns the same client on a retried clientMutationId, even concurrently, and creates one row', async () => {
    const w = await staffWithToken(t);
    const familyName = uniqueFamilyName();
    const input = { givenName: 'Tomas', familyName, dateOfBirth: '1999-09-09', clientMutationId: `register-${familyName}` };
    const concurrent = await Promise.all([1, 2, 3, 4].map(() => t.gql(REGISTER, { input }, { token: w.token })));
    const later = await t.gql(REGISTER, { input }, { token: w.token });
    const answers = [...concurrent, later].map((r) => result(r, 'registerClient'));
    expect(answers.map((a) => a.__typename)).toEqual(['Client', 'Client', 'Client', 'Client', 'Client']);
    expect(new Set(answers.map((a) => a.id)).size).toBe(1);
    expect(await prisma.client.count({ where: { familyName } })).toBe(1);
    // Without the key, the same details are a strong duplicate of the first registration.
    const again = result(await t.gql(REGISTER, { input: { ...input, clientMutationId: null } }, { token: w.token }), 'registerClient');
    expect(again.__typename).toBe('PossibleDuplicates');
  });

  it('names the wrong field and writes nothing', async () => {
    const w = await staffWithToken(t);
    const before = await writeCounts();
    const future = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const cases: Array<[Record<string, unknown>, string[] | string]> = [
      [{ dateOfBirth: future }, ['input', 'dateOfBirth']],
      [{ dateOfBirth: '1850-01-01' }, ['input', 'dateOfBirth']],
      [{ givenName: '   ' }, ['input', 'givenName']],
      [{ email: 'not-an-email' }, ['input', 'email']],
      [{ phone: 'call me maybe' }, ['input', 'phone']],
      [{ identifiers: [{ system: 'MRN', value: '' }] }, ['input', 'identifiers', '0', 'value']],
      [{ relatedPersons: [{ givenName: 'A', familyName: '', relationship: 'FRIEND' }] }, ['input', 'relatedPersons', '0', 'familyName']],
      [{ identifiers: [{ system: 'MRN', value: 'X1' }, { system: 'mrn', value: 'X1' }] }, 'identifiers.1'],
    ];
    for (const [override, where] of cases) {
      const answer = result(
        await t.gql(REGISTER, { input: { givenName: 'Valid', familyName: uniqueFamilyName(), ...override } }, { token: w.token }),
        'registerClient',
      );
      if (Array.isArray(where)) {
        expect(answer.__typename, JSON.stringify(override)).toBe('InputValidationError');
        expect(answer.issues.map((i: any) => i.path)).toContainEqual(where);
      } else {
        expect(answer).toMatchObject({ __typename: 'ValidationError', field: where });
      }
    }
    expect(await writeCounts()).toEqual(before);
  });

  it('is for clinical staff only', async () => {
    const w = await staffWithToken(t, ['ANALYST']);
    const before = await writeCounts();
    const answer = result(await t.gql(REGISTER, { input: { givenName: 'No', familyName: uniqueFamilyName() } }, { token: w.token }), 'registerClient');
    expect(answer.__typename).toBe('Forbidden');
    expect(await writeCounts()).toEqual(before);
  });
});
