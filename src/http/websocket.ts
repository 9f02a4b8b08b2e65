// graphql-ws on the same port and path as HTTP, sharing Yoga's plugins and context
// (the pattern of graphql-yoga's graphql-ws example). The token rides in
// connectionParams.authorization; the socket closes with
//   4401 when it is missing, bad or expires,
//   4403 when the token no longer names its staff member: deactivated (checked every
//        WS_STAFF_RECHECK_MS and on each event), unlinked or relinked (every WS_STAFF_RECHECK_MS),
//   1013 when the client reads too slowly (WS_MAX_BUFFERED_BYTES / WS_MAX_QUEUED_EVENTS): it
//        reconnects and resubscribes with afterEventId, graphql-ws clients retry on 1013,
//   1001 on shutdown, after the events already on their way were delivered (drain),
//   1009 when a message exceeds WS_MAX_PAYLOAD_BYTES (refused from its frame header, unread),
//   4408 when no connection_init came within WS_CONNECTION_INIT_TIMEOUT_MS,
//   1013 / 4429 / HTTP 429 from the admission limits (ws-limits.ts).
// A query or mutation over the socket that a staff member's rate limit refuses gets an `error`
// message with extensions.code RATE_LIMITED; the socket stays open.
// Keep-alive: a ping every WS_KEEPALIVE_MS; a socket that does not answer within as long is cut.
//
// Ten thousand sockets on one instance: graphql-ws's protocol runs as its `makeServer` (not its
// `useServer` adapter), so that a socket holds only what it needs:
//   - no upgrade request (its headers, streams) kept for the socket's life, nor copied into each
//     subscription's context;
//   - keep-alive from one timer for all sockets, a slice of them per tick (not an interval, a
//     pong timeout and a listener per socket);
//   - one session object per socket.
// Subscription events do not go through graphql-ws's per-message `next` (a copy, validation and
// JSON.stringify of the result per subscriber): the results of one event are one object for all
// the subscribers of one staff member and operation (src/realtime/shared.ts), serialized once,
// and each socket gets that text framed with its own subscription id.
import type { Server } from 'node:http';
import { GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { CloseCode, handleProtocols, makeServer } from 'graphql-ws';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { authenticateIdentity } from '../auth/authenticate.js';
import { viewerCache } from '../auth/viewer-cache.js';
import type { Identity, TokenVerifier } from '../auth/tokens.js';
import type { Viewer } from '../auth/viewer.js';
import type { Context } from '../context.js';
import type { Logger } from '../logger.js';
import type { RealtimeContext } from '../realtime/plugin.js';
import { CLOSE_FORBIDDEN, CLOSE_SLOW_CONSUMER } from '../realtime/connection.js';
import { withClientIp, clientIpOf } from './rate-limits/client-ip.js';
import type { RateLimits } from './rate-limits/limits.js';
import { rateLimitedError, rateLimitMessage, refuseUnverified, spendOperation } from './rate-limits/plugin.js';
import { closeRevoked } from './staff-recheck.js';
import { CLOSE_RATE_LIMITED, CLOSE_TRY_AGAIN_LATER, createSocketLimits } from './ws-limits.js';
import { Delivery, SLOW_CONSUMER_REASON, type DirectResults } from './ws-delivery.js';
import { exposeExpectedErrors, processedResult, UNEXPECTED_ERROR } from './error-masking.js';
import { CLOSE_HANDSHAKE_MS, refuse, Session, type Extra } from './ws-session.js';
import { requestIdOf, type CasegraphYoga } from './yoga.js';

export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_GOING_AWAY = 1001;
export { CLOSE_FORBIDDEN, CLOSE_SLOW_CONSUMER };

/** Keep-alive visits a slice of the sockets per tick: a period has this many ticks. */
const KEEPALIVE_SLICES = 16;

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
  rateLimits?: RateLimits;
  trustProxy?: number;
  maxPayloadBytes?: number;
  maxPendingSockets?: number;
  maxSocketsPerStaff?: number;
  connectionInitWaitMs?: number;
}

export function attachWebSocketServer(options: WebSocketOptions) {
  const { yoga, verifyToken, log } = options;
  const maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const keepAliveMs = options.keepAliveMs ?? 12_000;
  const { rateLimits } = options;
  const limits = createSocketLimits({
    rateLimits,
    trustProxy: options.trustProxy ?? 0,
    maxPending: options.maxPendingSockets ?? 200,
    maxPerStaff: options.maxSocketsPerStaff ?? 20,
  });
  const wss = new WebSocketServer({
    server: options.server,
    path: yoga.graphqlEndpoint,
    handleProtocols,
    // Larger messages close the socket with 1009 as soon as their frame header says so.
    maxPayload: options.maxPayloadBytes ?? 1024 * 1024,
    verifyClient: (info, callback) => limits.verifyClient(info, callback),
  });
  const sessions = new Set<Session>();

  const protocol = makeServer<Record<string, unknown> | undefined, Extra>({
    execute: (args) => (args as EnvelopedArgs).rootValue.execute(args) as never,
    subscribe: (args) => (args as EnvelopedArgs).rootValue.subscribe(args) as never,
    connectionInitWaitTimeout: options.connectionInitWaitMs ?? 3000,
    onConnect: async (ctx) => {
      const { session } = ctx.extra;
      const socket = session.socket;
      settle(session);
      const params = ctx.connectionParams ?? {};
      const authorization = params.authorization ?? params.Authorization;
      const throttled = rateLimits && (await refuseUnverified(rateLimits, verifyToken, session.ip, authorization));
      if (throttled) {
        socket.close(CLOSE_RATE_LIMITED, rateLimitMessage(throttled));
        return false;
      }
      let authenticated: { viewer: Viewer; identity: Identity } | null;
      try {
        // Under the socket's address: a refused token counts against it (rate-limits/plugin.ts).
        authenticated = await withClientIp(session.ip, () => authenticateIdentity(authorization, verifyToken));
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        socket.close(CLOSE_UNAUTHORIZED, error.message.slice(0, 120));
        return false;
      }
      if (!authenticated) {
        socket.close(CLOSE_UNAUTHORIZED, 'connectionParams.authorization is required');
        return false;
      }
      const { viewer, identity } = authenticated;
      if (!limits.admitStaff(viewer.id)) {
        socket.close(CLOSE_RATE_LIMITED, `Too many sockets for this staff member (${options.maxSocketsPerStaff ?? 20})`);
        return false;
      }
      // The credentials are not needed any more: not kept for the socket's life.
      delete (ctx as { connectionParams?: unknown }).connectionParams;
      session.viewer = viewer;
      // Not a credential (issuer, subject, email): what the recheck resolves again.
      session.identity = identity;
      session.operations = ctx.subscriptions as Record<string, unknown>;
      session.requestId = requestIdOf(undefined);
      if (viewer.expiresAt) {
        const ms = Math.max(0, viewer.expiresAt * 1000 - Date.now());
        session.expiryTimer = setTimeout(() => socket.close(CLOSE_UNAUTHORIZED, 'Token expired'), ms);
      }
      sessions.add(session);
      return true;
    },
    onClose: (ctx) => {
      const { session } = ctx.extra;
      if (session.expiryTimer) clearTimeout(session.expiryTimer);
      settle(session);
      if (sessions.delete(session)) limits.releaseStaff(session.viewer!.id);
    },
    onSubscribe: async (ctx, _id, payload) => {
      const { session } = ctx.extra;
      // What Yoga's context factory (yoga.ts) and plugins read; nothing of the socket itself.
      const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
        params: payload,
        socketViewer: session.viewer,
        socketRequestId: session.requestId,
        realtimeConnection: session,
      });
      let document;
      try {
        document = parse(payload.query);
      } catch (error) {
        return [error as GraphQLError];
      }
      const errors = validate(schema, document);
      if (errors.length > 0) return errors;
      if (rateLimits && session.viewer) {
        const limited = await spendOperation(rateLimits, session.viewer.id, { document, operationName: payload.operationName, variables: payload.variables });
        if (limited) return [rateLimitedError(limited, { http: false })];
      }
      return {
        schema,
        operationName: payload.operationName,
        document,
        variableValues: payload.variables,
        contextValue: await contextFactory(),
        rootValue: { execute, subscribe },
      } satisfies EnvelopedArgs as never;
    },
    onOperation: (ctx, id, _payload, args, result) => {
      if (!(Symbol.asyncIterator in result)) return undefined;
      const context = args.contextValue as Context & RealtimeContext;
      // Results are shared by a group (shared.ts) and prepared once: an incident among their
      // errors is logged under the request id of the subscriber it is first written to.
      const results = context.realtime?.subscriptions.streamOf(context);
      // Not made by shared.ts (no real-time layer): graphql-ws writes it as it comes.
      if (!results) return undefined;
      const source: DirectResults = {
        results,
        wrapped: (result as AsyncIterable<ExecutionResult>)[Symbol.asyncIterator](),
        prepare: (raw) => processedResult(raw, context, log),
        failure: (error) => exposeExpectedErrors(error, UNEXPECTED_ERROR),
      };
      return new Delivery(source, ctx.extra.session, id, maxBufferedBytes);
    },
    onNext: (ctx) => {
      // A query or mutation over the socket (subscriptions write through Delivery).
      const { session } = ctx.extra;
      if (session.socket.bufferedAmount > maxBufferedBytes) session.close(CLOSE_SLOW_CONSUMER, SLOW_CONSUMER_REASON);
    },
  });

  // ---------------------------------------------------------------- keep-alive
  // Each socket is in one slice; a tick every keepAliveMs / KEEPALIVE_SLICES visits the next
  // slice: a socket still owing the pong of the previous visit is cut, the others are pinged.
  const slices = Array.from({ length: KEEPALIVE_SLICES }, () => new Set<WebSocket>());
  const owing = new Set<WebSocket>();
  let nextSlice = 0;
  let tick = 0;
  const onPong = function (this: WebSocket) {
    owing.delete(this);
  };
  const keepAlive =
    keepAliveMs > 0 && Number.isFinite(keepAliveMs)
      ? setInterval(() => {
          const slice = slices[tick++ % KEEPALIVE_SLICES]!;
          for (const socket of slice) {
            if (socket.readyState !== socket.OPEN) continue;
            if (owing.has(socket)) {
              socket.terminate();
              continue;
            }
            owing.add(socket);
            socket.ping();
          }
        }, keepAliveMs / KEEPALIVE_SLICES)
      : undefined;
  keepAlive?.unref();

  wss.once('error', (error) => {
    log.error({ err: error }, 'websocket server error');
    for (const client of wss.clients) client.close(CloseCode.InternalServerError, 'Internal server error');
  });

  // One listener of each kind for all sockets (`this` is the socket), not closures per socket.
  const sessionOf = new WeakMap<WebSocket, Session>();
  function onMessage(this: WebSocket, data: RawData): void {
    const session = sessionOf.get(this);
    session?.handle?.(String(data)).catch((error: unknown) => {
      // By kind, codes and frames (src/logger.ts): a message may quote the operation or values.
      log.error({ requestId: session.requestId, staffId: session.viewer?.id, err: error }, 'error while handling a websocket message');
      this.close(CloseCode.InternalServerError, 'Internal server error');
    });
  }
  function onError(this: WebSocket, error: Error): void {
    // A client breaking the protocol (a message over maxPayload, a bad frame): ws has closed the
    // socket with the fitting code (1009, 1002, ...). Not an incident, and not worth a stack each.
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('WS_ERR_')) return log.debug({ code }, 'websocket closed for a protocol error');
    log.warn({ requestId: sessionOf.get(this)?.requestId, err: error }, 'websocket error');
    this.close(CloseCode.InternalServerError, 'Internal server error');
  }
  function onClose(this: WebSocket, code: number, reason: Buffer): void {
    const session = sessionOf.get(this);
    if (!session) return;
    sessionOf.delete(this);
    session.slice.delete(this);
    owing.delete(this);
    void session.closed?.(code, String(reason));
  }

  function settle(session: Session): void {
    if (!session.pending) return;
    session.pending = false;
    limits.settlePending();
  }

  wss.on('connection', (socket, request) => {
    if (!limits.admitPending()) {
      socket.on('error', onError);
      return refuse(socket, CLOSE_TRY_AGAIN_LATER, 'Too many sockets awaiting connection_init: try again later');
    }
    const session = new Session(socket, slices[nextSlice++ % KEEPALIVE_SLICES]!);
    session.ip = clientIpOf(request, options.trustProxy ?? 0);
    session.pending = true;
    sessionOf.set(socket, session);
    session.slice.add(socket);
    socket.on('error', onError);
    socket.on('pong', onPong);
    socket.on('message', onMessage);
    socket.on('close', onClose);
    session.closed = protocol.opened(session, { session });
  });

  const recheck = setInterval(() => {
    closeRevoked(sessions, async (identities) => {
      const named = await Promise.all(identities.map(async (identity) => [identity.key, (await viewerCache.get(identity, null))?.id ?? null] as const));
      return new Map(named);
    }).catch((error: unknown) => log.warn({ err: error }, 'could not recheck websocket staff members'));
  }, options.staffRecheckMs ?? 60_000);
  recheck.unref();

  /** Waits until the sockets' streams and send buffers are empty, or `ms` passed. */
  async function drain(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    const busy = () => [...sessions].some((session) => session.busy());
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
    async close(drainMs = options.drainMs ?? 5000): Promise<void> {
      clearInterval(recheck);
      if (keepAlive) clearInterval(keepAlive);
      options.server.removeAllListeners('upgrade');
      await drain(drainMs);
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
      wss.removeAllListeners();
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
