// Liveness (the process answers) and readiness (database and pub/sub answer) probes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { prisma } from '../db.js';
import type { PubSubHandle } from '../pubsub.js';

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
