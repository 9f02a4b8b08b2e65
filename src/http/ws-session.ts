// One socket of the graphql-ws server (websocket.ts): who it is, what the real-time layer may
// ask of it, and the socket as graphql-ws's protocol sees it.
import type { WebSocket } from 'ws';
import type { Identity } from '../auth/tokens.js';
import type { Viewer } from '../auth/viewer.js';
import type { RealtimeConnection } from '../realtime/connection.js';
import type { EventStream } from '../realtime/stream.js';
import { TEXT } from './ws-delivery.js';

/** A socket closed for a reason whose close handshake does not complete is cut after this. */
export const CLOSE_HANDSHAKE_MS = 5000;

/**
 * One per socket: who it is, what the real-time layer may ask of it (RealtimeConnection), and
 * the socket as graphql-ws's protocol sees it (protocol, send, close, onMessage). A class, so
 * that a socket costs one object rather than a handful of closures.
 */
export class Session implements RealtimeConnection {
  viewer: Viewer | undefined;
  /** Whom the socket's token named: rechecked periodically (staff-recheck.ts). */
  identity: Identity | undefined;
  requestId: string | undefined;
  /** The client's address (per-IP limits); `pending` until its connection_init arrives. */
  ip = '';
  pending = false;
  expiryTimer: NodeJS.Timeout | undefined;
  /** Streams of its subscriptions (drain on shutdown); made on the first. */
  streams: Set<EventStream> | undefined;
  /** graphql-ws's handler of the socket's messages, and of its end. */
  handle: ((data: string) => Promise<void>) | undefined;
  closed: ((code?: number, reason?: string) => Promise<void>) | undefined;
  /** graphql-ws's operations of the socket: null while one is being set up or executed (drain). */
  operations: Record<string, unknown> | undefined;

  constructor(
    readonly socket: WebSocket,
    /** Its keep-alive slice. */
    readonly slice: Set<WebSocket>,
  ) {}

  get protocol(): string {
    return this.socket.protocol;
  }

  /** As staff-recheck.ts sees a socket. */
  get connection(): RealtimeConnection {
    return this;
  }

  send(data: string): Promise<void> {
    return send(this.socket, data);
  }

  onMessage(handle: (data: string) => Promise<void>): void {
    this.handle = handle;
  }

  close(code: number, reason: string): void {
    const socket = this.socket;
    if (socket.readyState !== socket.OPEN) return;
    socket.close(code, reason);
    // A client that stopped reading never answers the close frame: cut it after a while.
    setTimeout(terminate, CLOSE_HANDSHAKE_MS, socket).unref();
  }

  bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  track(stream: EventStream): void {
    (this.streams ??= new Set()).add(stream);
  }

  untrack(stream: EventStream): void {
    this.streams?.delete(stream);
  }

  busy(): boolean {
    const socket = this.socket;
    if (socket.readyState !== socket.OPEN) return false;
    if (socket.bufferedAmount > 0) return true;
    // A query or mutation still running: its result is sent before the socket closes.
    for (const id in this.operations) if (this.operations[id] === null) return true;
    for (const stream of this.streams ?? []) if (stream.undelivered > 0) return true;
    return false;
  }
}

export function terminate(socket: WebSocket): void {
  socket.terminate();
}

/** Closes a socket that was never handed to the protocol; cut if the client does not answer. */
export function refuse(socket: WebSocket, code: number, reason: string): void {
  socket.close(code, reason);
  setTimeout(terminate, CLOSE_HANDSHAKE_MS, socket).unref();
}

export interface Extra {
  session: Session;
}

export function send(socket: WebSocket, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.readyState !== socket.OPEN) return resolve();
    socket.send(data, TEXT, (error) => (error ? reject(error) : resolve()));
  });
}
