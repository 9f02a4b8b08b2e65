// What a subscription may ask of the connection it is delivered on. The websocket server
// provides one per socket; server-sent events have none (the stream just ends instead).
import type { EventStream } from './stream.js';

export interface RealtimeConnection {
  /** Ends the whole connection: 4403 deactivated staff member, 1013 slow consumer. */
  close(code: number, reason: string): void;
  /** Bytes queued on the socket and not yet sent. */
  bufferedAmount(): number;
  /** Lets a graceful shutdown wait until the connection's streams have delivered what they hold. */
  track(stream: EventStream): void;
  /** The stream ended. */
  untrack?(stream: EventStream): void;
}

/** WebSocket close codes of the real-time layer (4401 is the websocket server's own). */
export const CLOSE_FORBIDDEN = 4403;
/** "Try again later": graphql-ws clients retry on it (4429 is one of their fatal codes). */
export const CLOSE_SLOW_CONSUMER = 1013;
