// A client's network: related persons, providers, and other clients who share them, out to a
// given depth. Walked breadth-first with one batched query per hop and kind. Clients the
// viewer may not see are left out and only counted, so the graph leaks no one.
import { clientWhere } from '../auth/access.js';
import type { Viewer } from '../auth/viewer.js';
import type { Db } from '../db.js';

export type NetworkNodeKind = 'CLIENT' | 'RELATED_PERSON' | 'PROVIDER';

export interface NetworkEdge {
  clientId: string;
  kind: 'RELATIONSHIP' | 'REFERRAL';
  otherKind: Exclude<NetworkNodeKind, 'CLIENT'>;
  otherId: string;
  label: string;
}

export interface ClientNetwork {
  clientIds: string[];
  relatedPersonIds: string[];
  providerIds: string[];
  edges: NetworkEdge[];
  hiddenClients: number;
}

export async function clientNetwork(db: Db, viewer: Viewer, rootClientId: string, depth: number): Promise<ClientNetwork> {
  const clients = new Set([rootClientId]);
  const persons = new Set<string>();
  const providers = new Set<string>();
  const hidden = new Set<string>();
  const edges = new Map<string, NetworkEdge>();
  let frontier = [rootClientId];

  for (let hop = 0; hop < depth && frontier.length > 0; hop += 1) {
    const [relationships, referrals] = await Promise.all([
      db.clientRelationship.findMany({
        where: { clientId: { in: frontier }, endedAt: null },
        select: { clientId: true, relatedPersonId: true, relationship: true },
      }),
      db.referral.findMany({
        where: { clientId: { in: frontier }, status: { notIn: ['DRAFT', 'CANCELLED'] } },
        select: { clientId: true, providerId: true, status: true },
        distinct: ['clientId', 'providerId'],
      }),
    ]);
    const newPersons = relationships.map((r) => r.relatedPersonId).filter((id) => !persons.has(id));
    const newProviders = referrals.map((r) => r.providerId).filter((id) => !providers.has(id));
    for (const r of relationships) {
      persons.add(r.relatedPersonId);
      edges.set(`${r.clientId}:${r.relatedPersonId}:${r.relationship}`, { clientId: r.clientId, kind: 'RELATIONSHIP', otherKind: 'RELATED_PERSON', otherId: r.relatedPersonId, label: r.relationship });
    }
    for (const r of referrals) {
      providers.add(r.providerId);
      edges.set(`${r.clientId}:${r.providerId}`, { clientId: r.clientId, kind: 'REFERRAL', otherKind: 'PROVIDER', otherId: r.providerId, label: r.status });
    }
    if (hop + 1 >= depth) break;
    // Next hop: other clients sharing these people or providers.
    const [viaPersons, viaProviders] = await Promise.all([
      newPersons.length
        ? db.clientRelationship.findMany({ where: { relatedPersonId: { in: newPersons }, endedAt: null, clientId: { notIn: [...clients] } }, select: { clientId: true, relatedPersonId: true, relationship: true } })
        : [],
      newProviders.length
        ? db.referral.findMany({ where: { providerId: { in: newProviders }, status: { notIn: ['DRAFT', 'CANCELLED'] }, clientId: { notIn: [...clients] } }, select: { clientId: true, providerId: true, status: true }, distinct: ['clientId', 'providerId'], take: 500 })
        : [],
    ]);
    const candidates = [...new Set([...viaPersons.map((r) => r.clientId), ...viaProviders.map((r) => r.clientId)])];
    const visible = new Set(
      (await db.client.findMany({ where: { id: { in: candidates }, AND: [clientWhere(viewer)] }, select: { id: true } })).map((c) => c.id),
    );
    for (const r of viaPersons) {
      if (!visible.has(r.clientId)) continue;
      edges.set(`${r.clientId}:${r.relatedPersonId}:${r.relationship}`, { clientId: r.clientId, kind: 'RELATIONSHIP', otherKind: 'RELATED_PERSON', otherId: r.relatedPersonId, label: r.relationship });
    }
    for (const r of viaProviders) {
      if (!visible.has(r.clientId)) continue;
      edges.set(`${r.clientId}:${r.providerId}`, { clientId: r.clientId, kind: 'REFERRAL', otherKind: 'PROVIDER', otherId: r.providerId, label: r.status });
    }
    for (const id of candidates) (visible.has(id) ? clients : hidden).add(id);
    frontier = candidates.filter((id) => visible.has(id));
  }
  return {
    clientIds: [...clients],
    relatedPersonIds: [...persons],
    providerIds: [...providers],
    edges: [...edges.values()],
    hiddenClients: hidden.size,
  };
}
