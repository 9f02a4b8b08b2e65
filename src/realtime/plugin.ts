// Hooks the real-time layer into Yoga: resolvers find the instance's runtime in the context
// (two instances in one process, as in the tests, each keep their own), and subscriptions run
// through shared.ts: each event executed once per staff member and operation, every delivery's
// reads audited before it leaves (audit.ts). Websockets and server-sent events both come here.
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import type { RealtimeConnection } from './connection.js';
import type { RealtimeRuntime } from './runtime.js';

/** What the websocket server and this plugin add to the GraphQL context. */
export interface RealtimeContext {
  realtime?: RealtimeRuntime;
  realtimeConnection?: RealtimeConnection;
}

export function useRealtime(runtime: RealtimeRuntime): Plugin {
  return {
    onContextBuilding({ extendContext }) {
      extendContext({ realtime: runtime } as never);
    },
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(runtime.subscriptions.subscribe as never);
      return {
        onSubscribeResult({ result, setResult }) {
          // A subscription refused when it starts (UNAUTHENTICATED, FORBIDDEN, NOT_FOUND) is a
          // result without `data`; graphql-sse only recognises results with it and would answer
          // 400 "Unable to detect operation AST" instead of the error.
          if (!(Symbol.asyncIterator in result) && !('data' in result)) setResult({ data: null, ...result });
        },
      };
    },
  };
}

export function realtimeOf(context: Context): RealtimeRuntime {
  const runtime = (context as Context & RealtimeContext).realtime;
  if (!runtime) throw new Error('The real-time layer is not running in this server');
  return runtime;
}

export function connectionOf(context: Context): RealtimeConnection | undefined {
  return (context as Context & RealtimeContext).realtimeConnection;
}
