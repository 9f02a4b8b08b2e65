// One harness for the state-machine tests: every allowed move, every refused one (a typed
// InvalidTransition), the moves listed from each status, and the final statuses, all checked
// against a transition table written out in the test.
import { describe, expect, it } from 'vitest';
import { InvalidTransitionError } from '../../src/errors.js';
import type { StateMachine } from '../../src/services/workflow/state-machine.js';

export type TransitionTable = Record<string, string[]>;

function pairs(table: TransitionTable) {
  const statuses = Object.keys(table);
  return statuses.flatMap((from) => statuses.map((to) => [from, to, table[from]!.includes(to)] as const));
}

/** `ordered`: the machine lists its moves in the table's order (not only the same set). */
export function describeMachines(machines: Array<[entity: string, machine: StateMachine<string>, table: TransitionTable]>, options: { ordered: boolean }) {
  const asListed = (values: Iterable<string>) => (options.ordered ? [...values] : [...values].sort());

  describe.each(machines)('%s machine', (entity, machine, table) => {
    it(`lists exactly the agreed moves from each status${options.ordered ? ', in order' : ''}`, () => {
      for (const [from, allowed] of Object.entries(table)) expect(asListed(machine.allowedFrom(from))).toEqual(asListed(allowed));
    });

    it.each(pairs(table).filter(([, , allowed]) => allowed))('allows %s -> %s', (from, to) => {
      expect(machine.can(from, to)).toBe(true);
      expect(() => machine.assert(from, to)).not.toThrow();
    });

    it.each(pairs(table).filter(([, , allowed]) => !allowed))('refuses %s -> %s with a typed InvalidTransition', (from, to) => {
      expect(machine.can(from, to)).toBe(false);
      let error: unknown;
      try {
        machine.assert(from, to);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(InvalidTransitionError);
      expect(error).toMatchObject({ entity, from, to });
      expect(asListed((error as InvalidTransitionError).allowed)).toEqual(asListed(table[from]!));
    });

    it('knows its final statuses', () => {
      const finals = Object.entries(table).filter(([, allowed]) => allowed.length === 0).map(([status]) => status);
      expect(asListed(machine.finalStatuses)).toEqual(asListed(finals));
    });
  });
}
