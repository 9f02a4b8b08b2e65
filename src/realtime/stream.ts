// One subscription's events, in id order, each once, with nothing missing: the outbox backlog
// the subscriber asked for (afterEventId), then live events.
//
// The join between the two is where events get lost or doubled, so it goes like this:
//  1. subscribe to the topics on the transport and wait for the confirmation; live events that
//     arrive from now on are held back;
//  0. (no afterEventId) read where the stream starts, S, when it is opened: from the database,
//     whatever Redis is doing (positions.ts), so that nothing committed after it is skipped;
//  2. read the relay's published position P (after step 1: the relay records P before it
//     publishes the batch, so every event above P is published later and reaches us live);
//  3. read the outbox after the last delivered id up to P (events up to P are committed: the
//     relay only publishes committed events);
//  4. release the held live events above the last delivered id, then deliver live events,
//     dropping any id not above the last delivered one (a relay may publish twice after a
//     failover, never out of order).
// When the transport loses its connection (suspend) live events are held again, and once it is
// back (resume) steps 2-4 run from the last delivered id: a Redis restart loses nothing.
//
// Memory is bounded by `maxQueued` events. Past it, if the connection has stopped taking data
// (bytes wait in its send buffer) the consumer is too slow: the stream ends and the connection
// is closed (1013), the client resumes with afterEventId. Otherwise the delay is ours (a burst,
// e.g. the relay catching up after an outage): the stream drops what it holds and reads it
// again from the outbox, a page at a time, at the pace the consumer takes it.
import { GraphQLError } from 'graphql';
import type { OutboxEvent } from './event.js';
import type { Hub, HubListener } from './hub.js';
import { oldestRetained, readBacklog } from './outbox.js';

const PAGE = 500;

export class SlowConsumerError extends GraphQLError {
  constructor() {
    super('Too many undelivered events: the connection reads too slowly. Resubscribe with afterEventId.', {
      extensions: { code: 'SLOW_CONSUMER' },
    });
  }
}

export interface StreamOptions {
  hub: Hub;
  topics: readonly string[];
  /** The last event id the client received: deliver what came after it first. Null: from now. */
  after: bigint | null;
  maxQueued: number;
  /** True when the connection is not taking data (bytes wait in its send buffer). */
  stalled?: () => boolean;
  /** Called once when the stream gives up on a slow consumer. */
  onOverflow?: () => void;
  /** Called once when the stream ends, whatever the reason. */
  onEnd?: () => void;
  /** The outbox (tests give an in-memory one). */
  outbox?: { readBacklog: typeof readBacklog; oldestRetained: typeof oldestRetained };
}

// A waiting consumer's promise is made with one executor for all streams (no closure per wait:
// 10,000 subscribers wait again after every event).
let captured: ((result: Promise<IteratorResult<OutboxEvent>>) => void) | undefined;
const capture = (resolve: (result: Promise<IteratorResult<OutboxEvent>>) => void) => {
  captured = resolve;
};

export class EventStream implements AsyncIterableIterator<OutboxEvent>, HubListener {
  private readonly queue: OutboxEvent[] = [];
  private held: OutboxEvent[] = [];
  /** Highest id delivered or queued: the dedupe boundary. Null until the first join. */
  private delivered: bigint | null = null;
  /** Highest id handed to the consumer (where it started, before the first). */
  private yielded: bigint | null = null;
  /** Events up to here were dropped from memory and must be read from the outbox. */
  private floor = 0n;
  private joining = true;
  /** The position read for the current join; null while it is being read. */
  private through: bigint | null = null;
  private generation = 0;
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  /** Settles what next() returned to a consumer waiting on a live stream with nothing queued. */
  private waiter: ((result: Promise<IteratorResult<OutboxEvent>>) => void) | undefined;
  private readonly started: Promise<void>;
  /** Backlog pages stay within the memory bound too. */
  private readonly pageSize: number;
  /** The topics listened to: the given ones, and those added later (addTopics). */
  private readonly topicList: string[];
  /** Where a stream without afterEventId starts (step 0); null: at its first join's position. */
  private from: bigint | null = null;

  constructor(private readonly options: StreamOptions) {
    this.pageSize = Math.max(1, Math.min(PAGE, options.maxQueued));
    this.topicList = [...options.topics];
    const start =
      options.after === null
        ? options.hub.start().then(
            (from) => void (this.from = from),
            () => undefined, // unknown: the first join's position, as before
          )
        : undefined;
    this.started = Promise.all([options.hub.add(this.topicList, this), start]).then(
      () => this.readPosition(this.generation),
      (error: unknown) => this.fail(error as Error),
    );
  }

  /** Resolves when the stream is subscribed and knows where it starts (tests, benchmarks). */
  ready(): Promise<void> {
    return this.started;
  }

  /** Its start is fixed (afterEventId, or read when it was opened): events after it will come. */
  get startKnown(): boolean {
    return this.options.after !== null || this.from !== null || this.delivered !== null;
  }

  get isLive(): boolean {
    return !this.joining && !this.ended;
  }

  /** Events received and not yet taken by the consumer (a backlog still to read counts as one). */
  get undelivered(): number {
    const backlog = this.joining && this.through !== null && this.delivered !== null && this.delivered < this.through ? 1 : 0;
    return this.queue.length + this.held.length + backlog;
  }

  get topics(): readonly string[] {
    return this.topicList;
  }

  /** The error that ended the stream, if one did. */
  get failed(): Error | undefined {
    return this.failure;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<OutboxEvent>> {
    // A live stream, the common case: what is queued, or one promise until the next event (a
    // stream waits far longer than it works: the wait should hold as little as possible).
    if (!this.joining && !this.ended && !this.failure && !this.waiter) {
      const queued = this.queue.shift();
      if (queued) {
        this.yielded = queued.id;
        return Promise.resolve({ value: queued, done: false });
      }
      const waiting = new Promise<IteratorResult<OutboxEvent>>(capture);
      this.waiter = captured;
      captured = undefined;
      return waiting;
    }
    return this.nextSlowly();
  }

  private async nextSlowly(): Promise<IteratorResult<OutboxEvent>> {
    for (;;) {
      if (this.failure) throw this.failure;
      if (this.ended) return { value: undefined, done: true };
      const queued = this.queue.shift();
      if (queued) {
        this.yielded = queued.id;
        return { value: queued, done: false };
      }
      if (this.joining && this.through !== null && this.delivered !== null) {
        await this.catchUp(this.through);
        continue;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  async return(): Promise<IteratorResult<OutboxEvent>> {
    this.end();
    return { value: undefined, done: true };
  }

  /**
   * Listens to more topics from now on, with their events after `from` (the id the consumer was
   * just handed: call it before asking for the next one), so that nothing of theirs is missed
   * between that event and the moment the transport subscription is confirmed.
   *
   * It is a join of its own: live events are held (suspend); the new topics' events after
   * `from` up to what was already queued are merged into the queue; then the usual join reads
   * every topic's backlog from there up to the relay's position and releases what was held.
   */
  async addTopics(topics: readonly string[], from: bigint): Promise<void> {
    const added = [...new Set(topics)].filter((topic) => !this.topicList.includes(topic));
    if (added.length === 0 || this.ended || this.delivered === null) return;
    this.suspend();
    const generation = this.generation;
    this.topicList.push(...added);
    try {
      await this.options.hub.add(added, this);
      // The queue holds the old topics' events in (from, delivered]; nothing changes either while
      // joining and the consumer waits on us.
      const upTo = this.delivered;
      const extra: OutboxEvent[] = [];
      for (let after = from; after < upTo; ) {
        const page = await (this.options.outbox?.readBacklog ?? readBacklog)(added, after, upTo, this.pageSize);
        extra.push(...page);
        if (page.length < this.pageSize) break;
        after = page.at(-1)!.id;
      }
      if (this.ended) return;
      if (extra.length > 0 && this.delivered === upTo) {
        const merged = new Map<bigint, OutboxEvent>();
        for (const event of [...this.queue, ...extra]) merged.set(event.id, event);
        this.queue.splice(0, this.queue.length, ...[...merged.values()].sort((x, y) => (x.id < y.id ? -1 : 1)));
      }
    } catch (error) {
      this.fail(error as Error);
      return;
    }
    if (generation === this.generation) await this.readPosition(generation);
  }

  // ---------------------------------------------------------------- HubListener

  event(event: OutboxEvent): void {
    if (this.ended) return;
    if (this.joining) this.held.push(event);
    else if (event.id > this.delivered!) this.push(event);
    // Live events waiting: those held during a join, or those queued once live. (A backlog page
    // in the queue is bounded by the page size on its own.)
    if ((this.joining ? this.held.length : this.queue.length) > this.options.maxQueued) {
      if (this.isStalled()) {
        this.overflow();
        return;
      }
      this.shed();
    }
    this.notify();
  }

  suspend(): void {
    this.generation += 1;
    this.joining = true;
    this.through = null;
  }

  resume(): void {
    this.suspend();
    void this.readPosition(this.generation);
  }

  // ---------------------------------------------------------------- internals

  private async readPosition(generation: number): Promise<void> {
    let pause = 25;
    for (;;) {
      if (this.ended || generation !== this.generation) return;
      let position: bigint | null = null;
      try {
        position = await this.options.hub.position();
      } catch {
        // the transport is down: try again, the stream simply waits meanwhile
      }
      if (this.ended || generation !== this.generation) return;
      if (position !== null) {
        if (this.delivered === null) {
          const after = this.options.after;
          if (after !== null && after < position && (await this.expired(after))) return;
          this.delivered = after ?? this.from ?? position;
          this.yielded = this.delivered;
        }
        this.through = position > this.floor ? position : this.floor;
        this.notify();
        return;
      }
      // No relay has recorded a position yet (none ran on this database since it was made or reset).
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 500);
    }
  }

  /** Step 3 and 4 of the join: the backlog up to `through`, then the held live events. */
  private async catchUp(through: bigint): Promise<void> {
    if (this.delivered! < through) {
      const from = this.delivered!;
      let page: OutboxEvent[];
      try {
        page = await (this.options.outbox?.readBacklog ?? readBacklog)(this.topicList, from, through, this.pageSize);
      } catch (error) {
        this.fail(error as Error);
        return;
      }
      // Ended, or shed meanwhile (which moved `delivered` back): this page no longer fits.
      if (this.ended || this.delivered !== from) return;
      for (const event of page) if (event.id > this.delivered!) this.push(event);
      if (page.length < this.pageSize && this.delivered! < through) this.delivered = through;
      return;
    }
    if (this.through !== through) return; // a reconnect started another join meanwhile
    for (const event of this.held) if (event.id > this.delivered!) this.push(event);
    this.held = [];
    this.joining = false;
  }

  /** Events after `after` were deleted by retention: resuming would leave a silent gap. */
  private async expired(after: bigint): Promise<boolean> {
    const oldest = await (this.options.outbox?.oldestRetained ?? oldestRetained)().catch(() => null);
    if (oldest !== null && oldest <= after + 1n) return false;
    this.fail(
      new GraphQLError(`Events after ${after} are no longer kept: reload the data and subscribe without afterEventId`, {
        extensions: { code: 'EVENTS_EXPIRED' },
      }),
    );
    return true;
  }

  /** Forgets the live events held in memory; the consumer gets them from the outbox instead. */
  private shed(): void {
    // Every event received was published, so committed, and the relay publishes in id order:
    // the outbox holds all of this stream's events up to the highest one received.
    const source = this.joining ? this.held : this.queue;
    const last = source.at(-1);
    if (last && last.id > this.floor) this.floor = last.id;
    if (this.joining) {
      // The backlog being read goes on, now up to the floor.
      this.held = [];
    } else {
      this.queue.length = 0;
      this.delivered = this.yielded;
      this.joining = true;
    }
    if (this.through !== null && this.through < this.floor) this.through = this.floor;
  }

  private push(event: OutboxEvent): void {
    this.queue.push(event);
    this.delivered = event.id;
  }

  private overflow(): void {
    if (this.ended) return;
    this.fail(new SlowConsumerError());
    this.onOverflowed();
  }

  private fail(error: Error): void {
    if (this.ended) return;
    this.failure = error;
    this.end();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.queue.length = 0;
    this.held = [];
    this.options.hub.remove(this.topicList, this);
    this.notify();
    this.onEnded();
  }

  // Hooks (a subclass may take them over instead of giving closures in the options).

  /** True when the connection is not taking data (bytes wait in its send buffer). */
  protected isStalled(): boolean {
    return this.options.stalled?.() ?? false;
  }

  /** Once, when the stream gives up on a slow consumer. */
  protected onOverflowed(): void {
    this.options.onOverflow?.();
  }

  /** Once, when the stream ends, whatever the reason. */
  protected onEnded(): void {
    this.options.onEnd?.();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter(this.next());
    }
  }
}
