// The subscriber as they are now. A socket authenticates once, but roles, team memberships and
// the active flag may change while it stays open: each event is checked against a viewer
// reloaded for it (memoized per event and staff member).
import { loadViewer, type Viewer } from '../auth/viewer.js';
import { memo } from './memo.js';

export interface CurrentViewer {
  /** As loaded for this event; `expiresAt` is null: the subscriber's own token is checked apart. */
  viewer: Viewer;
  /**
   * Names this event, this staff member and this one load of them: deliveries that carry the
   * same audience were checked against the same state of the same person, and may share one
   * execution of the same operation (shared.ts). Never derived from anything a client sends.
   */
  audience: string;
}

let loads = 0;

async function load(eventId: bigint, staffId: string): Promise<CurrentViewer | null> {
  const viewer = await loadViewer(staffId, null);
  loads += 1;
  return viewer && { viewer, audience: `${eventId}:${staffId}:${loads}` };
}

/**
 * Null when the staff member no longer exists or was deactivated. One object for all their
 * deliveries of the event; a plain value once loaded (memo.now).
 */
export function currentViewer(eventId: bigint, staffId: string): CurrentViewer | null | Promise<CurrentViewer | null> {
  return memo.now(`viewer:${eventId}:${staffId}`, load, eventId, staffId);
}
