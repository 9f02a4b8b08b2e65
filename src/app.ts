// buildApp(config) -> { start, stop }: the HTTP server (GraphQL, GraphiQL, health) and the
// graphql-ws server on one port, over the configured or the embedded database.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTokenVerifier } from './auth/tokens.js';
import { closeDatabase, openDatabase } from './db.js';
import { resolveDatabase, type ResolvedDatabase } from './db/resolve.js';
import type { Config } from './env.js';
import { createHealthHandler } from './http/health.js';
import { attachWebSocketServer } from './http/websocket.js';
import { createYogaServer } from './http/yoga.js';
import { createLogger, type Logger } from './logger.js';
import { createPubSubHandle, type PubSubHandle } from './pubsub.js';

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
}

export function buildApp(config: Config, options: { log?: Logger } = {}): App {
  const log = options.log ?? createLogger(config.logLevel);
  const stops: Array<() => Promise<void>> = [];

  async function stop(): Promise<void> {
    // In reverse order of start: sockets and HTTP first, the database last.
    while (stops.length > 0) {
      const next = stops.pop()!;
      await next().catch((error: unknown) => log.error({ err: error }, 'error while stopping'));
    }
  }

  async function start(port = config.port): Promise<RunningApp> {
    try {
      const database = await resolveDatabase(config, log);
      stops.push(database.stop);
      openDatabase({ url: database.url, poolMax: database.poolMax });
      stops.push(closeDatabase);

      const pubsub = createPubSubHandle(config.redisUrl);
      stops.push(pubsub.close);

      const verifyToken = createTokenVerifier(config.jwt);
      const yoga = createYogaServer({
        log,
        pubsub: pubsub.pubsub,
        verifyToken,
        graphiql: config.env === 'development',
      });
      const health = createHealthHandler(pubsub);
      const server: Server = createServer(async (req, res) => {
        if (await health(req, res)) return;
        // requestListener, not handleNodeRequestAndResponse: the latter never answers on Node 20
        // with the @whatwg-node versions yoga 5.24 pulls in.
        await yoga.requestListener(req, res);
      });
      const sockets = attachWebSocketServer({ server, yoga, verifyToken, log });

      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, config.host, () => resolve());
      });
      stops.push(async () => {
        await sockets.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
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

  return { start, stop, log };
}
