// Client.network: the relationship graph around a client (src/services/network.ts).
import { builder } from '../../builder.js';
import { prisma } from '../../db.js';
import { clientNetwork, type ClientNetwork, type NetworkEdge } from '../../services/network.js';
import { COST } from '../cost.js';
import { viewerOf } from '../viewer.js';

const NetworkEdgeKindEnum = builder.enumType('NetworkEdgeKind', {
  values: { RELATIONSHIP: { description: 'client -> related person' }, REFERRAL: { description: 'client -> provider' } } as const,
});

const NetworkEdgeRef = builder.objectRef<NetworkEdge>('NetworkEdge').implement({
  description: 'A client linked to a related person (label = relationship) or a provider (label = referral status).',
  fields: (t) => ({
    clientId: t.globalID({ resolve: (edge) => ({ type: 'Client', id: edge.clientId }) }),
    otherId: t.globalID({ resolve: (edge) => ({ type: edge.otherKind === 'PROVIDER' ? 'Provider' : 'RelatedPerson', id: edge.otherId }) }),
    kind: t.field({ type: NetworkEdgeKindEnum, resolve: (edge) => edge.kind }),
    label: t.exposeString('label'),
  }),
});

const ClientNetworkRef = builder.objectRef<ClientNetwork>('ClientNetwork').implement({
  fields: (t) => ({
    clients: t.prismaField({
      type: ['Client'],
      resolve: (query, network) => prisma.client.findMany({ ...query, where: { id: { in: network.clientIds } } }),
    }),
    relatedPersons: t.prismaField({
      type: ['RelatedPerson'],
      resolve: (query, network) => prisma.relatedPerson.findMany({ ...query, where: { id: { in: network.relatedPersonIds } } }),
    }),
    providers: t.prismaField({
      type: ['Provider'],
      resolve: (query, network) => prisma.provider.findMany({ ...query, where: { id: { in: network.providerIds } } }),
    }),
    edges: t.field({ type: [NetworkEdgeRef], resolve: (network) => network.edges }),
    hiddenClients: t.exposeInt('hiddenClients', { description: 'Clients in the network you may not see: counted, not shown' }),
  }),
});

builder.prismaObjectFields('Client', (t) => ({
  network: t.field({
    type: ClientNetworkRef,
    description: 'Related persons, providers, and other clients who share them, out to `depth` hops (1-3)',
    args: { depth: t.arg.int({ defaultValue: 2 }) },
    complexity: (args) => COST.networkByDepth[Math.min(Math.max(args.depth ?? 2, 1), 3)] ?? 0,
    resolve: (client, args, ctx) => clientNetwork(prisma, viewerOf(ctx), client.id, Math.min(Math.max(args.depth ?? 2, 1), 3)),
  }),
}));
