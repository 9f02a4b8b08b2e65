// The OpenTelemetry SDK behind TRACING_ENABLED (imported by index.ts only when it is on): a
// tracer provider with the configured sampler, batched export over OTLP/HTTP (JSON), the
// AsyncLocalStorage context manager (so that Prisma's spans find the request's), W3C trace
// context for incoming requests, and Prisma's own instrumentation for its query spans.
// Nothing is registered as the global tracer provider: the app's spans and Prisma's come from
// this provider, and stopping it leaves the process as it was.
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context, diag, DiagLogLevel, TraceFlags, trace, type Context, type DiagLogFunction } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, resourceAttributesEnvDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  SamplingDecision,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
} from '@opentelemetry/sdk-trace';
import { PrismaInstrumentation } from '@prisma/instrumentation';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import type { TracingConfig } from '../env.js';
import type { Logger } from '../logger.js';
import { useTracing } from './graphql.js';
import { traceRequests } from './http.js';

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface Tracing {
  /** Wraps the GraphQL side of the HTTP server: one span per request, continuing a caller's `traceparent`. */
  traceRequests(handler: RequestHandler, routes: readonly string[]): RequestHandler;
  /** Spans per GraphQL operation and its phases (parse, validate, context, execute or subscribe). */
  plugin(options: { codeOf: (error: unknown) => string }): Plugin;
  /** Exports what is left (at most TRACING_SHUTDOWN_MS), then stops. */
  shutdown(): Promise<void>;
}

/** The bound of the last export at shutdown: spans not out by then are dropped. */
export const TRACING_SHUTDOWN_MS = 5000;

function samplerOf(config: TracingConfig): Sampler {
  const ratio = new TraceIdRatioBasedSampler(config.samplerRatio);
  const root = { always_on: new AlwaysOnSampler(), always_off: new AlwaysOffSampler(), traceidratio: ratio }[
    config.sampler.replace(/^parentbased_/, '') as 'always_on' | 'always_off' | 'traceidratio'
  ];
  return config.sampler.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root;
}

/**
 * Prisma's spans only under a sampled span of ours: the relay, the sweeps and the health probe
 * query on their own, and each would otherwise start a trace of its own every second.
 */
function withinRequests(sampler: Sampler): Sampler {
  return {
    shouldSample(ctx: Context, traceId, name, kind, attributes, links) {
      if (name.startsWith('prisma:')) {
        const parent = trace.getSpanContext(ctx);
        if (!parent || !(parent.traceFlags & TraceFlags.SAMPLED)) return { decision: SamplingDecision.NOT_RECORD };
      }
      return sampler.shouldSample(ctx, traceId, name, kind, attributes, links);
    },
    toString: () => `WithinRequests{${sampler.toString()}}`,
  };
}

/** The SDK's own complaints (an unreachable collector, a refused export) as warnings, message only. */
function diagnosticsTo(log: Logger) {
  const write: DiagLogFunction = (message) => log.warn({ component: 'opentelemetry' }, `tracing: ${message}`);
  const quiet: DiagLogFunction = () => {};
  return { error: write, warn: write, info: quiet, debug: quiet, verbose: quiet };
}

export function createTracing(config: TracingConfig, log: Logger): Tracing {
  diag.setLogger(diagnosticsTo(log), { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  const provider = new TracerProvider({
    sampler: withinRequests(samplerOf(config)),
    // OTEL_RESOURCE_ATTRIBUTES (deployment.environment, service.instance.id, ...) as the SDK reads it.
    resource: defaultResource()
      .merge(detectResources({ detectors: [resourceAttributesEnvDetector] }))
      .merge(resourceFromAttributes({ 'service.name': config.serviceName })),
    // Headers, timeout and compression: OTEL_EXPORTER_OTLP_* as the exporter reads them.
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: config.endpoint }) })],
  });
  const contextManager = new AsyncLocalStorageContextManager();
  // One context manager per process: a second traced app in it (tests) shares the first one's.
  const ownsContext = context.setGlobalContextManager(contextManager.enable());
  if (!ownsContext) contextManager.disable();
  const prisma = new PrismaInstrumentation({ enabled: false });
  prisma.setTracerProvider(provider);
  prisma.enable();
  const tracer = provider.getTracer('casegraph');
  // The origin only: an endpoint URL may carry credentials or a token in its query.
  const endpoint = new URL(config.endpoint).origin;
  log.info({ endpoint, sampler: config.sampler }, `tracing: exporting spans to ${endpoint}`);

  return {
    traceRequests: (handler, routes) => traceRequests(handler, { tracer, propagator: new W3CTraceContextPropagator(), routes }),
    plugin: ({ codeOf }) => useTracing({ tracer, codeOf }),
    async shutdown() {
      prisma.disable();
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), TRACING_SHUTDOWN_MS)));
      try {
        const outcome = await Promise.race([provider.shutdown().then(() => 'done' as const), bound]);
        if (outcome === 'late') log.warn(`tracing: spans not exported within ${TRACING_SHUTDOWN_MS} ms of shutdown were dropped`);
      } finally {
        clearTimeout(timer);
        if (ownsContext) context.disable();
        diag.disable();
      }
    },
  };
}
