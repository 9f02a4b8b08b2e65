// At most GRAPHQL_MAX_CONCURRENT_EXECUTIONS operations (default: DATABASE_POOL_MAX) execute at
// once; the others wait their turn, in arrival order, for at most DATABASE_POOL_TIMEOUT_MS, as
// long as they would wait for a connection (then 503 SERVICE_UNAVAILABLE, retryable).
// Two cores and a pool of DATABASE_POOL_MAX connections serve no more by running more at once:
// an operation past them only waits for a connection while holding what it has read so far. On
// the 100,000-client benchmark, 50 concurrent `reports` drove the server to 465 MiB resident;
// with 8 at a time, 331 MiB, at the same throughput. Parsing, validation, the context (with
// authentication) come before the wait; subscriptions' events are executed elsewhere
// (src/realtime/shared.ts) and never wait here.
import { GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import pLimit from 'p-limit';

export interface ExecutionLimitConfig {
  concurrency: number;
  queueTimeoutMs: number;
}

export interface ExecutionLimit {
  plugin: Plugin;
  /** Operations executing, and waiting (metrics, tests). */
  readonly active: number;
  readonly waiting: number;
}

function busy(waitedMs: number): ExecutionResult {
  const retryAfterS = Math.max(1, Math.ceil(waitedMs / 1000));
  return {
    errors: [
      new GraphQLError('The server is busy: retry shortly', {
        extensions: { code: 'SERVICE_UNAVAILABLE', retryAfter: retryAfterS, http: { status: 503, headers: { 'retry-after': String(retryAfterS) } } },
      }),
    ],
  };
}

type Execute = (args: ExecutionArgs) => unknown;

export function createExecutionLimit(config: ExecutionLimitConfig): ExecutionLimit {
  const limit = pLimit(config.concurrency);
  /** Not p-limit's pendingCount: a waiter that left keeps its place there until its turn. */
  let waiting = 0;

  function limited(execute: Execute, args: ExecutionArgs): Promise<unknown> {
    // A free slot (nobody waits then): no timer, no signal listener.
    if (limit.activeCount < limit.concurrency) return limit(() => execute(args));
    const signal = (args.contextValue as { request?: Request } | undefined)?.request?.signal;
    waiting += 1;
    return new Promise((resolve, reject) => {
      let state: 'queued' | 'running' | 'left' = 'queued';
      const leave = (result: ExecutionResult) => {
        if (state !== 'queued') return;
        state = 'left';
        cleanUp();
        resolve(result);
      };
      const timer = setTimeout(() => leave(busy(config.queueTimeoutMs)), config.queueTimeoutMs);
      // A client that went away while waiting leaves the queue: nothing would read its answer.
      const onAbort = () => leave(busy(0));
      const cleanUp = () => {
        waiting -= 1;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      // A waiter that left still holds its place in p-limit's queue; its turn passes at once.
      limit(() => {
        if (state === 'left') return undefined;
        state = 'running';
        cleanUp();
        return Promise.resolve(execute(args)).then(resolve, reject);
      });
    });
  }

  return {
    plugin: {
      onExecute({ executeFn, setExecuteFn }) {
        setExecuteFn(((args: ExecutionArgs) => limited(executeFn as Execute, args)) as typeof executeFn);
      },
    },
    get active() {
      return limit.activeCount;
    },
    get waiting() {
      return waiting;
    },
  };
}
