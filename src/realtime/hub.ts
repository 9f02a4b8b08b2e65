// Local fan-out: one transport subscription per topic however many local streams want it
// (5,000 wall boards on one organization's crisis feed cost one Redis SUBSCRIBE), and each
// event handed to the streams of its topic.
import type { OutboxEvent } from './event.js';
import { transportPositions, type Positions } from './positions.js';
import type { Transport } from './transport.js';

export interface HubListener {
  event(event: OutboxEvent): void;
  suspend(): void;
  resume(): void;
}

export class Hub {
  private readonly byTopic = new Map<string, Set<HubListener>>();
  private readonly subscribed = new Map<string, Promise<void>>();

  constructor(
    private readonly transport: Transport,
    private readonly positions: Positions = transportPositions(transport),
    /** Told when the transport's connection is lost and back (the runtime logs it). */
    private readonly watch: { suspended?(): void; resumed?(): void } = {},
  ) {
    transport.setHandlers({
      event: (event) => {
        for (const listener of this.byTopic.get(event.topic) ?? []) listener.event(event);
      },
      suspend: () => {
        this.watch.suspended?.();
        this.everyListener((listener) => listener.suspend());
      },
      resume: () => {
        this.watch.resumed?.();
        this.everyListener((listener) => listener.resume());
      },
    });
  }

  /** Resolves when every topic is subscribed on the transport (events flow from then on). */
  async add(topics: readonly string[], listener: HubListener): Promise<void> {
    const pending: Array<Promise<void>> = [];
    for (const topic of topics) {
      let listeners = this.byTopic.get(topic);
      if (!listeners) {
        listeners = new Set();
        this.byTopic.set(topic, listeners);
        this.subscribed.set(topic, this.transport.subscribe(topic));
      }
      listeners.add(listener);
      pending.push(this.subscribed.get(topic)!);
    }
    await Promise.all(pending);
  }

  remove(topics: readonly string[], listener: HubListener): void {
    for (const topic of topics) {
      const listeners = this.byTopic.get(topic);
      if (!listeners?.delete(listener) || listeners.size > 0) continue;
      this.byTopic.delete(topic);
      this.subscribed.delete(topic);
      this.transport.unsubscribe(topic).catch(() => {}); // a lost connection unsubscribes anyway
    }
  }

  /** The join position (positions.ts): events above it are published after this read. */
  position(): Promise<bigint | null> {
    return this.positions.read();
  }

  /** Where a new stream without afterEventId starts (positions.ts). */
  start(): Promise<bigint | null> {
    return this.positions.start();
  }

  listenerCount(topic?: string): number {
    if (topic !== undefined) return this.byTopic.get(topic)?.size ?? 0;
    const all = new Set<HubListener>();
    for (const listeners of this.byTopic.values()) for (const listener of listeners) all.add(listener);
    return all.size;
  }

  private everyListener(call: (listener: HubListener) => void): void {
    const seen = new Set<HubListener>();
    for (const listeners of this.byTopic.values()) {
      for (const listener of listeners) {
        if (seen.has(listener)) continue;
        seen.add(listener);
        call(listener);
      }
    }
  }
}
