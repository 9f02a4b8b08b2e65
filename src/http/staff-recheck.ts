// Closes the sockets of staff members deactivated while connected. An idle socket sees no event
// that would notice a deactivation, so the websocket server asks periodically.
//
// Only the sockets whose staff members were asked about are judged: a socket that connects
// while the query runs is not in its answer, and must not be taken for deactivated.
import { CLOSE_FORBIDDEN, type RealtimeConnection } from '../realtime/connection.js';

export interface CheckedSocket {
  viewer?: { id: string };
  connection: RealtimeConnection;
}

/** Returns how many sockets were closed. `findActive` answers which of the ids are still active. */
export async function closeDeactivated(
  sockets: Iterable<CheckedSocket>,
  findActive: (staffIds: string[]) => Promise<Set<string>>,
): Promise<number> {
  const checked = [...sockets].filter((socket) => socket.viewer);
  if (checked.length === 0) return 0;
  const active = await findActive([...new Set(checked.map((socket) => socket.viewer!.id))]);
  let closed = 0;
  for (const socket of checked) {
    if (active.has(socket.viewer!.id)) continue;
    socket.connection.close(CLOSE_FORBIDDEN, 'The staff member is no longer active');
    closed += 1;
  }
  return closed;
}
