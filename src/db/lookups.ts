// The client Pothos loads records through (node(id), a relation its parent did not load).
//
// Those loads are findUnique calls whose filter holds the viewer's access rules besides the id.
// Prisma batches every findUnique of one tick with the same argument keys, across concurrent
// requests; such a batch cannot become one statement (each filter is different), so it still
// sends N, and Prisma compiles a plan for the batch as a whole. Its parameters are shared by
// value across the batch: the plan's shape depends on which requests' values happened to
// coincide, so nearly every batch compiled anew, at 40-220 ms of CPU each. Without them a
// client chart at c10 took a third less CPU (bench:api). A findFirst with the same filter is
// the same lookup (the id is in it), is never batched, and its plan stays cached.
// Lookups by a bare unique key keep findUnique: Prisma turns those into one `IN (...)` query.
import type { PrismaClient } from '../generated/prisma/client.js';
import { getDatamodel } from '../generated/pothos-types.js';

type Where = Record<string, unknown> | undefined;
type Delegate = { findFirst(args: unknown): Promise<unknown>; findFirstOrThrow(args: unknown): Promise<unknown> };

const relations = new Map(
  Object.entries(getDatamodel().datamodel.models).map(([model, { fields }]) => [
    model,
    new Set(fields.filter((field) => field.kind === 'object').map((field) => field.name)),
  ]),
);

/** A filter beyond unique keys: boolean operators or a relation's. */
function filtered(model: string, where: Where): boolean {
  if (!where) return false;
  const relationsOf = relations.get(model);
  return Object.keys(where).some((key) => key === 'AND' || key === 'OR' || key === 'NOT' || relationsOf?.has(key));
}

const clients = new WeakMap<PrismaClient, PrismaClient>();

export function lookupClient(base: PrismaClient): PrismaClient {
  let client = clients.get(base);
  if (client) return client;
  const delegate = (model: string) => (base as unknown as Record<string, Delegate>)[model.charAt(0).toLowerCase() + model.slice(1)]!;
  client = base.$extends({
    query: {
      $allModels: {
        findUnique({ model, args, query }) {
          return filtered(model, args.where as Where) ? delegate(model).findFirst(args) : query(args);
        },
        findUniqueOrThrow({ model, args, query }) {
          return filtered(model, args.where as Where) ? delegate(model).findFirstOrThrow(args) : query(args);
        },
      },
    },
  }) as unknown as PrismaClient;
  clients.set(base, client);
  return client;
}
