// A subscriber's event stream with the check each event must pass (split from stream.ts).
import type { OutboxEvent } from './event.js';
import type { EventStream } from './stream.js';

/** What an event must pass to be delivered (src/schema/realtime/live.ts). */
export interface EventCheck<T> {
  /** What to deliver, or null to skip the event; may throw (the subscription ends with that error). A plain value when it need not wait. */
  check(event: OutboxEvent): T | null | Promise<T | null>;
}

/**
 * A subscriber's stream with the check each event must pass for it (still active, still allowed
 * to see it). shared.ts takes the events straight from `stream` (one layer less per subscriber and
 * event); anything else iterates this.
 */
export class CheckedStream<T> implements AsyncIterableIterator<T> {
  constructor(
    readonly stream: EventStream,
    readonly checker: EventCheck<T>,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<T>> {
    for (;;) {
      const result = await this.stream.next();
      if (result.done) return { value: undefined, done: true };
      let checked: T | null;
      try {
        checked = await this.checker.check(result.value);
      } catch (error) {
        await this.stream.return();
        throw error;
      }
      if (checked !== null) return { value: checked, done: false };
    }
  }

  async return(): Promise<IteratorResult<T>> {
    await this.stream.return();
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<T>> {
    await this.stream.return();
    throw error;
  }
}
