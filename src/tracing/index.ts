// OpenTelemetry tracing, on with TRACING_ENABLED=true (README, "Tracing"). This module is all
// that the app imports: the SDK, the exporter and the instrumentation (sdk.ts) are imported
// only when tracing is on, so that a server without tracing loads none of them and its
// requests run through no tracing code at all.
//
// What a span may hold: operation names and types, HTTP methods, routes and statuses, request
// and staff ids, error codes and types, and SQL text whose values are bound parameters. Never
// a document, variables, results, a URL's query string, an error's message or anything about a
// client.
import type { TracingConfig } from '../env.js';
import type { Logger } from '../logger.js';
import type { Tracing } from './sdk.js';

export type { Tracing };

export async function startTracing(config: TracingConfig, log: Logger): Promise<Tracing> {
  const { createTracing } = await import('./sdk.js');
  return createTracing(config, log);
}
