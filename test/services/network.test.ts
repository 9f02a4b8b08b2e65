import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createClient, createOrganization, createRelatedPerson, createStaff, globalId } from '../support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('network');
});
afterAll(() => t?.stop());

describe('Client.network', () => {
  it('finds clients who share a caregiver, and counts without showing the ones the viewer may not see', async () => {
    const org = await createOrganization();
    const other = await createOrganization();
    const manager = await createStaff(org.id);
    const [ana, ben] = [await createClient(org.id, { givenName: 'Ana' }), await createClient(org.id, { givenName: 'Ben' })];
    const hiddenCousin = await createClient(other.id, { givenName: 'Hidden' });
    const grandma = await createRelatedPerson({ givenName: 'Rosa' });
    await prisma.clientRelationship.createMany({
      data: [
        { clientId: ana.id, relatedPersonId: grandma.id, relationship: 'GRANDPARENT', isCaregiver: true },
        { clientId: ben.id, relatedPersonId: grandma.id, relationship: 'GRANDPARENT', isCaregiver: true },
        { clientId: hiddenCousin.id, relatedPersonId: grandma.id, relationship: 'GRANDPARENT' },
      ],
    });
    const query = `query($id: ID!, $depth: Int) { node(id: $id) { ... on Client { network(depth: $depth) {
      clients { givenName } relatedPersons { givenName } hiddenClients edges { kind label } } } } }`;
    const one: any = expectData(await t.gql(query, { id: globalId('Client', ana.id), depth: 1 }, { token: await t.tokenFor(manager.id) }));
    expect(one.node.network).toMatchObject({ clients: [{ givenName: 'Ana' }], relatedPersons: [{ givenName: 'Rosa' }], hiddenClients: 0 });
    const two: any = expectData(await t.gql(query, { id: globalId('Client', ana.id), depth: 2 }, { token: await t.tokenFor(manager.id) }));
    expect(two.node.network.clients.map((c: any) => c.givenName).sort()).toEqual(['Ana', 'Ben']);
    expect(two.node.network.hiddenClients).toBe(1);
    expect(two.node.network.edges).toHaveLength(2);
  });
});
