// A status state machine: the allowed moves from each status. Each entity's machine lives in
// its own module next to this one; services call `assert` before changing a status.
import { InvalidTransitionError } from '../../errors.js';

export interface StateMachine<S extends string> {
  readonly entity: string;
  allowedFrom(from: S): readonly S[];
  can(from: S, to: S): boolean;
  /** Throws a typed InvalidTransition naming what is allowed instead. */
  assert(from: S, to: S): void;
  /** Statuses with no way out. */
  readonly finalStatuses: readonly S[];
}

export function defineStateMachine<S extends string>(
  entity: string,
  transitions: { readonly [K in S]: readonly S[] },
): StateMachine<S> {
  const allowedFrom = (from: S) => transitions[from] ?? [];
  const can = (from: S, to: S) => allowedFrom(from).includes(to);
  return {
    entity,
    allowedFrom,
    can,
    assert(from, to) {
      if (!can(from, to)) throw new InvalidTransitionError(entity, from, to, allowedFrom(from));
    },
    finalStatuses: (Object.keys(transitions) as S[]).filter((s) => allowedFrom(s).length === 0),
  };
}
