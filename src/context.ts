import type { Logger } from './logger.js';
import type { CasegraphPubSub } from './pubsub.js';
import type { Viewer } from './auth/viewer.js';
import type { AuditBuffer } from './audit/read-audit.js';

/** Per-request (or per-subscription) context handed to every resolver. */
export interface Context {
  viewer: Viewer | null;
  requestId: string;
  operationName: string | null;
  log: Logger;
  pubsub: CasegraphPubSub;
  /** Reads and denied attempts of this operation, written before the response leaves. */
  audit: AuditBuffer;
}

/** The context of a resolver that scope-auth has already let through as authenticated. */
export type AuthedContext = Context & { viewer: Viewer };
