// Admission of websockets, before and around authentication (websocket.ts):
//   - an upgrade counts against the per-IP request ceiling: HTTP 429 with Retry-After, no socket;
//   - at most WS_MAX_PENDING_SOCKETS sockets per instance may wait for their connection_init
//     (each waits WS_CONNECTION_INIT_TIMEOUT_MS at most, then 4408): past it a new socket is
//     closed with 1013 (try again later; graphql-ws clients retry with back-off);
//   - at connection_init, an address out of failed authentications whose token is not already
//     verified is closed with 4429 before its token is verified;
//   - at most WS_MAX_SOCKETS_PER_STAFF authenticated sockets of one staff member per instance
//     (one socket carries all of a tab's subscriptions): past it, 4429. graphql-ws clients do
//     not retry 4429; the reason says which limit and, for failed authentications, when.
import type { IncomingMessage } from 'node:http';
import { clientIpOf } from './rate-limits/client-ip.js';
import type { RateLimits } from './rate-limits/limits.js';

export const CLOSE_TRY_AGAIN_LATER = 1013;
export const CLOSE_RATE_LIMITED = 4429;

type VerifyCallback = (ok: boolean, status?: number, message?: string, headers?: Record<string, string>) => void;

export interface SocketLimits {
  verifyClient(info: { req: IncomingMessage }, callback: VerifyCallback): void;
  /** A new socket may wait for its connection_init; false: close it with 1013. */
  admitPending(): boolean;
  /** A socket admitted by admitPending sent its connection_init or closed. */
  settlePending(): void;
  /** Counts an authenticated socket of `staffId`; false: it has too many, close with 4429. */
  admitStaff(staffId: string): boolean;
  releaseStaff(staffId: string): void;
  readonly pending: number;
}

export function createSocketLimits(options: { rateLimits?: RateLimits; trustProxy: number; maxPending: number; maxPerStaff: number }): SocketLimits {
  const { rateLimits, trustProxy, maxPending, maxPerStaff } = options;
  let pending = 0;
  const perStaff = new Map<string, number>();
  return {
    verifyClient(info, callback) {
      if (!rateLimits) return callback(true);
      rateLimits.request(clientIpOf(info.req, trustProxy)).then(
        (limited) =>
          limited ? callback(false, 429, 'Too Many Requests', { 'Retry-After': String(limited.retryAfterS) }) : callback(true),
        () => callback(true),
      );
    },
    admitPending() {
      if (pending >= maxPending) return false;
      pending += 1;
      return true;
    },
    settlePending() {
      pending -= 1;
    },
    admitStaff(staffId) {
      const open = perStaff.get(staffId) ?? 0;
      if (open >= maxPerStaff) return false;
      perStaff.set(staffId, open + 1);
      return true;
    },
    releaseStaff(staffId) {
      const open = (perStaff.get(staffId) ?? 1) - 1;
      if (open > 0) perStaff.set(staffId, open);
      else perStaff.delete(staffId);
    },
    get pending() {
      return pending;
    },
  };
}
