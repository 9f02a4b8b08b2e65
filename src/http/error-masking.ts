// What a client sees of an error, and which errors are logged: one definition for Yoga's
// masking and error handler (yoga.ts) and for subscription results the websocket server writes
// itself (ws-delivery.ts), which do not pass through Yoga's per-result hooks.
import { maskError } from 'graphql-yoga';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { isStatementTimeout, Prisma } from '../db.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { AppError } from '../errors.js';
import type { Context } from '../context.js';
import type { Logger } from '../logger.js';
import { withCode } from './error-codes.js';

export const UNEXPECTED_ERROR = 'Unexpected error.';

/**
 * Expected failures keep their message and code; anything else reaches clients as
 * "Unexpected error." only, and the log has the detail under the request id.
 */
export function exposeExpectedErrors(error: unknown, message: string): Error {
  const original = error instanceof GraphQLError ? error.originalError : error;
  const at = error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {};
  if (original instanceof AppError) {
    return new GraphQLError(original.message, { ...at, extensions: { code: original.code } });
  }
  // A node lookup (node, nodes, a refetch) that finds nothing the viewer may see: the same
  // answer whether the record is missing or forbidden.
  if (isRecordNotFound(original)) {
    return new GraphQLError('Not found, or not yours to see', { ...at, extensions: { code: 'NOT_FOUND' } });
  }
  // The database is down, restarting or its pool exhausted: typed and retryable, not masked.
  if (isDatabaseUnavailable(original)) {
    return new GraphQLError('The database is unavailable: retry shortly', { ...at, extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } } });
  }
  if (isStatementTimeout(original)) {
    return new GraphQLError('The database took too long to answer: ask for less (a smaller page, fewer fields)', {
      ...at,
      extensions: { code: 'QUERY_TIMEOUT' },
    });
  }
  // A bad cursor or page size (Pothos), a variable of the wrong type: typed like our own.
  const masked = maskError(error, message, false);
  return masked instanceof GraphQLError ? withCode(masked, 'execute') : masked;
}

/** The `extensions.code` a client receives for `error` once masked (tracing records it by this). */
export function clientCodeOf(error: unknown): string {
  const code = (error instanceof GraphQLError && error.extensions?.code ? error : exposeExpectedErrors(error, UNEXPECTED_ERROR)) as GraphQLError;
  return typeof code.extensions?.code === 'string' ? code.extensions.code : 'INTERNAL_SERVER_ERROR';
}

function isRecordNotFound(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025';
}

/** Logs the errors of an operation that are incidents, with its request id and no message text. */
export function logUnexpectedErrors(errors: readonly Error[], ctx: Partial<Context>, log: Logger): void {
  for (const error of errors) {
    const original = error instanceof GraphQLError ? error.originalError : error;
    // Expected failures (GraphQLErrors we raised, typed results) are not incidents.
    if (original && isDatabaseUnavailable(original)) {
      (ctx.log ?? log).warn({ requestId: ctx.requestId, code: (original as { code?: unknown }).code }, 'database unavailable');
    } else if (original && !(original instanceof GraphQLError) && !(original instanceof AppError) && !isRecordNotFound(original)) {
      (ctx.log ?? log).error({ err: original, requestId: ctx.requestId }, 'unexpected error in request');
    }
  }
}

/** A result as Yoga's masking and error handler leave it: incidents logged, errors masked. */
export function processedResult(result: ExecutionResult, ctx: Partial<Context>, log: Logger): ExecutionResult {
  if (!result.errors?.length) return result;
  logUnexpectedErrors(result.errors, ctx, log);
  return { ...result, errors: result.errors.map((error) => exposeExpectedErrors(error, UNEXPECTED_ERROR) as GraphQLError) };
}
