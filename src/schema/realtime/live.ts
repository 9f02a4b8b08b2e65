// From a subscriber's stream to what the resolver delivers: each event is checked against the
// subscriber as they are now (still active, token unexpired, still allowed to see the thing the
// event is about) and skipped otherwise.
import { GraphQLError } from 'graphql';
import { unauthenticated } from '../../auth/authenticate.js';
import type { Viewer } from '../../auth/viewer.js';
import type { Context } from '../../context.js';
import { ValidationError } from '../../errors.js';
import { CLOSE_FORBIDDEN } from '../../realtime/connection.js';
import type { OutboxEvent } from '../../realtime/event.js';
import { connectionOf, realtimeOf } from '../../realtime/plugin.js';
import type { EventStream } from '../../realtime/stream.js';
import { currentViewer } from '../../realtime/viewer.js';
import { viewerOf } from '../viewer.js';

/** An event as resolvers see it: the outbox event and the subscriber it is delivered to. */
export interface LiveEvent {
  event: OutboxEvent;
  viewer: Viewer;
}

export interface LiveSpec {
  topics: readonly string[];
  after: bigint | null;
  /** Whether this (current) viewer may receive this event on this subscription. */
  accept(event: OutboxEvent, viewer: Viewer): boolean | Promise<boolean>;
  /** Topics to listen to as well from this event on (e.g. the viewer joined another organization's case). */
  follow?(event: OutboxEvent, viewer: Viewer): readonly string[] | Promise<readonly string[]>;
}

export function parseEventId(value: string | null | undefined): bigint | null {
  if (value === null || value === undefined) return null;
  if (!/^\d{1,19}$/.test(value)) throw new ValidationError('afterEventId must be an eventId received earlier', 'afterEventId');
  return BigInt(value);
}

export async function live(ctx: Context, spec: LiveSpec): Promise<AsyncIterableIterator<LiveEvent>> {
  const subscriber = viewerOf(ctx);
  const connection = connectionOf(ctx);
  const realtime = realtimeOf(ctx);
  const stream = realtime.openStream([...new Set(spec.topics)], spec.after, connection);
  await stream.ready();
  if (stream.failed) throw stream.failed;
  return new Deliveries(stream, async (event) => {
    if (subscriber.expiresAt !== null && subscriber.expiresAt * 1000 <= Date.now()) {
      throw unauthenticated('The access token has expired');
    }
    const viewer = await currentViewer(event.id, subscriber.id, subscriber.expiresAt);
    if (!viewer) {
      connection?.close(CLOSE_FORBIDDEN, 'The staff member is no longer active');
      throw new GraphQLError('The staff member is no longer active', { extensions: { code: 'FORBIDDEN' } });
    }
    const allowed = await spec.accept(event, viewer);
    const more = (await spec.follow?.(event, viewer)) ?? [];
    if (more.length > 0) await stream.addTopics(more, event.id);
    realtime.deliveries[allowed ? 'delivered' : 'withheld'] += 1;
    return allowed ? { event, viewer } : null;
  });
}

/** Maps and filters a stream; return() reaches the stream even while next() waits. */
class Deliveries implements AsyncIterableIterator<LiveEvent> {
  constructor(
    private readonly source: EventStream,
    private readonly deliver: (event: OutboxEvent) => Promise<LiveEvent | null>,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<LiveEvent>> {
    for (;;) {
      const result = await this.source.next();
      if (result.done) return { value: undefined, done: true };
      let delivered: LiveEvent | null;
      try {
        delivered = await this.deliver(result.value);
      } catch (error) {
        await this.source.return();
        throw error;
      }
      if (delivered) return { value: delivered, done: false };
    }
  }

  async return(): Promise<IteratorResult<LiveEvent>> {
    await this.source.return();
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<LiveEvent>> {
    await this.source.return();
    throw error;
  }
}
