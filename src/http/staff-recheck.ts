// Closes the sockets whose token no longer names their staff member: deactivated, or reached
// through an identity that was unlinked or replaced since the socket connected (identity.ts).
// An idle socket sees no event that would notice, so the websocket server asks periodically,
// through the same resolution (and viewer cache) as every HTTP request.
//
// Only the sockets asked about are judged: a socket that connects while the question runs is
// not in its answer, and must not be taken for revoked.
import type { Identity } from '../auth/tokens.js';
import { CLOSE_FORBIDDEN, type RealtimeConnection } from '../realtime/connection.js';

export interface CheckedSocket {
  viewer?: { id: string };
  identity?: Identity;
  connection: RealtimeConnection;
}

export const REVOKED_REASON = 'The token no longer names an active staff member';

/**
 * Returns how many sockets were closed. `resolve` answers, for each distinct identity (by key),
 * the id of the active staff member it names now (null: nobody).
 */
export async function closeRevoked(
  sockets: Iterable<CheckedSocket>,
  resolve: (identities: Identity[]) => Promise<Map<string, string | null>>,
): Promise<number> {
  const checked = [...sockets].filter((socket) => socket.viewer && socket.identity);
  if (checked.length === 0) return 0;
  const distinct = new Map(checked.map((socket) => [socket.identity!.key, socket.identity!]));
  const names = await resolve([...distinct.values()]);
  let closed = 0;
  for (const socket of checked) {
    if (names.get(socket.identity!.key) === socket.viewer!.id) continue;
    socket.connection.close(CLOSE_FORBIDDEN, REVOKED_REASON);
    closed += 1;
  }
  return closed;
}
