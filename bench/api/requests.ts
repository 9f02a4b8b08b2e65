// The requests of the API benchmark: each canonical operation with its actor's token and its
// variables (mutations: a new input per request, over the writer's open cases), and a plain POST.
import { globalId, loadOperation, CANONICAL_OPERATIONS, type CanonicalOperation, type GraphQLBody } from './operations.js';
import type { Actors } from './database.js';

export interface Operation {
  name: CanonicalOperation;
  token: string;
  /** Fixed, or a new body per request (mutations: the next case of the writer). */
  body: string | (() => string);
}

export function operations(actors: Actors, tokens: Record<'manager' | 'supervisor' | 'analyst' | 'writer', string>): Operation[] {
  const request = (name: CanonicalOperation, variables: Record<string, unknown>) => {
    const document = loadOperation(name);
    return JSON.stringify({ query: document.query, operationName: document.operationName, variables });
  };
  const cases = actors.writer.cases;
  if (cases.length === 0) throw new Error(`the writer ${actors.writer.email} has no open case to record on`);
  let interactions = 0;
  let crises = 0;
  const byName: Record<CanonicalOperation, Omit<Operation, 'name'>> = {
    'caseload-dashboard': { token: tokens.manager, body: request('caseload-dashboard', {}) },
    'client-search': { token: tokens.manager, body: request('client-search', {}) },
    'client-chart': { token: tokens.manager, body: request('client-chart', { id: globalId('Client', actors.chartClient.id) }) },
    'crisis-board': { token: tokens.supervisor, body: request('crisis-board', { organizationId: globalId('Organization', actors.manager.organizationId) }) },
    reports: { token: tokens.analyst, body: request('reports', {}) },
    'record-interaction': {
      token: tokens.writer,
      body: () => {
        const target = cases[interactions++ % cases.length]!;
        return request('record-interaction', {
          input: {
            caseId: globalId('Case', target.caseId),
            type: 'PHONE_CALL',
            occurredAt: new Date(Date.now() - 60_000).toISOString(),
            durationMinutes: 15,
            summary: 'Check-in call: went over the housing search and this week\'s appointments.',
          },
        });
      },
    },
    'raise-crisis': {
      token: tokens.writer,
      body: () => {
        const target = cases[crises++ % cases.length]!;
        return request('raise-crisis', {
          input: {
            clientId: globalId('Client', target.clientId),
            caseId: globalId('Case', target.caseId),
            category: 'HOUSING_LOSS',
            severity: 'LOW',
            description: 'Eviction notice received; needs emergency housing options this week.',
          },
        });
      },
    },
  };
  return CANONICAL_OPERATIONS.map((name) => ({ name, ...byName[name] }));
}

export const bodyOf = (op: Pick<Operation, 'body'>) => (typeof op.body === 'string' ? op.body : op.body());

export async function post(url: string, body: string, token: string | null): Promise<{ status: number; answer: GraphQLBody; bytes: number; ms: number }> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  const ms = Math.round(performance.now() - started);
  let answer: GraphQLBody;
  try {
    answer = JSON.parse(text) as GraphQLBody;
  } catch {
    answer = { errors: [{ message: `not JSON: ${text.slice(0, 300)}` }] };
  }
  return { status: response.status, answer, bytes: text.length, ms };
}

/** A line about what an answer holds, to see at a glance that the operation reads real data. */
export function describe(name: CanonicalOperation, data: any): string {
  switch (name) {
    case 'caseload-dashboard':
      return `${data.me.caseload.edges.length} of ${data.me.caseload.totalCount} open cases`;
    case 'client-search':
      return `${data.clients.edges.length} of ${data.clients.totalCount} clients`;
    case 'client-chart': {
      const cases = data.node.cases as any[];
      const interactions = cases.reduce((n, c) => n + c.interactions.edges.length, 0);
      return `${cases.length} cases, ${interactions} interactions, ${cases.reduce((n, c) => n + c.carePlans.length, 0)} plans, ${data.node.crises.length} crises`;
    }
    case 'crisis-board':
      return `${data.crises.edges.length} of ${data.crises.totalCount} open crises`;
    case 'reports':
      return `${data.reports.casesByStatus.length} case counts, ${data.reports.referralOutcomes.length} referral outcomes, ${data.reports.crises.length} crisis counts`;
    case 'record-interaction':
      return `recorded ${data.recordInteraction.type}`;
    case 'raise-crisis':
      return `raised ${data.raiseCrisis.severity} ${data.raiseCrisis.category}`;
  }
}
