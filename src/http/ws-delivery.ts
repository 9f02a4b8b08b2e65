// How a subscription's results reach its socket without graphql-ws's per-message copy,
// validation and JSON.stringify: each result object is serialized once for all the subscribers
// it was executed for (src/realtime/shared.ts), and framed with each subscription's id.
//
// The results are read from the subscription's own stream (shared.ts), past the layers Yoga's
// per-result hooks (error masking, the error handler) put around every subscriber's stream:
// those layers made about 40% of what a 10,000-subscriber event allocated, for results that
// are one object per group. What the hooks do is done here once per result object instead
// (error-masking.ts); the wrapped stream is still the one ended, so its end hooks run.
import type { ExecutionResult } from 'graphql';
import type { WebSocket } from 'ws';
import { CLOSE_SLOW_CONSUMER } from '../realtime/connection.js';

export const TEXT = { binary: false };
export const SLOW_CONSUMER_REASON = 'Slow consumer: reconnect and resubscribe with afterEventId';

/** What a delivery needs of its socket's session. */
export interface DeliverySession {
  readonly socket: WebSocket;
  close(code: number, reason: string): void;
}

/** A subscription's results as its stream makes them, and what Yoga's per-result hooks would do. */
export interface DirectResults {
  results: AsyncIterator<ExecutionResult>;
  /** The same results as Yoga wrapped them: only ended, for its end hooks. */
  wrapped: AsyncIterator<ExecutionResult>;
  /** Masks a result's errors (and logs the incidents among them). */
  prepare(result: ExecutionResult): ExecutionResult;
  /** What the subscriber is told when the stream fails. */
  failure(error: unknown): Error;
}

/** A result's payload as graphql-ws writes it (UTF-8 JSON), prepared and made once per result object. */
const serialized = new WeakMap<ExecutionResult, Buffer>();
const CLOSING = Buffer.from('}');

function payloadOf(raw: ExecutionResult, prepare: DirectResults['prepare']): Buffer {
  let json = serialized.get(raw);
  if (json === undefined) {
    const { errors, ...rest } = prepare(raw);
    const formatted = errors?.map((error) => (typeof error.toJSON === 'function' ? error.toJSON() : { message: error.message }));
    json = ownBuffer(JSON.stringify(formatted ? { ...rest, errors: formatted } : rest));
    serialized.set(raw, json);
  }
  return json;
}

/**
 * UTF-8 in a buffer of its own. A small Buffer.from() is a slice of a shared pool slab (64 KiB
 * on Node 24), and a buffer kept for a while (a subscription's framing, a result kept for its
 * fan-out by memo.ts) would keep the whole slab alive.
 */
function ownBuffer(text: string): Buffer {
  const buffer = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  buffer.write(text);
  return buffer;
}

/**
 * A subscription's results written straight to its socket. graphql-ws iterates it as the
 * operation's result and sees no values, only the end (then `complete`) or an error (then
 * `error`). As graphql-ws does, the next result is taken once this one is written; usually the
 * kernel took it at once (nothing buffered) and there is nothing to wait for.
 */
export class Delivery implements AsyncIterableIterator<never> {
  /** `{"id":<id>,"type":"next","payload":` */
  private readonly opening: Buffer;
  /** Frames handed to the socket whose write has not completed. */
  private unwritten = 0;
  private wake: ((error?: Error) => void) | undefined;
  /** The write callback: made once (bound), not per frame. */
  private readonly onWritten: (error?: Error) => void;

  constructor(
    private readonly source: DirectResults,
    private readonly session: DeliverySession,
    id: string,
    private readonly maxBufferedBytes: number,
  ) {
    this.opening = ownBuffer(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
    this.onWritten = this.written.bind(this);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<never>> {
    const socket = this.session.socket;
    for (;;) {
      let step: IteratorResult<ExecutionResult>;
      try {
        step = await this.source.results.next();
      } catch (error) {
        await this.source.wrapped.return?.();
        throw this.source.failure(error);
      }
      if (step.done) {
        await this.source.wrapped.return?.();
        return { value: undefined, done: true };
      }
      if (socket.readyState !== socket.OPEN) continue;
      // Several subscriptions on one socket can each have an event in flight; the streams
      // bound their own queues, this bounds what sits in the socket.
      if (socket.bufferedAmount > this.maxBufferedBytes) this.session.close(CLOSE_SLOW_CONSUMER, SLOW_CONSUMER_REASON);
      const payload = payloadOf(step.value, this.source.prepare);
      this.unwritten += 1;
      socket.send(Buffer.concat([this.opening, payload, CLOSING], this.opening.length + payload.length + 1), TEXT, this.onWritten);
      if (this.unwritten > 0 && socket.bufferedAmount > 0) {
        await new Promise<void>((resolve, reject) => (this.wake = (error) => (error ? reject(error) : resolve())));
      }
    }
  }

  private written(error?: Error): void {
    this.unwritten -= 1;
    if (this.unwritten > 0 && !error) return;
    const wake = this.wake;
    this.wake = undefined;
    wake?.(error);
  }

  async return(): Promise<IteratorResult<never>> {
    await this.source.wrapped.return?.();
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<never>> {
    await this.source.wrapped.return?.();
    throw error;
  }
}
