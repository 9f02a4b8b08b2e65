// A subscriber's stream (src/realtime/stream.ts) against an in-memory outbox and the in-process
// transport: the join of backlog and live events, reconnects, duplicates and the memory bound.
import { describe, expect, it } from 'vitest';
import type { OutboxEvent } from '../../src/realtime/event.js';
import { Hub } from '../../src/realtime/hub.js';
import { EventStream } from '../../src/realtime/stream.js';
import { createInProcessTransport } from '../../src/realtime/transport.js';

function world() {
  const transport = createInProcessTransport();
  const hub = new Hub(transport);
  const outbox: OutboxEvent[] = [];
  let next = 1n;
  const store = {
    readBacklog: async (topics: readonly string[], after: bigint, through: bigint, limit: number) =>
      outbox.filter((e) => topics.includes(e.topic) && e.id > after && e.id <= through).slice(0, limit),
    oldestRetained: async () => outbox[0]?.id ?? null,
  };
  const event = (topic = 'case:1'): OutboxEvent => ({ id: next++, topic, kind: 'K', occurredAt: new Date(), actorId: null, payload: {} });
  return {
    hub,
    /** Commits and publishes, as the relay does. */
    async publish(...events: OutboxEvent[]) {
      outbox.push(...events);
      await transport.publish(events, events.at(-1)!.id);
    },
    /** Commits and advances the position without delivering: messages lost on the way. */
    async lose(...events: OutboxEvent[]) {
      outbox.push(...events);
      await transport.publish([], events.at(-1)!.id);
    },
    event,
    stream(options: { after?: bigint | null; maxQueued?: number; stalled?: () => boolean; onOverflow?: () => void; topics?: string[] } = {}) {
      return new EventStream({
        hub,
        topics: options.topics ?? ['case:1'],
        after: options.after ?? null,
        maxQueued: options.maxQueued ?? 100,
        stalled: options.stalled,
        onOverflow: options.onOverflow,
        outbox: store,
      });
    },
  };
}

async function take(stream: EventStream, count: number): Promise<bigint[]> {
  const ids: bigint[] = [];
  while (ids.length < count) {
    const { value, done } = await stream.next();
    if (done) break;
    ids.push(value.id);
  }
  return ids;
}

describe('EventStream', () => {
  it('gives the backlog after afterEventId, then live events, in order', async () => {
    const w = world();
    await w.publish(w.event(), w.event(), w.event('case:2'), w.event());
    const stream = w.stream({ after: 1n });
    await stream.ready();
    await w.publish(w.event(), w.event('case:2'), w.event());
    expect(await take(stream, 4)).toEqual([2n, 4n, 5n, 7n]);
    await stream.return();
  });

  it('adds a topic mid-stream: its events after the one just handed out come too, in order, each once', async () => {
    const w = world();
    const stream = w.stream({ after: 0n });
    // case:2 events before the topic is added: 2 and 4 were published while nobody listened to it.
    await w.publish(w.event('case:1'), w.event('case:2'), w.event('case:1'), w.event('case:2'));
    expect(await take(stream, 1)).toEqual([1n]);
    await stream.addTopics(['case:2', 'case:1'], 1n);
    expect(stream.topics).toEqual(['case:1', 'case:2']);
    await w.publish(w.event('case:2'), w.event('case:1'), w.event('case:3'));
    expect(await take(stream, 5)).toEqual([2n, 3n, 4n, 5n, 6n]);
    // Nothing older than the event it was added after: a new topic's past stays out.
    const later = w.stream({ after: 0n });
    expect(await take(later, 1)).toEqual([1n]);
    await later.addTopics(['case:3'], 1n);
    await w.publish(w.event('case:3'));
    expect(await take(later, 4)).toEqual([3n, 6n, 7n, 8n]);
    await stream.return();
    await later.return();
  });

  it('waits for the relay to record a position before it starts, then starts there', async () => {
    const w = world();
    const stream = w.stream();
    let ready = false;
    void stream.ready().then(() => (ready = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ready).toBe(false);
    await w.publish(w.event()); // the relay's first batch records position 1
    await stream.ready();
    await w.publish(w.event());
    expect(await take(stream, 1)).toEqual([2n]);
  });

  it('starts from now without afterEventId', async () => {
    const w = world();
    await w.publish(w.event(), w.event());
    const stream = w.stream();
    await stream.ready();
    await w.publish(w.event());
    expect(await take(stream, 1)).toEqual([3n]);
  });

  it('drops a duplicate (a relay publishing again after a failover)', async () => {
    const w = world();
    await w.publish(w.event());
    const stream = w.stream();
    await stream.ready();
    const e2 = w.event();
    const e3 = w.event();
    await w.publish(e2, e3);
    await w.publish(e2, e3);
    const e4 = w.event();
    await w.publish(e4);
    expect(await take(stream, 3)).toEqual([2n, 3n, 4n]);
  });

  it('refills from the outbox what was lost while the transport was down', async () => {
    const w = world();
    await w.publish(w.event());
    const stream = w.stream();
    await stream.ready();
    await w.publish(w.event());
    stream.suspend();
    await w.lose(w.event(), w.event());
    stream.resume();
    await w.publish(w.event());
    expect(await take(stream, 4)).toEqual([2n, 3n, 4n, 5n]);
  });

  it('sheds a burst larger than its queue to the outbox and still delivers everything in order', async () => {
    const w = world();
    await w.publish(w.event());
    const stream = w.stream({ maxQueued: 3 });
    await stream.ready();
    for (let i = 0; i < 20; i += 1) await w.publish(w.event());
    expect(stream.undelivered).toBeLessThanOrEqual(4);
    expect(await take(stream, 20)).toEqual(Array.from({ length: 20 }, (_, i) => BigInt(i + 2)));
  });

  it('gives up on a consumer whose connection stopped taking data', async () => {
    const w = world();
    await w.publish(w.event());
    let dropped = 0;
    const stream = w.stream({ maxQueued: 3, stalled: () => true, onOverflow: () => (dropped += 1) });
    await stream.ready();
    for (let i = 0; i < 5; i += 1) await w.publish(w.event());
    expect(dropped).toBe(1);
    await expect(stream.next()).rejects.toMatchObject({ extensions: { code: 'SLOW_CONSUMER' } });
    expect(w.hub.listenerCount()).toBe(0);
  });

  it('unsubscribes from the hub when the consumer returns, even while waiting', async () => {
    const w = world();
    await w.publish(w.event());
    const stream = w.stream();
    await stream.ready();
    const waiting = stream.next();
    await stream.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(w.hub.listenerCount()).toBe(0);
  });
});
