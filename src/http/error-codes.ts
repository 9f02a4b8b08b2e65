// Every error a client receives carries `extensions.code`, so that a client can tell what went
// wrong without reading messages:
//   GRAPHQL_PARSE_FAILED       the document is not GraphQL;
//   GRAPHQL_VALIDATION_FAILED  it does not fit the schema (an unknown field, a wrong argument);
//   BAD_USER_INPUT             a variable or argument value is wrong (a bad cursor, a page size);
//   BAD_REQUEST                the HTTP request itself is wrong (no query, bad JSON, a batch);
// and the codes of src/http/limits.ts, src/http/lockdown.ts and src/errors.ts.
import { PothosValidationError } from '@pothos/core';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const isVariableError = (error: GraphQLError) => /^Variable "\$[^"]+" /.test(error.message);

/** The code of an error that has none, by where it came from. */
export function codeFor(error: GraphQLError, phase: 'parse' | 'validate' | 'execute' | 'request'): string {
  if (error.originalError instanceof PothosValidationError || error instanceof PothosValidationError) return 'BAD_USER_INPUT';
  if (isVariableError(error)) return 'BAD_USER_INPUT';
  if (phase === 'parse' || error.message.startsWith('Syntax Error')) return 'GRAPHQL_PARSE_FAILED';
  if (phase === 'validate') return 'GRAPHQL_VALIDATION_FAILED';
  if (phase === 'request') return 'BAD_REQUEST';
  return 'BAD_USER_INPUT';
}

export function withCode(error: GraphQLError, phase: Parameters<typeof codeFor>[1]): GraphQLError {
  if (error.extensions?.code) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code: codeFor(error, phase) },
  });
}

/** Parse and validation errors, typed where they arise (HTTP, SSE and the websocket alike). */
export function useErrorCodes(): Plugin {
  return {
    onParse() {
      return ({ result, replaceParseResult }) => {
        if (result instanceof GraphQLError) replaceParseResult(withCode(result, 'parse'));
      };
    },
    onValidate() {
      return ({ valid, result, setResult }) => {
        if (!valid) setResult(result.map((error) => withCode(error, 'validate')));
      };
    },
    // What yoga refuses before parsing (no query, bad JSON, a batch), over HTTP.
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || !result || typeof result !== 'object' || !('errors' in result) || !result.errors?.length) return;
      const errors = result.errors as readonly GraphQLError[];
      if (errors.every((error) => error.extensions?.code)) return;
      setResult({ ...result, errors: errors.map((error) => (error instanceof GraphQLError ? withCode(error, 'request') : error)) });
    },
  };
}
