// One access-log line per GraphQL request (HTTP) or operation (websocket): request id, staff id,
// operation name and type, HTTP status, error codes, duration. Never the URL (GET carries the
// query and variables in its query string), the document, variables or error messages.
import { getOperationAST, type DocumentNode, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import type { Logger } from '../logger.js';
import type { RequestOutcome } from './metrics.js';

interface Entry {
  start: number;
  operationName?: string | null;
  operationType?: string;
  staffId?: string;
  errorCodes: Set<string>;
}

const MAX_CODES = 10;
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;

/** An operation name as logged: a GraphQL name of at most 100 characters, else a placeholder. */
export function loggableOperationName(name: unknown): string | null {
  if (name === undefined || name === null || name === '') return null;
  return typeof name === 'string' && OPERATION_NAME.test(name) ? name : '(invalid)';
}

function collectCodes(result: unknown, into: Set<string>): void {
  const results = Array.isArray(result) ? result : [result];
  for (const one of results) {
    const errors = (one as ExecutionResult | undefined)?.errors;
    if (!Array.isArray(errors)) continue;
    for (const error of errors) {
      if (into.size >= MAX_CODES) return;
      const code = error.extensions?.code;
      into.add(typeof code === 'string' ? code : 'NO_CODE');
    }
  }
}

/** The operation's type, and its name from the document when the request named none. */
function operationOf(document: DocumentNode, operationName: string | null | undefined) {
  const operation = getOperationAST(document, operationName);
  return { type: operation?.operation, name: loggableOperationName(operationName ?? operation?.name?.value) };
}

type OperationContext = Partial<Context> & { request?: Request };

const durationSince = (start: number) => Math.round((performance.now() - start) * 10) / 10;

export function useAccessLog(options: { log: Logger; requestIdFor: (request: Request) => string; observe?: (outcome: RequestOutcome) => void }): Plugin {
  const { log, requestIdFor, observe } = options;
  const entries = new WeakMap<Request, Entry>();

  /** Tells an HTTP request's entry its operation; false over a websocket (no request). */
  const noteOperation = (ctx: OperationContext, operationType: string | undefined, operationName: string | null): boolean => {
    const entry = ctx.request ? entries.get(ctx.request) : undefined;
    if (!entry) return false;
    entry.operationName = operationName;
    entry.operationType = operationType;
    entry.staffId = ctx.viewer?.id;
    return true;
  };

  /** A websocket operation's line, written with its result's codes once `done(result)` is called. */
  const wsLine = (ctx: OperationContext, fields: Record<string, unknown>, message: string) => {
    const start = performance.now();
    return (result: unknown) => {
      const errorCodes = new Set<string>();
      collectCodes(result, errorCodes);
      (ctx.log ?? log).info({ ...fields, transport: 'ws', errorCodes: [...errorCodes], durationMs: durationSince(start) }, message);
    };
  };
  return {
    onRequest({ request }) {
      entries.set(request, { start: performance.now(), errorCodes: new Set() });
    },
    onParams({ params, request }) {
      const entry = entries.get(request);
      if (entry) entry.operationName = loggableOperationName(params.operationName);
    },
    // A document refused at validation (limits, a bad argument) is never executed: its type
    // comes from the parsed document.
    onParse({ context }) {
      const request = (context as { request?: Request }).request;
      return ({ result }) => {
        const entry = request ? entries.get(request) : undefined;
        if (!entry || !result || result instanceof Error || !('definitions' in result)) return;
        entry.operationType ??= operationOf(result, entry.operationName).type;
      };
    },
    onContextBuilding({ context }) {
      const request = (context as { request?: Request }).request;
      return ({ context: built }) => {
        const entry = request ? entries.get(request) : undefined;
        if (entry) entry.staffId ??= (built as Partial<Context>).viewer?.id;
      };
    },
    onExecute({ args }) {
      const ctx = args.contextValue as OperationContext;
      const { type: operationType, name: operationName } = operationOf(args.document, args.operationName);
      if (noteOperation(ctx, operationType, operationName)) return undefined;
      // A query or mutation over the websocket: one line when it is done.
      const done = wsLine(ctx, { operationType, operationName }, 'graphql operation');
      return { onExecuteDone: ({ result }) => done(result) };
    },
    onSubscribe({ args }) {
      const ctx = args.contextValue as OperationContext;
      if (noteOperation(ctx, 'subscription', loggableOperationName(args.operationName))) return undefined;
      const done = wsLine(ctx, { operationType: 'subscription' }, 'graphql subscription started');
      return { onSubscribeResult: ({ result }) => done(result) };
    },
    onResultProcess({ request, result }) {
      const entry = entries.get(request);
      if (entry) collectCodes(result, entry.errorCodes);
    },
    onResponse({ request, response }) {
      const entry = entries.get(request);
      if (!entry) return;
      entries.delete(request);
      const outcome = {
        operationName: entry.operationName,
        operationType: entry.operationType,
        status: response.status,
        errorCodes: [...entry.errorCodes],
        durationMs: durationSince(entry.start),
      };
      observe?.(outcome);
      log.info({ requestId: requestIdFor(request), staffId: entry.staffId, method: request.method, ...outcome }, 'graphql request');
    },
  };
}
