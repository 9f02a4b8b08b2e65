// What travels from the outbox to subscribers: the DomainEvent row, ids and small facts only.
// The id is a BigInt in the database and a decimal string on the wire (JSON has no 64-bit ints).

export interface OutboxEvent {
  id: bigint;
  topic: string;
  kind: string;
  occurredAt: Date;
  /** Who caused it (runMutation stores it in the payload); null for the system (escalation). */
  actorId: string | null;
  payload: Record<string, unknown>;
}

interface OutboxRow {
  id: bigint | string | number;
  topic: string;
  kind: string;
  payload: unknown;
  createdAt: Date;
}

/** A DomainEvent row as Prisma or pg returns it (pg gives int8 as a string). */
export function fromRow(row: OutboxRow): OutboxEvent {
  const { actorId, ...payload } = (row.payload ?? {}) as Record<string, unknown>;
  return {
    id: BigInt(row.id),
    topic: row.topic,
    kind: row.kind,
    occurredAt: row.createdAt,
    actorId: typeof actorId === 'string' ? actorId : null,
    payload,
  };
}

export function encode(event: OutboxEvent): string {
  return JSON.stringify({
    id: event.id.toString(),
    topic: event.topic,
    kind: event.kind,
    at: event.occurredAt.toISOString(),
    actorId: event.actorId,
    payload: event.payload,
  });
}

export function decode(text: string): OutboxEvent {
  const raw = JSON.parse(text) as { id: string; topic: string; kind: string; at: string; actorId: string | null; payload: Record<string, unknown> };
  return { id: BigInt(raw.id), topic: raw.topic, kind: raw.kind, occurredAt: new Date(raw.at), actorId: raw.actorId, payload: raw.payload ?? {} };
}
