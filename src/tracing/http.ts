// One SERVER span per HTTP request that reaches the GraphQL side (not the probes, /metrics or
// GraphiQL's assets), continuing the caller's trace when it sends a W3C `traceparent`. The span
// is the active context while the request runs, so that everything it does nests under it.
// It holds the method, the route (a known path, never the URL: a GET carries the document and
// variables in its query string), the status and the request id.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, defaultTextMapGetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type TextMapPropagator, type Tracer } from '@opentelemetry/api';

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export const REQUEST_ID_ATTRIBUTE = 'casegraph.request_id';

export function traceRequests(
  handler: RequestHandler,
  options: { tracer: Tracer; propagator: TextMapPropagator; routes: readonly string[] },
): RequestHandler {
  const { tracer, propagator } = options;
  const routes = new Set(options.routes);
  return (req, res) => {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '').split('?')[0] ?? '';
    const route = routes.has(path) ? path : undefined;
    // Only the trace context: baggage is not read (it could carry anything).
    const parent = propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
    const span = tracer.startSpan(
      route ? `${method} ${route}` : method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': method,
          ...(route ? { 'http.route': route, 'url.path': route } : {}),
          // Set by assignRequestId (health.ts) before this runs.
          [REQUEST_ID_ATTRIBUTE]: String(req.headers['x-request-id'] ?? ''),
        },
      },
      parent,
    );
    res.once('close', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      if (!res.writableFinished) span.setAttribute('casegraph.response_aborted', true);
      span.end();
    });
    return context.with(trace.setSpan(parent, span), () => handler(req, res));
  };
}
