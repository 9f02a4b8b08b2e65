// The subscriber as they are now. A socket authenticates once, but roles, team memberships and
// the active flag may change while it stays open: each event is checked against a viewer
// reloaded for it (memoized per event and staff member).
import { loadViewer, type Viewer } from '../auth/viewer.js';
import { memo } from './memo.js';

/** Null when the staff member no longer exists or was deactivated. */
export function currentViewer(eventId: bigint, staffId: string, expiresAt: number | null): Promise<Viewer | null> {
  return memo(`viewer:${eventId}:${staffId}`, () => loadViewer(staffId, null)).then((viewer) =>
    viewer ? { ...viewer, expiresAt } : null,
  );
}
