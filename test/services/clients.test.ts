import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { result, staffWithToken, uniqueFamilyName, uniquePhone, writeCounts } from '../support/clients.js';
import { createCase, createClient, createOrganization, createRelatedPerson, createStaff, globalId } from '../support/factories.js';

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

const UPDATE = /* GraphQL */ `
  mutation($input: UpdateClientInput!) {
    updateClient(input: $input) {
      __typename
      ... on Client { id givenName phone region status version identifiers { system value } }
      ... on StaleVersion { expectedVersion currentVersion }
      ... on InvalidTransition { from to allowed }
      ... on RuleViolation { rule }
      ... on ValidationError { field }
      ... on InputValidationError { issues { path } }
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

describe('updateClient', () => {
  it('changes only the fields given, adds and removes identifiers, and refuses a stale version', async () => {
    const w = await staffWithToken(t);
    const client = await createClient(w.org.id, {
      phone: '555 0100 200',
      region: 'North',
      identifiers: { create: [{ system: 'MRN', value: 'OLD-1' }] },
    });
    const clientId = globalId('Client', client.id);
    const updated = result(
      await t.gql(
        UPDATE,
        {
          input: {
            clientId,
            expectedVersion: 1,
            phone: null,
            region: 'South',
            addIdentifiers: [{ system: 'school_id', value: 'SCH-9' }],
            removeIdentifiers: [{ system: 'MRN', value: 'old-1' }],
          },
        },
        { token: w.token },
      ),
      'updateClient',
    );
    expect(updated).toMatchObject({ __typename: 'Client', givenName: client.givenName, phone: null, region: 'South', version: 2 });
    expect(updated.identifiers).toEqual([{ system: 'SCHOOL_ID', value: 'SCH-9' }]);
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { entityId: client.id, operationName: 'updateClient' } });
    expect(audit.reason).toBe('changed phone, region, identifiers; identifiers -MRN:OLD-1 +SCHOOL_ID:SCH-9');

    const before = await writeCounts();
    const stale = result(await t.gql(UPDATE, { input: { clientId, expectedVersion: 1, region: 'East' } }, { token: w.token }), 'updateClient');
    expect(stale).toMatchObject({ __typename: 'StaleVersion', expectedVersion: 1, currentVersion: 2 });
    expect(await writeCounts()).toEqual(before);
    expect((await prisma.client.findUniqueOrThrow({ where: { id: client.id } })).region).toBe('South');
  });

  it('refuses to clear a name, to revive a deceased client and to reuse another client identifier', async () => {
    const w = await staffWithToken(t);
    const client = await createClient(w.org.id);
    await createClient(w.org.id, { identifiers: { create: [{ system: 'MRN', value: 'TAKEN-77' }] } });
    const clientId = globalId('Client', client.id);
    const noName = result(await t.gql(UPDATE, { input: { clientId, givenName: null } }, { token: w.token }), 'updateClient');
    expect(noName).toMatchObject({ __typename: 'ValidationError', field: 'givenName' });
    const taken = result(
      await t.gql(UPDATE, { input: { clientId, addIdentifiers: [{ system: 'MRN', value: 'taken-77' }] } }, { token: w.token }),
      'updateClient',
    );
    expect(taken).toMatchObject({ __typename: 'RuleViolation', rule: 'IDENTIFIER_IN_USE' });
    const deceased = result(await t.gql(UPDATE, { input: { clientId, status: 'DECEASED' } }, { token: w.token }), 'updateClient');
    expect(deceased).toMatchObject({ __typename: 'Client', status: 'DECEASED' });
    const revived = result(await t.gql(UPDATE, { input: { clientId, status: 'ACTIVE' } }, { token: w.token }), 'updateClient');
    expect(revived).toMatchObject({ __typename: 'InvalidTransition', from: 'DECEASED', to: 'ACTIVE', allowed: [] });
  });

  it('answers NotFound for a client the viewer may not see, and audits the denied attempt', async () => {
    const w = await staffWithToken(t);
    const stranger = await createClient((await createOrganization()).id);
    const answer = result(
      await t.gql(UPDATE, { input: { clientId: globalId('Client', stranger.id), region: 'X' } }, { token: w.token }),
      'updateClient',
    );
    expect(answer.__typename).toBe('NotFound');
    const denied = await prisma.auditEvent.findFirst({ where: { actorId: w.staff.id, action: 'ACCESS_DENIED', clientId: stranger.id } });
    expect(denied).not.toBeNull();
  });
});

describe('mergeClients', () => {
  const MERGE = /* GraphQL */ `
    mutation($input: MergeClientsInput!) {
      mergeClients(input: $input) {
        __typename
        ... on Client { id riskLevel cases { id } mergedFrom { id status mergedInto { id } } identifiers { system value } relationships { relatedPerson { id } } }
        ... on RuleViolation { rule }
        ... on Error { code message }
      }
    }`;

  it('moves the duplicate history to the survivor, keeps the duplicate record flagged, and audits both', async () => {
    const w = await staffWithToken(t);
    const familyName = uniqueFamilyName();
    const survivor = await createClient(w.org.id, { familyName, identifiers: { create: [{ system: 'MRN', value: 'M-1' }] } });
    const duplicate = await createClient(w.org.id, {
      familyName,
      identifiers: { create: [{ system: 'MRN', value: 'M-1' }, { system: 'SCHOOL_ID', value: 'S-2' }] },
    });
    const kase = await createCase(duplicate.id, w.org.id, [{ staffId: w.staff.id }]);
    await prisma.assessment.create({
      data: { caseId: kase.id, clientId: duplicate.id, type: 'RISK', performedById: w.staff.id, performedAt: new Date(), sources: ['RECORDS'], riskLevel: 'HIGH' },
    });
    const aunt = await createRelatedPerson();
    await prisma.clientRelationship.create({ data: { clientId: duplicate.id, relatedPersonId: aunt.id, relationship: 'OTHER_FAMILY' } });

    const merged = result(
      await t.gql(
        MERGE,
        { input: { survivorId: globalId('Client', survivor.id), duplicateId: globalId('Client', duplicate.id), reason: 'Same person registered twice at intake' } },
        { token: w.token },
      ),
      'mergeClients',
    );
    expect(merged).toMatchObject({
      __typename: 'Client',
      id: globalId('Client', survivor.id),
      riskLevel: 'HIGH',
      cases: [{ id: globalId('Case', kase.id) }],
      mergedFrom: [{ id: globalId('Client', duplicate.id), status: 'INACTIVE', mergedInto: { id: globalId('Client', survivor.id) } }],
      relationships: [{ relatedPerson: { id: globalId('RelatedPerson', aunt.id) } }],
    });
    expect(merged.identifiers).toEqual([{ system: 'MRN', value: 'M-1' }, { system: 'SCHOOL_ID', value: 'S-2' }]);
    // The duplicate record stays, with the identifier the survivor already had.
    const kept = await prisma.client.findUniqueOrThrow({ where: { id: duplicate.id }, include: { identifiers: true } });
    expect(kept).toMatchObject({ mergedIntoId: survivor.id, version: 2 });
    expect(kept.identifiers.map((i) => i.value)).toEqual(['M-1']);
    const audits = await prisma.auditEvent.findMany({ where: { operationName: 'mergeClients', actorId: w.staff.id } });
    expect(audits.map((a) => a.entityId).sort()).toEqual([survivor.id, duplicate.id].sort());

    const again = result(
      await t.gql(
        MERGE,
        { input: { survivorId: globalId('Client', survivor.id), duplicateId: globalId('Client', duplicate.id), reason: 'Twice' } },
        { token: w.token },
      ),
      'mergeClients',
    );
    expect(again).toMatchObject({ __typename: 'RuleViolation', rule: 'ALREADY_MERGED' });
    // A merged record leaves the client list and takes no more edits.
    const list: any = expectData(await t.gql(`query($f: ClientFilter) { clients(first: 10, filter: $f) { edges { node { id } } } }`, { f: { search: familyName } }, { token: w.token }));
    expect(list.clients.edges).toEqual([{ node: { id: globalId('Client', survivor.id) } }]);
  });
});

describe('related persons', () => {
  const ADD = /* GraphQL */ `
    mutation($input: AddRelatedPersonInput!) {
      addRelatedPerson(input: $input) {
        __typename
        ... on ClientRelationship { id relationship isCaregiver version relatedPerson { id } client { id } }
        ... on Error { code message }
      }
    }`;
  const LINK = /* GraphQL */ `
    mutation($input: LinkRelatedPersonInput!) {
      linkRelatedPerson(input: $input) {
        __typename
        ... on ClientRelationship { id relationship isCaregiver livesWithClient endedAt relatedPerson { id relationships { client { id } } } }
        ... on ValidationError { field }
        ... on Error { code message }
      }
    }`;
  const UPDATE_LINK = /* GraphQL */ `
    mutation($input: UpdateClientRelationshipInput!) {
      updateClientRelationship(input: $input) {
        __typename
        ... on ClientRelationship { isEmergencyContact isLegalGuardian version }
        ... on StaleVersion { currentVersion }
        ... on RuleViolation { rule }
        ... on Error { code message }
      }
    }`;
  const END = /* GraphQL */ `
    mutation($input: EndClientRelationshipInput!) {
      endClientRelationship(input: $input) {
        __typename
        ... on ClientRelationship { endedAt version }
        ... on RuleViolation { rule }
        ... on Error { code message }
      }
    }`;

  it('registers a grandmother for one grandchild, links her to the other, changes and ends a link', async () => {
    const w = await staffWithToken(t);
    const familyName = uniqueFamilyName();
    const first = await createClient(w.org.id, { givenName: 'Ana', familyName });
    const second = await createClient(w.org.id, { givenName: 'Ben', familyName });
    const added = result(
      await t.gql(
        ADD,
        { input: { clientId: globalId('Client', first.id), givenName: 'Rosa', familyName, phone: '555 010 0999', relationship: 'GRANDPARENT', isCaregiver: true } },
        { token: w.token },
      ),
      'addRelatedPerson',
    );
    expect(added).toMatchObject({ __typename: 'ClientRelationship', relationship: 'GRANDPARENT', isCaregiver: true, version: 1 });

    const linkInput = {
      relatedPersonId: added.relatedPerson.id,
      clientId: globalId('Client', second.id),
      relationship: 'GRANDPARENT',
      isCaregiver: true,
      livesWithClient: true,
    };
    const linked = result(await t.gql(LINK, { input: linkInput }, { token: w.token }), 'linkRelatedPerson');
    expect(linked).toMatchObject({ __typename: 'ClientRelationship', isCaregiver: true, livesWithClient: true, endedAt: null });
    expect(linked.relatedPerson.relationships.map((r: any) => r.client.id).sort()).toEqual(
      [globalId('Client', first.id), globalId('Client', second.id)].sort(),
    );
    expect(await prisma.relatedPerson.count({ where: { familyName } })).toBe(1);
    const twice = result(await t.gql(LINK, { input: linkInput }, { token: w.token }), 'linkRelatedPerson');
    expect(twice).toMatchObject({ __typename: 'ValidationError', field: 'relatedPersonId' });

    const changed = result(
      await t.gql(UPDATE_LINK, { input: { relationshipId: linked.id, expectedVersion: 1, isEmergencyContact: true, isLegalGuardian: true } }, { token: w.token }),
      'updateClientRelationship',
    );
    expect(changed).toEqual({ __typename: 'ClientRelationship', isEmergencyContact: true, isLegalGuardian: true, version: 2 });
    const stale = result(
      await t.gql(UPDATE_LINK, { input: { relationshipId: linked.id, expectedVersion: 1, isCaregiver: false } }, { token: w.token }),
      'updateClientRelationship',
    );
    expect(stale).toMatchObject({ __typename: 'StaleVersion', currentVersion: 2 });

    const ended = result(await t.gql(END, { input: { relationshipId: linked.id, reason: 'Moved to her other daughter' } }, { token: w.token }), 'endClientRelationship');
    expect(ended.__typename).toBe('ClientRelationship');
    expect(ended.endedAt).not.toBeNull();
    // Kept as history, gone from the client's current network.
    expect(await prisma.clientRelationship.findUnique({ where: { id: Buffer.from(linked.id, 'base64').toString().split(':')[1]! } })).not.toBeNull();
    const network: any = expectData(await t.gql(`query($id: ID!) { node(id: $id) { ... on Client { relationships { id } } } }`, { id: globalId('Client', second.id) }, { token: w.token }));
    expect(network.node.relationships).toEqual([]);
    const endedTwice = result(await t.gql(END, { input: { relationshipId: linked.id } }, { token: w.token }), 'endClientRelationship');
    expect(endedTwice).toMatchObject({ __typename: 'RuleViolation', rule: 'RELATIONSHIP_ENDED' });

    // Linking again reopens the same link.
    const reopened = result(await t.gql(LINK, { input: linkInput }, { token: w.token }), 'linkRelatedPerson');
    expect(reopened).toMatchObject({ __typename: 'ClientRelationship', id: linked.id, endedAt: null });
  });

  it('does not link a person known only through clients the viewer may not see', async () => {
    const w = await staffWithToken(t);
    const mine = await createClient(w.org.id);
    const theirs = await createClient((await createOrganization()).id);
    const stranger = await createRelatedPerson();
    await prisma.clientRelationship.create({ data: { clientId: theirs.id, relatedPersonId: stranger.id, relationship: 'PARENT' } });
    const before = await writeCounts();
    const answer = result(
      await t.gql(
        LINK,
        { input: { relatedPersonId: globalId('RelatedPerson', stranger.id), clientId: globalId('Client', mine.id), relationship: 'PARENT' } },
        { token: w.token },
      ),
      'linkRelatedPerson',
    );
    expect(answer).toMatchObject({ __typename: 'NotFound' });
    expect(await writeCounts()).toEqual(before);
  });

  it('lets a colleague of the organization see the new network', async () => {
    const w = await staffWithToken(t);
    const colleague = await createStaff(w.org.id, { roles: ['NURSE'] });
    const client = await createClient(w.org.id);
    await t.gql(ADD, { input: { clientId: globalId('Client', client.id), givenName: 'Joe', familyName: 'Neighbour', relationship: 'NEIGHBOR' } }, { token: w.token });
    const seen: any = expectData(
      await t.gql(`query($id: ID!) { node(id: $id) { ... on Client { relationships { relationship } } } }`, { id: globalId('Client', client.id) }, { token: await t.tokenFor(colleague.id) }),
    );
    expect(seen.node.relationships).toEqual([{ relationship: 'NEIGHBOR' }]);
  });
});
