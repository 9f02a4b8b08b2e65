// What makes a query "expensive" for the per-staff budget (RATE_LIMIT_EXPENSIVE_QUERIES): one
// point per occurrence of a field that searches, matches or aggregates, counted in the document
// (aliases and fragments included) before execution. Kept apart from the cost analysis of the
// query limits on purpose: that one refuses a single oversized query, this one a stream of
// reasonable ones; change what counts here only.
import { getOperationAST, Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';

/** Fields whose every occurrence costs a point. */
const EXPENSIVE_FIELDS = new Set([
  'network', 'reports', 'findDuplicateClients', 'providerOptions', 'accessReport',
  'statistics', 'sharedCaregivers', 'providersServingHighRiskClients', 'referralPathways',
]);

export interface OperationWeight {
  kind: 'query' | 'mutation' | 'subscription' | null;
  /** Points for the expensive-query budget (0: not expensive). */
  expensive: number;
}

export function operationWeight(document: DocumentNode, operationName?: string | null, variables?: Record<string, unknown> | null): OperationWeight {
  const operation = getOperationAST(document, operationName);
  if (!operation) return { kind: null, expensive: 0 };
  if (operation.operation !== 'query') return { kind: operation.operation, expensive: 0 };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const seen = new Set<string>();
  const count = (set: SelectionSetNode): number => {
    let points = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const searches = selection.arguments?.some((arg) => arg.name.value === 'search' || (arg.name.value === 'filter' && hasSearch(arg.value, variables)));
        if (EXPENSIVE_FIELDS.has(selection.name.value) || searches) points += 1;
        if (selection.selectionSet) points += count(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        points += count(selection.selectionSet);
      } else {
        // Each named fragment once: cycles are refused by validation, this keeps us safe anyway.
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (fragment && !seen.has(name)) {
          seen.add(name);
          points += count(fragment.selectionSet);
          seen.delete(name);
        }
      }
    }
    return points;
  };
  return { kind: 'query', expensive: count(operation.selectionSet) };
}

/** A filter with a `search` (literal or variable): a trigram search of names and identifiers. */
function hasSearch(value: ValueNode, variables: Record<string, unknown> | null | undefined): boolean {
  if (value.kind === Kind.VARIABLE) {
    const given = variables?.[value.name.value];
    return typeof given === 'object' && given !== null && (given as { search?: unknown }).search != null;
  }
  return value.kind === Kind.OBJECT && value.fields.some((field) => field.name.value === 'search');
}
