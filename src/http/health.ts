// Liveness (the process answers) and readiness (database and pub/sub answer) probes.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { prisma } from '../db.js';
import type { PubSubHandle } from '../pubsub.js';
import { REQUEST_ID } from './yoga.js';

/**
 * Every response carries an x-request-id: the caller's when well-formed, else a new one, which
 * is also handed on to yoga (its context and log lines then use the same id).
 */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): void {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  req.headers['x-request-id'] = id;
  res.setHeader('x-request-id', id);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function databaseAnswers(): Promise<boolean> {
  try {
    await prisma.$queryRaw`SELECT 1`;
    return true;
  } catch {
    return false;
  }
}

async function pubsubAnswers(handle: PubSubHandle): Promise<boolean> {
  try {
    return await handle.ping();
  } catch {
    return false;
  }
}

/**
 * Handles /health and /ready; returns false for any other path. While the server shuts down
 * (`draining`), /ready answers 503 at once, so that load balancers stop sending requests.
 */
export function createHealthHandler(pubsub: PubSubHandle, draining: () => boolean = () => false) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/health') {
      json(res, 200, { status: 'ok' });
      return true;
    }
    if (path === '/ready') {
      if (draining()) {
        json(res, 503, { status: 'draining', checks: {}, pubsub: pubsub.mode });
        return true;
      }
      const [database, pubsubOk] = await Promise.all([databaseAnswers(), pubsubAnswers(pubsub)]);
      const ready = database && pubsubOk;
      json(res, ready ? 200 : 503, {
        status: ready ? 'ready' : 'unavailable',
        checks: { database: database ? 'ok' : 'down', pubsub: pubsubOk ? 'ok' : 'down' },
        pubsub: pubsub.mode,
      });
      return true;
    }
    return false;
  };
}
