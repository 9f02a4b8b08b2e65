// A client's record after registration: updates, merging duplicates, and related persons.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { result, staffWithToken, uniqueFamilyName, writeCounts } from '../support/clients.js';
import { createCase, createClient, createOrganization, createRelatedPerson, createStaff, globalId } from '../support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('client_records');
});
afterAll(() => t?.stop());

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
