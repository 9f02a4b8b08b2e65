// graphql-ws on the same port and path as HTTP, sharing Yoga's plugins and context
// (the pattern of graphql-yoga's graphql-ws example). The token rides in
// connectionParams.authorization; the socket closes with 4401 when it is missing, bad or expires.
import type { Server } from 'node:http';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { authenticate } from '../auth/authenticate.js';
import type { TokenVerifier } from '../auth/tokens.js';
import type { Viewer } from '../auth/viewer.js';
import type { Logger } from '../logger.js';
import { requestIdOf, type CasegraphYoga } from './yoga.js';

export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_GOING_AWAY = 1001;

interface SocketState {
  viewer?: Viewer;
  requestId?: string;
  expiryTimer?: NodeJS.Timeout;
}

type EnvelopedArgs = ExecutionArgs & {
  rootValue: { execute: (args: ExecutionArgs) => unknown; subscribe: (args: ExecutionArgs) => unknown };
};

export function attachWebSocketServer(options: {
  server: Server;
  yoga: CasegraphYoga;
  verifyToken: TokenVerifier;
  log: Logger;
  keepAliveMs?: number;
}) {
  const { yoga, verifyToken, log } = options;
  const wss = new WebSocketServer({ server: options.server, path: yoga.graphqlEndpoint });
  const states = new WeakMap<WebSocket, SocketState>();

  const disposable = useServer(
    {
      execute: (args) => (args as EnvelopedArgs).rootValue.execute(args) as never,
      subscribe: (args) => (args as EnvelopedArgs).rootValue.subscribe(args) as never,
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        const params = ctx.connectionParams ?? {};
        const authorization = params.authorization ?? params.Authorization;
        let viewer: Viewer | null;
        try {
          viewer = await authenticate(authorization, verifyToken);
        } catch (error) {
          if (!(error instanceof GraphQLError)) throw error;
          socket.close(CLOSE_UNAUTHORIZED, error.message.slice(0, 120));
          return false;
        }
        if (!viewer) {
          socket.close(CLOSE_UNAUTHORIZED, 'connectionParams.authorization is required');
          return false;
        }
        const state: SocketState = { viewer, requestId: requestIdOf(undefined) };
        if (viewer.expiresAt) {
          const ms = Math.max(0, viewer.expiresAt * 1000 - Date.now());
          state.expiryTimer = setTimeout(() => socket.close(CLOSE_UNAUTHORIZED, 'Token expired'), ms);
        }
        states.set(socket, state);
        return true;
      },
      onClose: (ctx) => {
        const state = states.get(ctx.extra.socket);
        if (state?.expiryTimer) clearTimeout(state.expiryTimer);
      },
      onSubscribe: async (ctx, _id, payload) => {
        const state = states.get(ctx.extra.socket) ?? {};
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
          socketViewer: state.viewer,
          socketRequestId: state.requestId,
        });
        let document;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [error as GraphQLError];
        }
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
        return {
          schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        } satisfies EnvelopedArgs as never;
      },
    },
    wss,
    options.keepAliveMs ?? 12_000,
  );

  return {
    wss,
    /** Closes every socket with 1001 (going away) and stops accepting new ones. */
    async close(): Promise<void> {
      for (const client of wss.clients) client.close(CLOSE_GOING_AWAY, 'Server shutting down');
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
