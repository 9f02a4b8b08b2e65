// A real OTLP/HTTP receiver on a free port: it keeps every body POSTed to /v1/traces (JSON, as
// @opentelemetry/exporter-trace-otlp-http sends it) and reads the spans out of them.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
  arrayValue?: { values?: OtlpValue[] };
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
export interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  events: Array<{ name: string; attributes: Record<string, unknown> }>;
  status: { code?: number };
  resource: Record<string, unknown>;
  scope: string;
}

export const SPAN_KIND_SERVER = 2;
export const STATUS_CODE_ERROR = 2;

function valueOf(value: OtlpValue): unknown {
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(valueOf);
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.stringValue ?? value.boolValue ?? value.doubleValue;
}

const attributesOf = (list: OtlpAttribute[] | undefined) => Object.fromEntries((list ?? []).map(({ key, value }) => [key, valueOf(value)]));

export interface OtlpReceiver {
  /** The base endpoint (OTEL_EXPORTER_OTLP_ENDPOINT). */
  url: string;
  /** Every request's path, content type and raw body, in arrival order. */
  readonly requests: Array<{ path: string; contentType: string | undefined; body: string }>;
  /** Requests that arrived, answered or not. */
  readonly received: number;
  spans(): ExportedSpan[];
  close(): Promise<void>;
}

/** `answer: false` accepts exports and never answers them (a collector that hangs). */
export async function startOtlpReceiver(options: { answer?: boolean } = {}): Promise<OtlpReceiver> {
  const requests: OtlpReceiver['requests'] = [];
  let received = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    received += 1;
    if (options.answer === false) return;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get received() {
      return received;
    },
    spans() {
      const spans: ExportedSpan[] = [];
      for (const { body } of requests) {
        for (const resourceSpans of JSON.parse(body).resourceSpans ?? []) {
          const resource = attributesOf(resourceSpans.resource?.attributes);
          for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
            for (const span of scopeSpans.spans ?? []) {
              spans.push({
                traceId: span.traceId,
                spanId: span.spanId,
                parentSpanId: span.parentSpanId || undefined,
                name: span.name,
                kind: span.kind,
                attributes: attributesOf(span.attributes),
                events: (span.events ?? []).map((event: { name: string; attributes?: OtlpAttribute[] }) => ({ name: event.name, attributes: attributesOf(event.attributes) })),
                status: span.status ?? {},
                resource,
                scope: scopeSpans.scope?.name ?? '',
              });
            }
          }
        }
      }
      return spans;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
