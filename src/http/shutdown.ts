// The HTTP side of a graceful shutdown, in the order load balancers expect: once `begin()` is
// called, /ready answers 503 (health.ts asks `draining`), requests that arrive are refused with
// 503 SERVICE_UNAVAILABLE and `Connection: close` before anything runs (the client may retry
// elsewhere: nothing was done), and requests already running finish and get their responses,
// with `Connection: close` so that their keep-alive connection ends with them. `settled(ms)`
// resolves when no request is running, or after `ms`.
// Event streams (server-sent events) never finish on their own: they are not waited for here;
// the real-time layer ends them (app.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request that streams events for as long as it is open (SSE), not one to wait for. */
function isEventStream(req: IncomingMessage): boolean {
  const path = (req.url ?? '').split('?')[0] ?? '';
  return path.endsWith('/stream') || (req.headers.accept ?? '').includes('text/event-stream');
}

export function createShutdownGate() {
  let draining = false;
  const running = new Set<ServerResponse>();
  const streams = new Set<ServerResponse>();
  const idle = new Map<Set<ServerResponse>, () => void>();

  function finished(this: ServerResponse): void {
    for (const set of [running, streams]) if (set.delete(this) && set.size === 0) idle.get(set)?.();
  }

  function emptied(set: Set<ServerResponse>, ms: number): Promise<boolean> {
    if (set.size === 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        idle.delete(set);
        resolve(false);
      }, ms);
      idle.set(set, () => {
        clearTimeout(timer);
        idle.delete(set);
        resolve(true);
      });
    });
  }

  return {
    get draining(): boolean {
      return draining;
    },

    get running(): number {
      return running.size;
    },

    /** True when the request was refused (the server is shutting down); otherwise tracks it. */
    refuse(req: IncomingMessage, res: ServerResponse): boolean {
      if (draining) {
        // Answered once the request body is read: closing with unread bytes would reset the
        // connection, and the client would see a network error instead of the 503.
        const answer = () => {
          res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', connection: 'close', 'retry-after': '1' });
          res.end(JSON.stringify({ errors: [{ message: 'The server is shutting down: retry the request', extensions: { code: 'SERVICE_UNAVAILABLE' } }] }));
        };
        if (req.complete) answer();
        else req.once('end', answer).resume();
        return true;
      }
      (isEventStream(req) ? streams : running).add(res);
      res.once('close', finished);
      return false;
    },

    /** From now on: not ready, new requests refused, running ones answered with Connection: close. */
    begin(): void {
      draining = true;
      for (const res of running) if (!res.headersSent) res.setHeader('connection', 'close');
    },

    /** Resolves when no request is running, or after `ms`; true when none is left. */
    settled(ms: number): Promise<boolean> {
      return emptied(running, ms);
    },

    /** Resolves when every event stream's response has ended, or after `ms`. */
    streamsEnded(ms: number): Promise<boolean> {
      return emptied(streams, ms);
    },
  };
}

export type ShutdownGate = ReturnType<typeof createShutdownGate>;
