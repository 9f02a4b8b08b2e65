// The canonical operations (bench/operations/*.graphql), shared by the API benchmark and the
// statement-count test (test/performance/canonical-operations.test.ts).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const OPERATIONS_DIR = fileURLToPath(new URL('../operations/', import.meta.url));

/** In the order the benchmark runs and prints them. */
export const CANONICAL_OPERATIONS = [
  'caseload-dashboard',
  'client-search',
  'client-chart',
  'crisis-board',
  'reports',
  'record-interaction',
  'raise-crisis',
] as const;

export type CanonicalOperation = (typeof CANONICAL_OPERATIONS)[number];

export interface OperationDocument {
  file: string;
  /** The document's text, comments included (GraphQL ignores them). */
  query: string;
  /** The operation's name, sent as operationName. */
  operationName: string;
  kind: 'query' | 'mutation';
}

export function loadOperation(name: CanonicalOperation): OperationDocument {
  const file = `${OPERATIONS_DIR}${name}.graphql`;
  const query = readFileSync(file, 'utf8');
  const match = /^\s*(query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)/m.exec(query);
  if (!match) throw new Error(`${file}: no named query or mutation`);
  return { file, query, operationName: match[2]!, kind: match[1] as 'query' | 'mutation' };
}

/** The Relay global id the API uses for a row (base64 of `Type:id`). */
export function globalId(typename: string, id: string): string {
  return Buffer.from(`${typename}:${id}`).toString('base64');
}

export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

/** The typename a mutation must answer with to count as done (anything else is a typed error). */
export const MUTATION_RESULT: Partial<Record<CanonicalOperation, { field: string; typename: string }>> = {
  'record-interaction': { field: 'recordInteraction', typename: 'Interaction' },
  'raise-crisis': { field: 'raiseCrisis', typename: 'CrisisEvent' },
};

/**
 * Why an answer is not a success, or null: GraphQL errors, no data, an empty top-level field,
 * or a mutation answered with a typed error.
 */
export function problemWith(name: CanonicalOperation | 'floor', body: GraphQLBody): string | null {
  if (body.errors?.length) return `errors: ${JSON.stringify(body.errors).slice(0, 1500)}`;
  if (!body.data || Object.keys(body.data).length === 0) return 'no data';
  for (const [field, value] of Object.entries(body.data)) {
    if (value === null || value === undefined) return `data.${field} is null`;
  }
  if (name === 'floor') return null;
  const mutation = MUTATION_RESULT[name];
  if (mutation) {
    const result = body.data[mutation.field] as { __typename?: string } | undefined;
    if (result?.__typename !== mutation.typename) return `${mutation.field} answered ${JSON.stringify(result).slice(0, 1500)}`;
  }
  return null;
}
