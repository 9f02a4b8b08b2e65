// From a subscriber's stream to what the resolver delivers: each event is checked against the
// subscriber as they are now (still active, token unexpired, still allowed to see the thing the
// event is about) and skipped otherwise.
import { GraphQLError } from 'graphql';
import { unauthenticated } from '../../auth/authenticate.js';
import type { Viewer } from '../../auth/viewer.js';
import type { Context } from '../../context.js';
import { ValidationError } from '../../errors.js';
import { CLOSE_FORBIDDEN, type RealtimeConnection } from '../../realtime/connection.js';
import type { OutboxEvent } from '../../realtime/event.js';
import { connectionOf, realtimeOf } from '../../realtime/plugin.js';
import type { RealtimeRuntime } from '../../realtime/runtime.js';
import { CheckedStream, type EventCheck } from '../../realtime/checked-stream.js';
import type { EventStream } from '../../realtime/stream.js';
import { currentViewer, type CurrentViewer } from '../../realtime/viewer.js';
import { viewerOf } from '../viewer.js';

/** An event as resolvers see it: the outbox event and the subscriber it is delivered to. */
export interface LiveEvent {
  event: OutboxEvent;
  /** The subscriber's staff member as loaded for this event (not their token: expiresAt is null). */
  viewer: Viewer;
  /**
   * The event, the staff member and the state of them it was checked against
   * (src/realtime/viewer.ts): deliveries of one audience and one operation share an execution
   * (src/realtime/shared.ts). Resolvers must read the viewer from here (or the context), never
   * from anything else that differs between subscribers of one staff member.
   */
  audience: string;
}

export interface LiveSpec {
  topics: readonly string[];
  after: bigint | null;
  /** Whether this (current) viewer may receive this event on this subscription. */
  accept(event: OutboxEvent, viewer: Viewer): boolean | Promise<boolean>;
  /** Topics to listen to as well from this event on (e.g. the viewer joined another organization's case). */
  follow?(event: OutboxEvent, viewer: Viewer): readonly string[] | Promise<readonly string[]>;
}

/** A promise, or anything else that could be awaited: never mistaken for an answer. */
function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

export function parseEventId(value: string | null | undefined): bigint | null {
  if (value === null || value === undefined) return null;
  if (!/^\d{1,19}$/.test(value)) throw new ValidationError('afterEventId must be an eventId received earlier', 'afterEventId');
  return BigInt(value);
}

export async function live(ctx: Context, spec: LiveSpec): Promise<CheckedStream<LiveEvent>> {
  const realtime = realtimeOf(ctx);
  const connection = connectionOf(ctx);
  const stream = realtime.openStream([...new Set(spec.topics)], spec.after, connection);
  await stream.ready();
  if (stream.failed) throw stream.failed;
  return new CheckedStream(stream, new LiveCheck(viewerOf(ctx), spec, stream, realtime, connection));
}

/**
 * The check of one subscription's events. Synchronous whenever the answers are known already
 * (memo.now): a fan-out to thousands of subscribers of one staff member asks the database once,
 * every other delivery only looks. (A class, not closures: one object per subscription.)
 */
class LiveCheck implements EventCheck<LiveEvent> {
  constructor(
    private readonly subscriber: Viewer,
    private readonly spec: LiveSpec,
    private readonly stream: EventStream,
    private readonly realtime: RealtimeRuntime,
    private readonly connection: RealtimeConnection | undefined,
  ) {}

  check(event: OutboxEvent): LiveEvent | null | Promise<LiveEvent | null> {
    const { subscriber } = this;
    if (subscriber.expiresAt !== null && subscriber.expiresAt * 1000 <= Date.now()) {
      throw unauthenticated('The access token has expired');
    }
    const current = currentViewer(event.id, subscriber.id);
    return isThenable(current) ? this.later(event, current) : this.admit(event, current);
  }

  private async later(event: OutboxEvent, current: Promise<CurrentViewer | null>): Promise<LiveEvent | null> {
    return this.admit(event, await current);
  }

  private admit(event: OutboxEvent, current: CurrentViewer | null): LiveEvent | null | Promise<LiveEvent | null> {
    if (!current) {
      this.connection?.close(CLOSE_FORBIDDEN, 'The staff member is no longer active');
      throw new GraphQLError('The staff member is no longer active', { extensions: { code: 'FORBIDDEN' } });
    }
    const allowed = this.spec.accept(event, current.viewer);
    const more = this.spec.follow?.(event, current.viewer);
    if (isThenable(allowed) || isThenable(more) || (more && more.length > 0)) return this.settle(event, current, allowed, more);
    return this.count(event, current, allowed);
  }

  private async settle(
    event: OutboxEvent,
    current: CurrentViewer,
    accepting: boolean | Promise<boolean>,
    following: readonly string[] | Promise<readonly string[]> | undefined,
  ): Promise<LiveEvent | null> {
    const allowed = await accepting;
    const more = (await following) ?? [];
    if (more.length > 0) await this.stream.addTopics(more, event.id);
    return this.count(event, current, allowed);
  }

  private count(event: OutboxEvent, current: CurrentViewer, allowed: boolean): LiveEvent | null {
    this.realtime.deliveries[allowed ? 'delivered' : 'withheld'] += 1;
    return allowed ? { event, viewer: current.viewer, audience: current.audience } : null;
  }
}
