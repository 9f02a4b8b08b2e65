// node(id) and nodes(ids): a forbidden record answers NOT_FOUND exactly like a missing one, so an
// outsider learns nothing, yet the attempt on a client's record is written to the audit trail
// as ACCESS_DENIED, like a denied mutation. nodes(ids) loads each id on its own: one id that is
// missing or forbidden nulls its own entry (with its error), not the whole list.
import type { GraphQLResolveInfo } from 'graphql';
import { clientsOf } from '../audit/read-audit.js';
import type { Context } from '../context.js';
import { NotFoundError } from '../errors.js';

type GlobalId = { typename: string; id: string };

/** After a lookup failed: if the record exists, the viewer was denied it. */
async function auditIfDenied(context: Context, { typename, id }: GlobalId): Promise<void> {
  if (!context.viewer) return;
  const clients = await clientsOf(typename, [id]);
  if (!clients.has(id)) return;
  context.audit.add({ action: 'ACCESS_DENIED', entityType: typename, entityId: id, clientId: clients.get(id) ?? null });
}

async function audited<T>(context: Context, globalId: GlobalId, load: () => T | Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    await auditIfDenied(context, globalId);
    throw error;
  }
}

/** The `node` field's resolver around the relay plugin's own lookup. */
export function resolveNode(context: Context, id: GlobalId, load: () => unknown): Promise<unknown> {
  return audited(context, id, load);
}

/** The `nodes` field's resolver: each id through its type's node loader, on its own. */
export function resolveNodes(context: Context, info: GraphQLResolveInfo, ids: readonly GlobalId[]): Array<Promise<unknown>> {
  return ids.map((globalId) =>
    audited(context, globalId, () => {
      const options = info.schema.getType(globalId.typename)?.extensions?.pothosOptions as
        | { loadWithoutCache?: (id: string, context: Context, info: GraphQLResolveInfo) => unknown }
        | undefined;
      if (!options?.loadWithoutCache) throw new NotFoundError(globalId.typename, globalId.id);
      return options.loadWithoutCache(globalId.id, context, info);
    }),
  );
}
