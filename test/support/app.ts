// Starts the real app on a free port over a fresh database of its own, and talks to it the
// way clients do: fetch for HTTP, the graphql-ws client for websockets.
import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { buildApp, type App } from '../../src/app.js';
import { signStaffToken } from '../../src/auth/tokens.js';
import { loadConfig, type Config } from '../../src/env.js';
import type { Logger } from '../../src/logger.js';
import { createTestDatabase } from './database.js';
import { expectAuditEventsNameTheirClient } from './audit-completeness.js';

export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }>;
}

export interface TestApp {
  app: App;
  config: Config;
  url: string;
  wsUrl: string;
  databaseUrl: string;
  tokenFor(staffId: string, options?: { expiresIn?: string | number }): Promise<string>;
  /** POSTs a GraphQL request; `token: null` sends none. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, options?: { token?: string | null; headers?: Record<string, string> }): Promise<GraphQLResponse<T>>;
  wsClient(token: string | null, options?: Partial<Parameters<typeof createClient>[0]>): WsClient;
  stop(): Promise<void>;
}

export async function startTestApp(label: string, env: Record<string, string> = {}, options: { log?: Logger } = {}): Promise<TestApp> {
  const database = await createTestDatabase(label);
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    DATABASE_URL: database.url,
    DATABASE_POOL_MAX: '4',
    ...env,
  });
  const app = buildApp(config, { log: options.log });
  const running = await app.start(0);
  const wsUrl = running.url.replace(/^http/, 'ws');
  const clients: WsClient[] = [];

  const testApp: TestApp = {
    app,
    config,
    url: running.url,
    wsUrl,
    databaseUrl: database.url,
    // Valid under the instance's settings: it lives JWT_MAX_LIFETIME unless told otherwise.
    tokenFor: (staffId, options) => signStaffToken(staffId, config.jwt.secret!, { expiresIn: `${config.jwt.maxLifetimeS}s`, ...options }),
    async gql(query, variables, options = {}) {
      const token = options.token ?? null;
      const response = await fetch(running.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...options.headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResponse;
    },
    wsClient(token, options = {}) {
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: false,
        onNonLazyError: () => {},
        connectionParams: token ? { authorization: `Bearer ${token}` } : {},
        ...options,
      });
      clients.push(client);
      return client;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.dispose()));
      await app.stop();
      try {
        await expectAuditEventsNameTheirClient(database.url);
      } finally {
        await database.drop();
      }
    },
  };
  return testApp;
}

/** Fails with the GraphQL errors when a response has any: tests read `data` afterwards. */
export function expectData<T>(response: GraphQLResponse<T>): T {
  if (response.errors?.length) {
    throw new Error(`GraphQL errors: ${JSON.stringify(response.errors, null, 2)}`);
  }
  return response.data as T;
}
