// graphql-ws on the same port and path as HTTP, sharing Yoga's plugins and context
// (the pattern of graphql-yoga's graphql-ws example). The token rides in
// connectionParams.authorization; the socket closes with
//   4401 when it is missing, bad or expires,
//   4403 when the staff member is deactivated (checked every WS_STAFF_RECHECK_MS and on each event),
//   1013 when the client reads too slowly (WS_MAX_BUFFERED_BYTES / WS_MAX_QUEUED_EVENTS): it
//        reconnects and resubscribes with afterEventId, graphql-ws clients retry on 1013,
//   1001 on shutdown, after the events already on their way were delivered (drain).
// Keep-alive: a ping every WS_KEEPALIVE_MS; a socket that does not answer within as long is cut.
import type { Server } from 'node:http';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { authenticate } from '../auth/authenticate.js';
import type { TokenVerifier } from '../auth/tokens.js';
import type { Viewer } from '../auth/viewer.js';
import { prisma } from '../db.js';
import type { Logger } from '../logger.js';
import { CLOSE_FORBIDDEN, CLOSE_SLOW_CONSUMER, type RealtimeConnection } from '../realtime/connection.js';
import type { EventStream } from '../realtime/stream.js';
import { closeDeactivated } from './staff-recheck.js';
import { requestIdOf, type CasegraphYoga } from './yoga.js';

export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_GOING_AWAY = 1001;
export { CLOSE_FORBIDDEN, CLOSE_SLOW_CONSUMER };

/** A socket closed for a reason whose close handshake does not complete is cut after this. */
const CLOSE_HANDSHAKE_MS = 5000;

interface SocketState {
  viewer?: Viewer;
  requestId?: string;
  expiryTimer?: NodeJS.Timeout;
  connection: RealtimeConnection;
  streams: Set<EventStream>;
}

type EnvelopedArgs = ExecutionArgs & {
  rootValue: { execute: (args: ExecutionArgs) => unknown; subscribe: (args: ExecutionArgs) => unknown };
};

export interface WebSocketOptions {
  server: Server;
  yoga: CasegraphYoga;
  verifyToken: TokenVerifier;
  log: Logger;
  keepAliveMs?: number;
  maxBufferedBytes?: number;
  staffRecheckMs?: number;
  drainMs?: number;
}

function connectionFor(socket: WebSocket, streams: Set<EventStream>): RealtimeConnection {
  return {
    close(code, reason) {
      if (socket.readyState !== socket.OPEN) return;
      socket.close(code, reason);
      // A client that stopped reading never answers the close frame: cut it after a while.
      setTimeout(() => socket.terminate(), CLOSE_HANDSHAKE_MS).unref();
    },
    bufferedAmount: () => socket.bufferedAmount,
    track(stream) {
      streams.add(stream);
      return () => streams.delete(stream);
    },
  };
}

export function attachWebSocketServer(options: WebSocketOptions) {
  const { yoga, verifyToken, log } = options;
  const maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const wss = new WebSocketServer({ server: options.server, path: yoga.graphqlEndpoint });
  const states = new Map<WebSocket, SocketState>();

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
        const streams = new Set<EventStream>();
        const state: SocketState = { viewer, requestId: requestIdOf(undefined), connection: connectionFor(socket, streams), streams };
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
        states.delete(ctx.extra.socket);
      },
      onSubscribe: async (ctx, _id, payload) => {
        const state = states.get(ctx.extra.socket);
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
          socketViewer: state?.viewer,
          socketRequestId: state?.requestId,
          realtimeConnection: state?.connection,
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
      onNext: (ctx) => {
        // Several subscriptions on one socket can each have an event in flight; the streams
        // bound their own queues, this bounds what sits in the socket.
        const socket = ctx.extra.socket;
        if (socket.bufferedAmount > maxBufferedBytes) {
          states.get(socket)?.connection.close(CLOSE_SLOW_CONSUMER, 'Slow consumer: reconnect and resubscribe with afterEventId');
        }
      },
    },
    wss,
    options.keepAliveMs ?? 12_000,
  );

  const recheck = setInterval(() => {
    closeDeactivated(states.values(), async (ids) => {
      const active = await prisma.staffMember.findMany({ where: { id: { in: ids }, active: true }, select: { id: true } });
      return new Set(active.map((staff) => staff.id));
    }).catch((error: unknown) => log.warn({ err: error }, 'could not recheck websocket staff members'));
  }, options.staffRecheckMs ?? 60_000);
  recheck.unref();

  /** Waits until the sockets' streams and send buffers are empty, or `ms` passed. */
  async function drain(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    const busy = () =>
      [...states.entries()].some(
        ([socket, state]) =>
          socket.readyState === socket.OPEN && (socket.bufferedAmount > 0 || [...state.streams].some((stream) => stream.undelivered > 0)),
      );
    while (busy() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  return {
    wss,
    /** Sockets open now (benchmarks, tests). */
    get socketCount(): number {
      return wss.clients.size;
    },
    /**
     * Stops accepting sockets, lets the open ones receive what is already on its way (at most
     * `drainMs`), then closes them with 1001 (going away): clients reconnect to another instance
     * and resubscribe with afterEventId.
     */
    async close(): Promise<void> {
      clearInterval(recheck);
      options.server.removeAllListeners('upgrade');
      await drain(options.drainMs ?? 5000);
      const closed = [...wss.clients].map(
        (client) =>
          new Promise<void>((resolve) => {
            if (client.readyState === client.CLOSED) return resolve();
            client.once('close', () => resolve());
            client.close(CLOSE_GOING_AWAY, 'Server shutting down');
            setTimeout(() => {
              client.terminate();
              resolve();
            }, CLOSE_HANDSHAKE_MS).unref();
          }),
      );
      await Promise.all(closed);
      await disposable.dispose();
    },
  };
}
