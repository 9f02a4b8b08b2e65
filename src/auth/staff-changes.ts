// Each instance's own PostgreSQL session listening for staff changes (roles, active flag,
// organization, team memberships), so the viewer cache drops an entry as soon as the change
// commits, whichever instance or tool made it. Reconnects until stopped.
import pg from 'pg';
import { endWithin } from '../db/sessions.js';
import type { Logger } from '../logger.js';
import { viewerCache } from './viewer-cache.js';

/**
 * The channel the triggers of migrations `staff_change_notify` and `staff_external_identity`
 * notify: '<staff id or *>:<xid>', and '<staff id>:<xid>:link' when that row now stores an
 * external identity.
 */
export const STAFF_CHANNEL = 'casegraph_staff';

export interface StaffChangeListener {
  /** Settles once the first session listens, or failed to: the server starts with its cache working. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export function listenForStaffChanges(options: { url: string; log: Logger; retryMs?: number }): StaffChangeListener {
  const retryMs = options.retryMs ?? 1000;
  let settleReady!: () => void;
  const ready = new Promise<void>((resolve) => (settleReady = resolve));
  let stopped = false;
  let client: pg.Client | undefined;
  let wakeRetry: (() => void) | undefined;

  const loop = (async () => {
    while (!stopped) {
      const session = new pg.Client({ connectionString: options.url, keepAlive: true, connectionTimeoutMillis: 10_000, application_name: 'casegraph-staff' });
      let connected = false;
      const lost = new Promise<void>((resolve) => {
        session.on('error', () => resolve());
        session.on('end', () => resolve());
      });
      session.on('notification', ({ payload }) => {
        const [staffId, xid, mark] = (payload ?? '').split(':');
        viewerCache.invalidate(staffId && staffId !== '*' ? staffId : null, xid && /^\d+$/.test(xid) ? BigInt(xid) : null, mark === 'link');
      });
      try {
        client = session;
        await session.connect();
        await session.query(`LISTEN ${STAFF_CHANNEL}`);
        if (stopped) break;
        connected = true;
        viewerCache.listening(true);
        settleReady();
        await lost;
      } catch (error) {
        if (!stopped) options.log.warn({ err: error }, 'staff change listener lost its session; viewers are loaded per request until it is back');
      } finally {
        if (connected) viewerCache.listening(false);
        settleReady();
        client = undefined;
        await endWithin(session, 2000);
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        wakeRetry = resolve;
        setTimeout(resolve, retryMs).unref();
      });
    }
  })();

  return {
    ready,
    async stop() {
      stopped = true;
      wakeRetry?.();
      if (client) await endWithin(client, 2000);
      await loop;
    },
  };
}
