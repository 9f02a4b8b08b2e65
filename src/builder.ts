// The Pothos builder: plugins, context, scalars and root types. No domain types here.
import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import ValidationPlugin from '@pothos/plugin-validation';
import { GraphQLError } from 'graphql';
import { DateResolver, DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { StaffRole } from './generated/prisma/enums.js';
import type PrismaTypes from './generated/pothos-types.js';
import { getDatamodel } from './generated/pothos-types.js';
import type { Context } from './context.js';
import { prisma } from './db.js';
import { lookupClient } from './db/lookups.js';
import { hasRole, UUID } from './auth/viewer.js';
import { ValidationError } from './errors.js';
import { resolveNode, resolveNodes } from './schema/node-lookup.js';
import { DEFAULT_LIST_MULTIPLIER, nodeIdCount } from './schema/cost.js';
import TextInputsPlugin from './schema/inputs/text.js';

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: {
    authenticated: boolean;
    role: StaffRole;
    /** Analysts and supervisors read de-identified statistics of their organization. */
    reports: boolean;
  };
  AuthContexts: {
    authenticated: Context & { viewer: NonNullable<Context['viewer']> };
  };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    Date: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
    ID: { Input: string; Output: string | number | bigint };
  };
  DefaultFieldNullability: false;
}>({
  defaultFieldNullability: false,
  plugins: [
    ScopeAuthPlugin,
    PrismaPlugin,
    RelayPlugin,
    ErrorsPlugin,
    // Control characters and lengths of every String/ID input (src/schema/inputs/text.ts).
    TextInputsPlugin,
    ValidationPlugin,
    DataloaderPlugin,
    ComplexityPlugin,
    // After ComplexityPlugin, so that it runs first: page sizes as connections' costs.
    'connectionCost',
  ],
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (context) => ({
      authenticated: !!context.viewer,
      role: (role) => hasRole(context.viewer, role),
      reports: hasRole(context.viewer, 'ANALYST', 'SUPERVISOR'),
    }),
    unauthorizedError: (_parent, context) =>
      context.viewer
        ? new GraphQLError('You are not allowed to do this', { extensions: { code: 'FORBIDDEN' } })
        : new GraphQLError('Authentication required: send "Authorization: Bearer <token>"', {
            extensions: { code: 'UNAUTHENTICATED' },
          }),
  },
  prisma: {
    // Its single-record loads as findFirst: never batched across requests (db/lookups.ts).
    client: () => lookupClient(prisma),
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    // A resolver that forgets to spread `query` falls back to one query per parent: fail
    // tests on it, warn in development.
    onUnusedQuery: process.env.NODE_ENV === 'test' ? 'error' : process.env.NODE_ENV === 'production' ? null : 'warn',
  },
  relay: {
    // A forbidden record answers NOT_FOUND like a missing one; the attempt is audited.
    nodeQueryOptions: { resolve: (_root, args, context, _info, load) => resolveNode(context, args.id, () => load(args.id)) },
    // Refused when the document is validated (the cost rule reads it), before any lookup.
    nodesQueryOptions: {
      complexity: (args) => ({ field: 1, multiplier: nodeIdCount(args.ids) }),
      resolve: (_root, args, context, info) => (nodeIdCount(args.ids), resolveNodes(context, info, args.ids)),
    },
    clientMutationId: 'omit',
    cursorType: 'String',
    encodeGlobalID: (typename, id) => Buffer.from(`${typename}:${id}`).toString('base64'),
    // A malformed id is bad input (a typed error naming it), not a database error.
    decodeGlobalID: (globalID) => {
      const decoded = Buffer.from(globalID, 'base64').toString('utf8');
      const separator = decoded.indexOf(':');
      const typename = decoded.slice(0, separator);
      const id = decoded.slice(separator + 1);
      if (separator < 1 || !UUID.test(id)) throw new ValidationError(`"${globalID}" is not a valid id`, 'id');
      return { typename, id };
    },
  },
  errors: {
    defaultTypes: [],
    // `openCase` returns `Case | InputValidationError | InvalidTransition | ...` directly.
    directResult: true,
    defaultUnionOptions: { name: ({ fieldName }) => `${fieldName[0]!.toUpperCase()}${fieldName.slice(1)}Result` },
    // Validation failures become typed InputValidationError results. They name only what
    // was wrong with the input, so answering them before authorization leaks nothing.
    unsafelyHandleInputErrors: true,
  },
  // Costs are checked when a document is validated, before any resolver (src/http/limits.ts);
  // no `limit` here, which would only check inside root resolvers, after parse and validate.
  complexity: { defaultComplexity: 1, defaultListMultiplier: DEFAULT_LIST_MULTIPLIER },
});

builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('Date', DateResolver);
builder.addScalarType('JSON', JSONResolver);

// Every root field needs an authenticated staff member; introspection does not.
builder.queryType({ authScopes: { authenticated: true } });
builder.mutationType({ authScopes: { authenticated: true } });
// The Subscription root type belongs with the subscriptions (src/schema/realtime/), since a
// Subscription type without fields is invalid: define it there the same way, with
// `authScopes: { authenticated: true }`.
