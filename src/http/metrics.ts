// Prometheus metrics at GET /metrics (prom-client): GraphQL requests, errors and latency by
// operation, open websockets and subscription streams, the outbox's lag behind the relay, and
// Node's own process metrics. Labels carry operation names, types, statuses and error codes
// only — never a variable, a document or anything about a client. One registry per app, so
// that two apps in one process (tests) keep their own counts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { prisma } from '../db.js';

export interface RequestOutcome {
  operationName: string | null | undefined;
  operationType: string | undefined;
  status: number;
  errorCodes: readonly string[];
  durationMs: number;
}

export interface MetricsSources {
  openSockets(): number;
  openStreams(): number;
  /** Operations executing and waiting their turn (execution-limit.ts). */
  executions(): { readonly active: number; readonly waiting: number };
  /** The relay's published position when this instance leads it (null: it does not). */
  relayPosition(): bigint | null;
}

/** Operation names are chosen by clients: past this many distinct ones, the rest count as "(other)". */
const MAX_OPERATION_NAMES = 200;

export function createMetrics(sources: MetricsSources, options: { token?: string } = {}) {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'casegraph' });
  collectDefaultMetrics({ register: registry, prefix: 'casegraph_' });

  const requests = new Counter({
    name: 'casegraph_graphql_requests_total',
    help: 'GraphQL requests over HTTP by operation, type and status',
    labelNames: ['operation', 'type', 'status'] as const,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'casegraph_graphql_errors_total',
    help: 'Errors in GraphQL responses by operation and extensions.code',
    labelNames: ['operation', 'code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'casegraph_graphql_request_duration_seconds',
    help: 'Time from request to response by operation and type',
    labelNames: ['operation', 'type'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: 'casegraph_websockets_open',
    help: 'Open graphql-ws sockets',
    registers: [registry],
    collect() {
      this.set(sources.openSockets());
    },
  });
  new Gauge({
    name: 'casegraph_subscription_streams_open',
    help: 'Open subscription streams (websocket and server-sent events)',
    registers: [registry],
    collect() {
      this.set(sources.openStreams());
    },
  });
  new Gauge({
    name: 'casegraph_graphql_executions',
    help: 'GraphQL operations executing (state="active") and waiting their turn (state="waiting")',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const { active, waiting } = sources.executions();
      this.set({ state: 'active' }, active);
      this.set({ state: 'waiting' }, waiting);
    },
  });
  new Gauge({
    name: 'casegraph_outbox_lag_events',
    help: 'Committed outbox events the relay has not published yet (reported by the leading instance)',
    registers: [registry],
    async collect() {
      const position = sources.relayPosition();
      if (position === null) return;
      const [{ latest }] = await prisma.$queryRaw<[{ latest: bigint | null }]>`SELECT max(id) AS latest FROM "DomainEvent"`;
      this.set(latest === null ? 0 : Math.max(0, Number(latest - position)));
    },
  });

  const names = new Set<string>();
  const operationLabel = (name: string | null | undefined): string => {
    if (!name) return '(anonymous)';
    if (names.has(name)) return name;
    if (names.size >= MAX_OPERATION_NAMES) return '(other)';
    names.add(name);
    return name;
  };

  return {
    /** Called by the access log (access-log.ts) once a request is answered. */
    observe(outcome: RequestOutcome): void {
      const operation = operationLabel(outcome.operationName);
      const type = outcome.operationType ?? 'unknown';
      requests.inc({ operation, type, status: String(outcome.status) });
      duration.observe({ operation, type }, outcome.durationMs / 1000);
      for (const code of outcome.errorCodes) errors.inc({ operation, code });
    },

    /** Handles GET /metrics; false for any other path. With a token set, only its bearer is answered. */
    async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
      if ((req.url ?? '').split('?')[0] !== '/metrics') return false;
      if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
        res.writeHead(401, { 'content-type': 'text/plain' });
        res.end('metrics: send Authorization: Bearer <METRICS_TOKEN>\n');
        return true;
      }
      const body = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
      res.end(body);
      return true;
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
