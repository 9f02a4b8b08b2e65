// One span per GraphQL operation, named by its type and name ("query Me"), with children for
// parse, validate and execute (or subscribe); Prisma's spans nest under execute. Over HTTP the
// operation is a child of the request's span (http.ts); over a websocket or server-sent events,
// where getEnveloped is called without an HTTP operation around it, the operation span begins
// there and ends with its execution or its refusal.
//
// The span carries the operation's name and type, the request id and the staff id. Errors are
// recorded by the code a client receives (`codeOf`: after masking) and the error's type (its
// class), never by message: messages quote the values they failed on. No resolver spans: one
// per field would cost more than the rest of the trace together.
// Hand-written on @opentelemetry/api and Yoga's instrumentation hooks: @envelop/opentelemetry
// and @graphql-hive/plugin-opentelemetry both record error messages (and the document or the
// full URL), with no option to leave them out.
import { context as otel, SpanStatusCode, trace, type Attributes, type Context as OtelContext, type Span, type Tracer } from '@opentelemetry/api';
import { getOperationAST, type DocumentNode, type ExecutionResult, type GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { loggableOperationName } from '../http/access-log.js';
import { REQUEST_ID_ATTRIBUTE } from './http.js';

interface Operation {
  span: Span;
  ctx: OtelContext;
  /** Begun by getEnveloped itself (websocket, server-sent events): ends with its execution or refusal. */
  owned: boolean;
  ended: boolean;
  name: string | null;
  codes: Set<string>;
  events: number;
}

/** What the tracing reads of Yoga's context (yoga.ts and websocket.ts fill it). */
interface TracedContext {
  request?: Request;
  params?: { operationName?: unknown };
  socketRequestId?: string;
  socketViewer?: { id: string } | null;
  viewer?: { id: string } | null;
}

/** Of one operation: distinct codes kept, and exception events. */
const MAX_ERROR_EVENTS = 10;
/** An error's type as recorded: a class name, else "Error". */
const ERROR_TYPE = /^[A-Za-z_$][\w$.]{0,63}$/;

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

/** Calls `done` once `result` has settled (at once when it is not a promise) and passes it on. */
function settle<T>(result: T, done: () => void): T {
  const then = (result as { then?: unknown } | null | undefined)?.then;
  if (typeof then !== 'function') {
    done();
    return result;
  }
  // Yoga's own promise-likes too (they have `then`, not always `finally`).
  return (result as PromiseLike<unknown>).then(
    (value) => {
      done();
      return value;
    },
    (error: unknown) => {
      done();
      throw error;
    },
  ) as T;
}

export function useTracing(options: { tracer: Tracer; codeOf: (error: unknown) => string }): Plugin {
  const { tracer, codeOf } = options;
  const operations = new WeakMap<object, Operation>();

  function begin(gqlContext: TracedContext, parent: OtelContext, owned: boolean, request = gqlContext.request): Operation {
    const name = loggableOperationName(gqlContext.params?.operationName);
    const requestId = gqlContext.socketRequestId ?? request?.headers.get('x-request-id');
    const attributes: Attributes = {};
    if (name) attributes['graphql.operation.name'] = name;
    if (requestId) attributes[REQUEST_ID_ATTRIBUTE] = requestId;
    if (gqlContext.socketViewer) attributes['casegraph.staff_id'] = gqlContext.socketViewer.id;
    const span = tracer.startSpan('graphql.operation', { attributes }, parent);
    const operation: Operation = { span, ctx: trace.setSpan(parent, span), owned, ended: false, name, codes: new Set(), events: 0 };
    operations.set(gqlContext, operation);
    return operation;
  }

  function end(operation: Operation): void {
    if (operation.ended) return;
    operation.ended = true;
    const { span, codes } = operation;
    if (codes.size > 0) {
      span.setAttribute('casegraph.error_codes', [...codes]);
      span.setAttribute('error.type', [...codes][0]!);
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  }

  function name(operation: Operation | undefined, document: DocumentNode, operationName: unknown): void {
    if (!operation) return;
    const ast = getOperationAST(document, typeof operationName === 'string' ? operationName : undefined);
    operation.name ??= loggableOperationName(ast?.name?.value);
    if (operation.name) operation.span.setAttribute('graphql.operation.name', operation.name);
    if (!ast) return;
    operation.span.setAttribute('graphql.operation.type', ast.operation);
    operation.span.updateName(operation.name ? `${ast.operation} ${operation.name}` : ast.operation);
  }

  /** An error by its client-facing code and its class; never its message or path. */
  function recordError(operation: Operation, error: unknown): void {
    const code = codeOf(error);
    if (operation.codes.size < MAX_ERROR_EVENTS) operation.codes.add(code);
    if (operation.events >= MAX_ERROR_EVENTS) return;
    operation.events += 1;
    const original = (error as GraphQLError).originalError ?? error;
    const type = original instanceof Error && ERROR_TYPE.test(original.name) ? original.name : 'Error';
    operation.span.addEvent('exception', { 'exception.type': type, 'casegraph.error_code': code });
  }

  function recordResult(operation: Operation | undefined, result: unknown): void {
    const errors = (result as ExecutionResult | undefined)?.errors;
    if (!operation || !errors) return;
    for (const error of errors) recordError(operation, error);
  }

  /** Names the operation from its document; the returned hook records its result's errors (not a stream's). */
  function recordOutcome(args: { contextValue: unknown; document: DocumentNode; operationName?: string | null }) {
    const operation = operations.get(args.contextValue as object);
    name(operation, args.document, args.operationName);
    return ({ result }: { result: unknown }) => {
      if (!isAsyncIterable(result)) recordResult(operation, result);
    };
  }

  /** A phase's child span, active while it runs (so that Prisma's spans nest under it). */
  function phase<T>(spanName: string, gqlContext: object, wrapped: () => T, endsOwned: 'always' | 'on-error'): T {
    const operation = operations.get(gqlContext);
    if (!operation) return wrapped();
    const span = tracer.startSpan(spanName, {}, operation.ctx);
    const done = (failed: boolean) => {
      span.end();
      if (operation.owned && (failed || endsOwned === 'always')) end(operation);
    };
    let result: T;
    try {
      result = otel.with(trace.setSpan(operation.ctx, span), wrapped);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      done(true);
      throw error;
    }
    return settle(result, () => done(false));
  }

  return {
    instrumentation: {
      // HTTP: around everything Yoga does with one operation's parameters.
      operation({ context, request }, wrapped) {
        const operation = begin(context as TracedContext, otel.active(), false, request);
        return settle(otel.with(operation.ctx, wrapped), () => end(operation));
      },
      // The websocket and server-sent events call getEnveloped themselves.
      init({ context }, wrapped) {
        if (!operations.has(context)) begin(context as TracedContext, otel.active(), true);
        wrapped();
      },
      parse: ({ context }, wrapped) => phase('graphql.parse', context, wrapped, 'on-error'),
      validate: ({ context }, wrapped) => phase('graphql.validate', context, wrapped, 'on-error'),
      execute: ({ context }, wrapped) => phase('graphql.execute', context, wrapped, 'always'),
      subscribe: ({ context }, wrapped) => phase('graphql.subscribe', context, wrapped, 'always'),
    },
    onParse({ context }) {
      return ({ result }) => {
        const operation = operations.get(context);
        if (!operation) return;
        if (result instanceof Error) recordError(operation, result);
        else if (result && 'definitions' in result) name(operation, result, (context as TracedContext).params?.operationName);
      };
    },
    onValidate({ context }) {
      // Not `valid`: that is graphql's verdict, and the query limits (limits.ts) refuse after it.
      return ({ result }) => {
        const operation = operations.get(context);
        if (!operation || result.length === 0) return;
        for (const error of result) recordError(operation, error);
        // Refused: a websocket's or a stream's operation goes no further.
        if (operation.owned) end(operation);
      };
    },
    onContextBuilding({ context }) {
      return ({ context: built }) => {
        const viewer = (built as TracedContext).viewer;
        if (viewer) operations.get(context)?.span.setAttribute('casegraph.staff_id', viewer.id);
      };
    },
    onExecute: ({ args }) => ({ onExecuteDone: recordOutcome(args) }),
    onSubscribe: ({ args }) => ({ onSubscribeResult: recordOutcome(args) }),
  };
}
