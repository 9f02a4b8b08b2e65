// exportStatistics over HTTP: `POST /statistics/export` with the arguments of the `statistics`
// query as a JSON body (enum values as strings, ids as the API's global ids) and `format`
// "csv" (default) or "ndjson"; the table streams back line by line, with the same scope and
// suppression as the query, audited as EXPORT. Errors are JSON `{ errors: [...] }` with the
// GraphQL codes: 400 BAD_USER_INPUT, 401 UNAUTHENTICATED, 403 FORBIDDEN.
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { z } from 'zod';
import { authenticate } from '../auth/authenticate.js';
import type { TokenVerifier } from '../auth/tokens.js';
import { UUID } from '../auth/viewer.js';
import { AppError, ValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { AGE_BANDS, DIMENSIONS, MEASURES, TIME_GRAINS, type Dimension } from '../services/statistics/catalog.js';
import { exportLines } from '../services/statistics/export.js';
import { statistics } from '../services/statistics/statistics.js';
import { requestIdOf } from './yoga.js';

export const EXPORT_PATH = '/statistics/export';
const MAX_BODY_BYTES = 64 * 1024;

const ids = z.array(z.string().max(200)).max(100).nullish();
const values = z.array(z.string().max(200)).max(100).nullish();
const Body = z.object({
  measures: z.array(z.enum(MEASURES)),
  dimensions: z.array(z.enum(DIMENSIONS)).nullish(),
  timeGrain: z.enum(TIME_GRAINS).nullish(),
  from: z.iso.datetime({ offset: true }).nullish(),
  to: z.iso.datetime({ offset: true }).nullish(),
  format: z.enum(['csv', 'ndjson']).default('csv'),
  filter: z
    .object({
      organizationIds: ids, teamIds: ids, caseManagerIds: ids, providerIds: ids,
      settings: values, serviceTypes: values, needDomains: values, riskLevels: values,
      ageBands: z.array(z.enum(AGE_BANDS)).max(100).nullish(), regions: values, crisisCategories: values, crisisSeverities: values,
    })
    .strict()
    .nullish(),
}).strict();

const ID_FILTERS: Record<string, [Dimension, string]> = {
  organizationIds: ['ORGANIZATION', 'Organization'],
  teamIds: ['TEAM', 'Team'],
  caseManagerIds: ['CASE_MANAGER', 'StaffMember'],
  providerIds: ['PROVIDER', 'Provider'],
};
const VALUE_FILTERS: Record<string, Dimension> = {
  settings: 'SETTING', serviceTypes: 'SERVICE_TYPE', needDomains: 'NEED_DOMAIN', riskLevels: 'RISK_LEVEL', ageBands: 'AGE_BAND',
  regions: 'REGION', crisisCategories: 'CRISIS_CATEGORY', crisisSeverities: 'CRISIS_SEVERITY',
};

function decodeId(globalId: string, typename: string, field: string): string {
  const decoded = Buffer.from(globalId, 'base64').toString('utf8');
  const [type, id] = [decoded.slice(0, decoded.indexOf(':')), decoded.slice(decoded.indexOf(':') + 1)];
  if (type !== typename || !UUID.test(id)) throw new ValidationError(`"${globalId}" is not a ${typename} id`, `filter.${field}`);
  return id;
}

function filterOf(filter: z.infer<typeof Body>['filter']): Partial<Record<Dimension, string[]>> {
  const out: Partial<Record<Dimension, string[]>> = {};
  for (const [field, list] of Object.entries(filter ?? {})) {
    if (!list) continue;
    const byId = ID_FILTERS[field];
    if (byId) out[byId[0]] = list.map((id) => decodeId(id, byId[1], field));
    else out[VALUE_FILTERS[field]!] = list;
  }
  return out;
}

const json = (status: number, code: string, message: string, field?: string | null) =>
  new Response(JSON.stringify({ errors: [{ message, extensions: { code, ...(field ? { field } : {}) } }] }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });

async function handle(request: Request, verifyToken: TokenVerifier, log: Logger): Promise<Response> {
  if (request.method !== 'POST') return new Response(null, { status: 405, headers: { allow: 'POST' } });
  const requestId = requestIdOf(request);
  try {
    const viewer = await authenticate(request.headers.get('authorization'), verifyToken);
    if (!viewer) return json(401, 'UNAUTHENTICATED', 'Authentication required: send "Authorization: Bearer <token>"');
    const text = await request.text();
    if (text.length > MAX_BODY_BYTES) return json(413, 'BAD_USER_INPUT', `The body may not exceed ${MAX_BODY_BYTES} bytes`);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return json(400, 'BAD_USER_INPUT', 'The body must be JSON');
    }
    const parsed = Body.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return json(400, 'BAD_USER_INPUT', `${issue.path.join('.') || 'body'}: ${issue.message}`, issue.path.join('.') || null);
    }
    const body = parsed.data;
    const table = await statistics(
      {
        measures: body.measures,
        dimensions: body.dimensions,
        timeGrain: body.timeGrain,
        from: body.from ? new Date(body.from) : null,
        to: body.to ? new Date(body.to) : null,
        filter: filterOf(body.filter),
      },
      { viewer, requestId, operationName: 'exportStatistics' },
      'EXPORT',
    );
    const lines = exportLines(table, body.format);
    const encoder = new TextEncoder();
    // Pulled line by line as the client reads (up to LIMITS.rows lines).
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = lines.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
    });
    return new Response(stream, {
      status: 200,
      headers: {
        'content-type': body.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        'content-disposition': `attachment; filename="statistics.${body.format === 'csv' ? 'csv' : 'ndjson'}"`,
        'cache-control': 'no-store',
        'x-request-id': requestId,
      },
    });
  } catch (error) {
    if (error instanceof GraphQLError && error.extensions.code === 'UNAUTHENTICATED') return json(401, 'UNAUTHENTICATED', error.message);
    if (error instanceof AppError) {
      const status = error.code === 'FORBIDDEN' ? 403 : 400;
      return json(status, error.code, error.message, error instanceof ValidationError ? error.field : null);
    }
    // The kind only: a database error's message may quote values.
    log.error({ requestId, kind: error instanceof Error ? error.name : typeof error }, 'statistics export failed');
    return json(500, 'INTERNAL_SERVER_ERROR', `Unexpected error (request ${requestId})`);
  }
}

/** Answers EXPORT_PATH before Yoga's GraphQL handling; every other request passes through. */
export function useStatisticsExport(verifyToken: TokenVerifier, log: Logger): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname !== EXPORT_PATH) return;
      endResponse(await handle(request, verifyToken, log));
    },
  };
}
