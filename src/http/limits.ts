// Limits before work: a document is measured while it is parsed and validated, before the
// context (authentication) and before any resolver or database statement. Over HTTP, SSE and
// the websocket alike, since all three parse and validate through Yoga's envelop.
//
//   QUERY_TOO_LARGE   more tokens than GRAPHQL_MAX_TOKENS: the parser stops at the first one over,
//                     so a huge document costs no more than a legal one;
//   QUERY_TOO_DEEP    nesting deeper than GRAPHQL_MAX_DEPTH (GraphQL Armor);
//   TOO_MANY_ALIASES  more aliases than GRAPHQL_MAX_ALIASES, `__typename` included (GraphQL Armor);
//   TOO_MANY_DIRECTIVES more than GRAPHQL_MAX_DIRECTIVES (GraphQL Armor);
//   QUERY_TOO_COMPLEX a cost over GRAPHQL_MAX_COST: Pothos's complexity (each field's own weight,
//                     list sizes from the arguments and variables, see docs/CONVENTIONS.md), run as
//                     a validation rule once the document is otherwise valid.
// Introspection: graphql's own MaxIntrospectionDepthRule (a specified rule) refuses nesting such
// as `types { fields { type { fields …` (GRAPHQL_VALIDATION_FAILED); in production it is off.
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { createComplexityRule } from '@pothos/plugin-complexity';
import { GraphQLError, validate, type ASTVisitor, type DocumentNode, type GraphQLSchema, type ValidationContext, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { AppError } from '../errors.js';

export interface QueryLimits {
  maxTokens: number;
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxCost: number;
  /** "Did you mean …" suggestions in validation errors (off in production, like introspection). */
  suggestions: boolean;
}

type Reject = (context: ValidationContext | null, error: GraphQLError) => void;

/** Armor's errors read "Syntax Error: …" and carry no code: the same message, typed. */
function typed(code: string): Reject {
  return (context, error) => {
    const typedError = new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code } });
    // Token counting runs inside the parser, where there is no validation context to report to.
    if (!context) throw typedError;
    context.reportError(typedError);
  };
}

export function useQueryLimits(limits: QueryLimits): Plugin[] {
  return [
    EnvelopArmorPlugin({
      maxTokens: { n: limits.maxTokens, propagateOnRejection: false, onReject: [typed('QUERY_TOO_LARGE')] },
      // Fragments do not add depth: `...on Client { id }` is as deep as `id`.
      maxDepth: { n: limits.maxDepth, flattenFragments: true, propagateOnRejection: false, onReject: [typed('QUERY_TOO_DEEP')] },
      // Armor lets `__typename` aliases through by default: 10,000 of them cost a parse and 200 OK.
      maxAliases: { n: limits.maxAliases, allowList: [], propagateOnRejection: false, onReject: [typed('TOO_MANY_ALIASES')] },
      maxDirectives: { n: limits.maxDirectives, propagateOnRejection: false, onReject: [typed('TOO_MANY_DIRECTIVES')] },
      // The cost is Pothos's (below): Armor's counts only literal `first`/`last` as list sizes.
      costLimit: { enabled: false },
      blockFieldSuggestion: { enabled: !limits.suggestions, mask: '' },
    }),
    useCost(limits.maxCost),
  ];
}

/** Errors of the cost check, which depend on the variables: not the document's to keep. */
const costErrors = new WeakSet<GraphQLError>();

/** Variable sets whose costs are kept per document; longer ones are measured every time. */
const MEASURED_PER_DOCUMENT = 100;
const MEASURED_KEY_LENGTH = 1024;

function useCost(maxCost: number): Plugin {
  // What the check found, per document, by operation name and variables: a cost depends on
  // nothing else (cost functions read arguments only), and measuring walks the whole
  // document, about 5% of a client search's CPU.
  const measured = new WeakMap<DocumentNode, Map<string, readonly GraphQLError[]>>();

  function measure(schema: GraphQLSchema, document: DocumentNode, context: object, variableValues: Record<string, unknown>, operationName?: string) {
    const rule = createComplexityRule({
      context,
      variableValues,
      operationName,
      validate: (cost, report) => {
        if (cost.complexity <= maxCost) return;
        report(
          new GraphQLError(`Query cost of ${cost.complexity} exceeds the limit of ${maxCost}`, {
            extensions: { code: 'QUERY_TOO_COMPLEX', cost: cost.complexity, maxCost },
          }),
        );
      },
    });
    const errors = validate(schema, document, [guarded(rule)]);
    for (const error of errors) costErrors.add(error);
    return errors;
  }

  return {
    onValidate({ context, params: { schema, documentAST } }) {
      // Measured once the document is otherwise valid: an unknown field is graphql's to report.
      // Yoga caches a document's validation result (with whatever this hook set) and hands it
      // to the next request with the same text: the cost is this request's, by its variables.
      return ({ result, setResult }) => {
        const documentErrors = result.filter((error) => !costErrors.has(error));
        if (documentErrors.length > 0) return setResult(documentErrors);
        const request = (context as { params?: { variables?: Record<string, unknown>; operationName?: string | null } }).params;
        const variableValues = request?.variables ?? {};
        const operationName = request?.operationName ?? undefined;
        const key = `${operationName ?? ''}\0${JSON.stringify(variableValues)}`;
        if (key.length > MEASURED_KEY_LENGTH) return setResult([...measure(schema, documentAST, context, variableValues, operationName)]);
        let known = measured.get(documentAST);
        if (!known) measured.set(documentAST, (known = new Map()));
        let errors = known.get(key);
        if (!errors) {
          errors = measure(schema, documentAST, context, variableValues, operationName);
          if (known.size >= MEASURED_PER_DOCUMENT) known.delete(known.keys().next().value!);
          known.set(key, errors);
        }
        setResult([...errors]);
      };
    },
  };
}

/**
 * A field's cost may read its arguments (a page size, a global id): input that fails there is
 * reported as what it is (e.g. a malformed id, too many ids), rather than thrown out of
 * validation as a 500; the document is refused either way, since its cost is unknown.
 */
function guarded(rule: ValidationRule): ValidationRule {
  return (context) => {
    const visitor = rule(context) as { OperationDefinition?: { enter?: (...a: unknown[]) => unknown; leave?: (...a: unknown[]) => unknown } };
    const enter = visitor.OperationDefinition?.enter;
    if (!enter) return visitor as ASTVisitor;
    return {
      ...visitor,
      OperationDefinition: {
        ...visitor.OperationDefinition,
        enter: (...args: unknown[]) => {
          try {
            return enter(...args);
          } catch (error) {
            if (!(error instanceof AppError)) throw error;
            context.reportError(new GraphQLError(error.message, { extensions: { code: error.code } }));
            return undefined;
          }
        },
      },
    } as ASTVisitor;
  };
}
