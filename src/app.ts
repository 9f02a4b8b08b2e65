// buildApp(config) -> { start, stop }: the HTTP server (GraphQL, GraphiQL, health, server-sent
// events) and the graphql-ws server on one port, over the configured or the embedded database,
// with the real-time layer (outbox relay, escalation and retention sweeps, src/realtime/).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { listenForStaffChanges } from './auth/staff-changes.js';
import { createTokenVerifier } from './auth/tokens.js';
import { closeDatabase, openDatabase, prisma } from './db.js';
import { resolveDatabase, type ResolvedDatabase } from './db/resolve.js';
import type { Config } from './env.js';
import { checkGraphiQLAssets, serveGraphiQLAsset } from './http/graphiql.js';
import { assignRequestId, createHealthHandler } from './http/health.js';
import { clientIpOf, withClientIp } from './http/rate-limits/client-ip.js';
import { createRateLimits } from './http/rate-limits/limits.js';
import { countAuthFailures, useRateLimits } from './http/rate-limits/plugin.js';
import { createExecutionLimit } from './http/execution-limit.js';
import { createMetrics } from './http/metrics.js';
import { createShutdownGate } from './http/shutdown.js';
import { attachWebSocketServer } from './http/websocket.js';
import { clientCodeOf } from './http/error-masking.js';
import { createYogaServer } from './http/yoga.js';
import { createLogger, type Logger } from './logger.js';
import { createPubSubHandle, type PubSubHandle } from './pubsub.js';
import { useRealtime } from './realtime/plugin.js';
import { createRealtime, type RealtimeRuntime } from './realtime/runtime.js';
import { useServerSentEvents } from './realtime/sse.js';
import { isDatabaseEmpty, seedDemo } from './seed/seed.js';
import { configureStatistics } from './services/statistics/settings.js';
import { EXPORT_PATH, useStatisticsExport } from './http/statistics-export.js';
import { checkDatabase } from './startup.js';
import { startTracing } from './tracing/index.js';

export interface RunningApp {
  url: string;
  port: number;
  database: ResolvedDatabase['kind'];
  pubsub: PubSubHandle['mode'];
}

export interface App {
  start(port?: number): Promise<RunningApp>;
  stop(): Promise<void>;
  readonly log: Logger;
  /** The real-time layer once started (tests and benchmarks read its stats). */
  readonly realtime: RealtimeRuntime | undefined;
  /** Open websockets once started. */
  readonly socketCount: number;
}

/** A websocket handshake during shutdown: 503, nothing done (the client connects elsewhere). */
function refuseUpgrade(_req: unknown, socket: Duplex): void {
  socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n');
}

export function buildApp(config: Config, options: { log?: Logger } = {}): App {
  const log = options.log ?? createLogger(config.logLevel, config.logFormat);
  const stops: Array<() => Promise<void>> = [];
  let realtime: RealtimeRuntime | undefined;
  let sockets: ReturnType<typeof attachWebSocketServer> | undefined;

  async function stop(): Promise<void> {
    // In reverse order of start: sockets and HTTP first, the database last.
    while (stops.length > 0) {
      const next = stops.pop()!;
      await next().catch((error: unknown) => log.error({ err: error }, 'error while stopping'));
    }
  }

  async function start(port = config.port): Promise<RunningApp> {
    try {
      // First in, last out: the spans of the whole drain are exported before the process ends.
      const tracing = config.tracing.enabled ? await startTracing(config.tracing, log) : undefined;
      if (tracing) stops.push(tracing.shutdown);
      const database = await resolveDatabase(config, log);
      stops.push(database.stop);
      // Unreachable, refused or unmigrated: one plain sentence now, not table errors later.
      if (database.kind === 'postgresql') await checkDatabase(database.url);
      const prisma = openDatabase({
        url: database.url,
        poolMax: database.poolMax,
        server: database.kind === 'postgresql',
        embedded: database.kind === 'embedded',
        statementTimeoutMs: config.databaseStatementTimeoutMs,
        connectionTimeoutMs: config.databasePoolTimeoutMs,
      });
      stops.push(closeDatabase);
      configureStatistics({ minCell: config.statisticsMinCell });
      // A newcomer's first `npm start` shows data at once.
      if (database.kind === 'embedded' && config.seedDemo && (await isDatabaseEmpty(prisma))) {
        const summary = await seedDemo(prisma);
        log.info({ clients: summary.client }, 'loaded the demo data set into the empty embedded database');
      }

      // Instances of one database share Redis channels; other databases (test runs) do not.
      const [{ name }] = await prisma.$queryRawUnsafe<[{ name: string }]>('SELECT current_database() AS name');
      const pubsub = createPubSubHandle(config.redisUrl, { namespace: name, log });
      stops.push(pubsub.close);
      // Rate limits shared by the instances of one database through Redis, like the pub/sub.
      const rateLimits = createRateLimits(config.rateLimits, { redisUrl: config.redisUrl, namespace: name, log });
      stops.push(rateLimits.close);
      realtime = createRealtime({
        config: config.realtime,
        log,
        transport: pubsub.transport,
        // PGlite serves one connection at a time: the relay then shares Prisma's and polls.
        sessionUrl: database.kind === 'postgresql' ? database.url : null,
      });

      // Viewers are cached while this session hears of every staff change (the embedded
      // database serves one connection: there, each request loads its viewer).
      if (database.kind === 'postgresql') {
        const staffChanges = listenForStaffChanges({ url: database.url, log });
        stops.push(staffChanges.stop);
        await staffChanges.ready;
      }

      const verifyToken = countAuthFailures(createTokenVerifier(config.jwt), rateLimits);
      const executions = createExecutionLimit(config.graphql.execution);
      const metrics = config.metrics.enabled
        ? createMetrics(
            {
              openSockets: () => sockets?.socketCount ?? 0,
              openStreams: () => realtime?.stats().streams ?? 0,
              executions: () => executions,
              relayPosition: () => {
                const relay = realtime?.stats().relay;
                return relay?.leading && relay.position !== null ? BigInt(relay.position) : null;
              },
            },
            { token: config.metrics.token },
          )
        : undefined;
      const yoga = createYogaServer({
        observe: metrics?.observe,
        log,
        pubsub: pubsub.pubsub,
        verifyToken,
        graphiql: config.env === 'development',
        graphql: config.graphql,
        persistedOperations: config.persistedOperations,
        // Same subscriptions and Authorization header over SSE at /graphql/stream.
        // Rate limits first: their refusals come before server-sent events open.
        plugins: [...(tracing ? [tracing.plugin({ codeOf: clientCodeOf })] : []), useRateLimits(rateLimits, verifyToken), useServerSentEvents(verifyToken), useRealtime(realtime), useStatisticsExport(verifyToken, log), executions.plugin],
      });
      const gate = createShutdownGate();
      const health = createHealthHandler(pubsub, () => gate.draining);
      const graphiql = config.env === 'development';
      if (graphiql) checkGraphiQLAssets();
      // requestListener, not handleNodeRequestAndResponse: the latter never answers on Node 20
      // with the @whatwg-node versions yoga 5.24 pulls in.
      // Under the client's address: per-IP limits and failed authentications count by it.
      const serveGraphQL = (req: IncomingMessage, res: ServerResponse) => withClientIp(clientIpOf(req, config.trustProxy), () => yoga.requestListener(req, res));
      // Probes, /metrics and GraphiQL's assets are not traced.
      const serve = tracing ? tracing.traceRequests(serveGraphQL, [yoga.graphqlEndpoint, `${yoga.graphqlEndpoint}/stream`, EXPORT_PATH]) : serveGraphQL;
      const server: Server = createServer(async (req, res) => {
        assignRequestId(req, res);
        if (await health(req, res)) return;
        if (metrics && (await metrics.handle(req, res))) return;
        if (gate.refuse(req, res)) return;
        if (graphiql && serveGraphiQLAsset(req, res)) return;
        await serve(req, res);
      });
      const socketServer = attachWebSocketServer({
        server,
        yoga,
        verifyToken,
        log,
        keepAliveMs: config.realtime.wsKeepAliveMs,
        maxBufferedBytes: config.realtime.wsMaxBufferedBytes,
        staffRecheckMs: config.realtime.wsStaffRecheckMs,
        drainMs: config.realtime.shutdownDrainMs,
        rateLimits,
        trustProxy: config.trustProxy,
        maxPayloadBytes: config.realtime.wsMaxPayloadBytes,
        maxPendingSockets: config.realtime.wsMaxPendingSockets,
        maxSocketsPerStaff: config.realtime.wsMaxSocketsPerStaff,
        connectionInitWaitMs: config.realtime.wsConnectionInitTimeoutMs,
      });
      sockets = socketServer;

      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, config.host, () => resolve());
      });
      realtime.start();
      const drainMs = config.realtime.shutdownDrainMs;
      // Shutdown, in the order load balancers expect (README, "Stopping"): not ready and new
      // requests refused (503) at once; running requests finish (at most SHUTDOWN_DRAIN_MS in all); event
      // streams end; sockets get what is on its way, then 1001; the relay hands over; then the
      // connections left are cut, and the database closes last (the entries pushed before this).
      stops.push(async () => {
        const deadline = Date.now() + drainMs;
        const left = () => Math.max(0, deadline - Date.now());
        gate.begin();
        // New websockets are refused like new requests; the open ones drain below.
        server.removeAllListeners('upgrade');
        server.on('upgrade', refuseUpgrade);
        // Still listening while requests drain: probes and newcomers get a 503 with Connection:
        // close, not a refused or reset connection (idle keep-alive connections too: closing them
        // now would race with a client reusing one).
        if (!(await gate.settled(drainMs))) log.warn({ running: gate.running }, 'requests still running at the end of SHUTDOWN_DRAIN_MS: cut');
        realtime!.endDetachedStreams();
        await gate.streamsEnded(Math.min(1000, left()));
        await socketServer.close(left());
        await realtime!.stop();
        // Only now: by then clients still sending have had their 503 with Connection: close.
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
      });
      const actualPort = (server.address() as AddressInfo).port;
      const running: RunningApp = {
        url: `http://${config.host}:${actualPort}/graphql`,
        port: actualPort,
        database: database.kind,
        pubsub: pubsub.mode,
      };
      log.info(
        { url: running.url, database: database.describe, pubsub: pubsub.mode === 'redis' ? 'redis' : 'in-process' },
        `Casegraph serving on ${running.url} (database: ${database.describe}; pub/sub: ${pubsub.mode})`,
      );
      return running;
    } catch (error) {
      await stop();
      throw error;
    }
  }

  return {
    start,
    stop,
    log,
    get realtime() {
      return realtime;
    },
    get socketCount() {
      return sockets?.socketCount ?? 0;
    },
  };
}
