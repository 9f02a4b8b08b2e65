// Subscription events executed once per staff member and operation, not once per subscriber.
//
// graphql-js (and Yoga's executor) run a subscription as a source stream (the `subscribe`
// resolver: src/schema/realtime/live.ts, one per subscriber, with its own access checks) mapped
// through a full execution of the operation for every event and every subscriber. 10,000 wall
// boards of 20 staff members asking the same fields made 10,000 identical executions per event.
// Here the source stream is created as before, but each event that passed the subscriber's own
// checks is executed through a memo keyed by
//   - the delivery's audience: the event, the staff member, and the load of that staff member
//     it was checked against (src/realtime/viewer.ts), and
//   - the operation: the document's text, the operation name and the variables, except one
//     used only as the subscription field's `afterEventId` (where a stream starts says nothing
//     about what an event looks like),
// for the duration of one event's fan-out (the memo's TTL). The execution runs with a context of
// its own whose viewer is that staff member as they are for this event, so nothing of one
// subscriber's connection leaks into what another receives, and a result computed for one staff
// member is never handed to another. Every subscriber still gets only events it passed its own
// checks for, in its own stream's order, and its own read-audit rows (audit.ts). The same result
// object goes to every subscriber of the group, so the websocket server serializes it once: a
// plugin's per-result hook must replace a result (setResult), never change it in place (Yoga's
// error masking replaces it).
import { createHash } from 'node:crypto';
import {
  createSourceEventStream,
  execute,
  getOperationAST,
  GraphQLError,
  Kind,
  print,
  visit,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type OperationDefinitionNode,
  type VariableNode,
} from 'graphql';
import { AuditBuffer, withClients, type AuditedAccess } from '../audit/read-audit.js';
import type { Viewer } from '../auth/viewer.js';
import type { Context } from '../context.js';
import type { AuditBatcher } from './audit.js';
import type { Memo } from './memo.js';
import type { RealtimeContext } from './plugin.js';
import { CheckedStream } from './checked-stream.js';

/** What a shared execution leaves for each subscriber of its group. */
interface SharedExecution {
  result: ExecutionResult;
  /** The reads it made, resolved to their clients: each subscriber's delivery records them. */
  reads: AuditedAccess[];
}

/** A source event that may be shared: produced by live() only (src/schema/realtime/live.ts). */
interface SharedPayload {
  viewer: Viewer;
  audience: string;
}

function sharedPayload(payload: unknown): SharedPayload | null {
  const candidate = payload as Partial<SharedPayload> | null;
  return candidate && typeof candidate.audience === 'string' && typeof candidate.viewer?.id === 'string' ? (candidate as SharedPayload) : null;
}

export interface SharedSubscriptionStats {
  /** Executions of an event (one per group). */
  executed: number;
  /** Deliveries that took their result from an execution (one per subscriber and event). */
  delivered: number;
}

/** What the streams of one runtime share. */
interface Shared {
  memo: Memo;
  audit: AuditBatcher;
  stats: SharedSubscriptionStats;
}

export function createSharedSubscriptions(options: { memo: Memo; audit: AuditBatcher }) {
  const shared: Shared = { ...options, stats: { executed: 0, delivered: 0 } };
  /** Each subscription's stream by its context (one subscription per context). */
  const streams = new WeakMap<object, SharedStream>();
  return {
    stats: shared.stats,

    /**
     * The results of the subscription of `context` as this module makes them, before Yoga's
     * per-result hooks wrap them: for a transport that applies what those hooks do once per
     * result object rather than once per subscriber (src/http/ws-delivery.ts).
     */
    streamOf(context: object): AsyncIterator<ExecutionResult> | undefined {
      return streams.get(context);
    },

    /**
     * Replaces Yoga's subscribe (plugin.ts): the source stream as graphql-js creates it, each
     * event then executed once per group, and the read audit of each delivery written before
     * the result is handed on.
     */
    async subscribe(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
      const source = await createSourceEventStream(args);
      if (!(Symbol.asyncIterator in source)) return asRequestErrors(source);
      const stream = new SharedStream(shared, args, source as AsyncIterable<unknown>);
      streams.set(args.contextValue as object, stream);
      return stream;
    },
  };
}

export type SharedSubscriptions = ReturnType<typeof createSharedSubscriptions>;

/** The one execution of an event for a group (memoized by SharedStream). */
async function executeOnce(stats: SharedSubscriptionStats, args: ExecutionArgs, payload: SharedPayload): Promise<SharedExecution> {
  stats.executed += 1;
  const subscriber = args.contextValue as Context & RealtimeContext;
  // Everything of the context is the subscriber's staff member's (the key holds the staff
  // member); what is the subscriber's own is left out: its connection, and its read buffer.
  const context: Context & RealtimeContext = {
    ...subscriber,
    viewer: payload.viewer,
    audit: new AuditBuffer(),
    realtimeConnection: undefined,
  };
  const result = await execute({ ...args, rootValue: payload, contextValue: context });
  return { result, reads: await withClients(context.audit.drain()) };
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

/**
 * Errors before the stream starts (bad variables, unknown operation) are the client's, as Yoga's
 * executor reports them; errors of the `subscribe` resolver carry its path and stay as they are.
 */
function asRequestErrors(result: ExecutionResult): ExecutionResult {
  for (const error of result.errors ?? []) {
    if (error.path) continue;
    const extensions = error.extensions as Record<string, unknown>;
    extensions.code ??= 'BAD_USER_INPUT';
    extensions.http = { ...(extensions.http as object | undefined), status: 400 };
  }
  return result;
}

/**
 * A subscriber's results: its source events, executed one at a time, in order. A live() source
 * (CheckedStream) is read straight from its event stream with its check applied here: one
 * waiting layer per subscriber fewer, which at 10,000 subscribers is much of the garbage an
 * event leaves behind. Everything is a field or a method, no closure per subscriber or event.
 */
class SharedStream implements AsyncIterableIterator<ExecutionResult> {
  private readonly source: AsyncIterator<unknown>;
  private readonly checked: CheckedStream<unknown> | undefined;
  /** What, besides the audience, makes this subscription's executions the same as others'. */
  private readonly key: string;
  private readonly operation: OperationDefinitionNode | null | undefined;

  constructor(
    private readonly shared: Shared,
    private readonly args: ExecutionArgs,
    source: AsyncIterable<unknown>,
  ) {
    this.source = source[Symbol.asyncIterator]();
    this.checked = this.source instanceof CheckedStream ? this.source : undefined;
    this.key = operationKey(args);
    this.operation = getOperationAST(args.document, args.operationName);
    // An SSE request that goes away ends its stream (Yoga's executor does the same).
    (args as { signal?: AbortSignal }).signal?.addEventListener('abort', this, { once: true });
  }

  /** The abort signal's listener. */
  handleEvent(): void {
    void this.return();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<ExecutionResult>> {
    try {
      for (;;) {
        let payload: unknown;
        if (this.checked) {
          const step = await this.checked.stream.next();
          if (step.done) return { value: undefined, done: true };
          payload = this.checked.checker.check(step.value);
          if (isThenable(payload)) payload = await payload;
          if (payload === null) continue;
        } else {
          const step = await this.source.next();
          if (step.done) return { value: undefined, done: true };
          payload = step.value;
        }
        const group = sharedPayload(payload);
        if (!group) return { value: await this.alone(payload), done: false };
        // In this frame rather than a method of its own: one promise less per delivery.
        let execution = this.execution(group);
        if (isThenable(execution)) execution = await execution;
        this.shared.stats.delivered += 1;
        // Written before the result is handed on: nothing leaves unaudited.
        const stored = this.shared.audit.recordShared(this.args.contextValue as Context, execution.reads);
        if (stored) await stored;
        return { value: execution.result, done: false };
      }
    } catch (error) {
      await this.source.return?.();
      // As Yoga's executor reports a failing stream: located on the operation.
      throw new GraphQLError((error as Error).message, { originalError: error as Error, nodes: this.operation ? [this.operation] : undefined });
    }
  }

  /** The group's execution, made by whichever subscriber comes first. */
  private execution(payload: SharedPayload): SharedExecution | Promise<SharedExecution> {
    const { memo, stats } = this.shared;
    return memo.now(`${payload.audience}|${this.key}`, executeOnce, stats, this.args, payload);
  }

  /** Not a live() event: executed for this subscriber alone, as graphql-js would. */
  private async alone(payload: unknown): Promise<ExecutionResult> {
    const result = await execute({ ...this.args, rootValue: payload });
    await this.shared.audit.record(this.args.contextValue as Context);
    return result;
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    await this.source.return?.();
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<ExecutionResult>> {
    await this.source.return?.();
    throw error;
  }
}

// ---------------------------------------------------------------- operation keys

interface DocumentFacts {
  /** A digest of the document's text. */
  digest: string;
  /** Variables whose value can change a result: all but those used only as a root afterEventId. */
  relevant: readonly string[];
}

const documents = new WeakMap<DocumentNode, DocumentFacts>();

function factsOf(document: DocumentNode): DocumentFacts {
  let facts = documents.get(document);
  if (facts) return facts;
  const startsOnly = new Set<VariableNode>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION || definition.operation !== 'subscription') continue;
    for (const selection of definition.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD) continue;
      for (const argument of selection.arguments ?? []) {
        if (argument.name.value === 'afterEventId' && argument.value.kind === Kind.VARIABLE) startsOnly.add(argument.value);
      }
    }
  }
  const relevant = new Set<string>();
  visit(document, {
    // The declaration of a variable is not a use of it.
    VariableDefinition: () => false,
    Variable(node) {
      if (!startsOnly.has(node)) relevant.add(node.name.value);
    },
  });
  const text = document.loc?.source.body ?? print(document);
  facts = { digest: createHash('sha256').update(text).digest('base64url'), relevant: [...relevant].sort() };
  documents.set(document, facts);
  return facts;
}

/** What makes two subscriptions' executions of one event identical, for one staff member. */
function operationKey(args: ExecutionArgs): string {
  const { digest, relevant } = factsOf(args.document);
  const variables = args.variableValues ?? {};
  const values = relevant.map((name) => [name, variables[name]]);
  return createHash('sha256')
    .update(digest)
    .update('\0')
    .update(args.operationName ?? '')
    .update('\0')
    .update(JSON.stringify(values))
    .digest('base64url');
}
