// What a field costs in the query cost limit (GRAPHQL_MAX_COST, src/http/limits.ts), in units of
// one row read. Pothos's complexity: a field's cost plus its selection's cost times the field's
// multiplier (how many times the selection runs). See docs/CONVENTIONS.md, "Costing a field".
import { ValidationError } from '../errors.js';
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';

export const COST = {
  /** A trigram search over a whole organization's clients, on top of the page. */
  search: 100,
  /** One aggregate statistic over an organization's year (each `Reports` field is one). */
  statistic: 500,
  /** Ranking a need's services with their past referrals (providerOptions). */
  providerRanking: 100,
  /** `Client.network` by depth: the graph grows about threefold per hop. */
  networkByDepth: [0, 100, 300, 1000] as const,
} as const;

/** `nodes(ids)` looks each id up on its own: at most this many per request. */
export const MAX_NODE_IDS = 100;

/** The number of ids `nodes` will look up; more is bad input, named. */
export function nodeIdCount(ids: readonly unknown[]): number {
  if (ids.length > MAX_NODE_IDS) {
    throw new ValidationError(`nodes(ids:) takes at most ${MAX_NODE_IDS} ids; got ${ids.length}`, 'ids');
  }
  return ids.length;
}

/** The prisma plugin's connection page: 20 unless asked, at most 100. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** A list without a size argument. */
export const DEFAULT_LIST_MULTIPLIER = 10;

/** How many rows a connection's selection runs for: its page size. */
export function pageSize(args: { first?: unknown; last?: unknown }): number {
  const asked = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : DEFAULT_PAGE_SIZE;
  return Math.min(Math.max(asked, 0), MAX_PAGE_SIZE);
}

/**
 * Connections cost their page: a field with a `first` argument and no `complexity` of its own
 * multiplies its selection by the page size, and its `edges` count once each (not as a list of
 * unknown length). Runs before the complexity plugin (listed after it), which stores the result.
 */
export class ConnectionCostPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    const options = fieldConfig.pothosOptions as { complexity?: unknown };
    if (options.complexity !== undefined) return fieldConfig;
    const isEdges = fieldConfig.name === 'edges' && fieldConfig.type.kind === 'List' && fieldConfig.parentType.endsWith('Connection');
    const complexity = 'first' in fieldConfig.args ? connectionCost : isEdges ? { field: 1, multiplier: 1 } : undefined;
    if (!complexity) return fieldConfig;
    return { ...fieldConfig, pothosOptions: { ...fieldConfig.pothosOptions, complexity } } as PothosOutputFieldConfig<Types>;
  }
}

function connectionCost(args: { first?: unknown; last?: unknown }) {
  return { field: 1, multiplier: pageSize(args) };
}

SchemaBuilder.registerPlugin('connectionCost', ConnectionCostPlugin);

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      connectionCost: ConnectionCostPlugin<Types>;
    }
  }
}
