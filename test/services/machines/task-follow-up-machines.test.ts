// The task and follow-up state machines against the transition tables agreed for the API,
// written out here on purpose: changing a machine must be a deliberate change to this test.
// (The same tables are exercised end to end through the API in tasks.test.ts and
// follow-ups.test.ts.)
import { describe, expect, it } from 'vitest';
import { InvalidTransitionError } from '../../../src/errors.js';
import type { StateMachine } from '../../../src/services/workflow/state-machine.js';
import { followUpMachine } from '../../../src/services/workflow/machines/follow-up.js';
import { OPEN_TASK_STATUSES, taskMachine } from '../../../src/services/workflow/machines/task.js';

const TASK: Record<string, string[]> = {
  REQUESTED: ['ACCEPTED', 'IN_PROGRESS', 'CANCELLED'],
  ACCEPTED: ['IN_PROGRESS', 'COMPLETED', 'CANCELLED'],
  IN_PROGRESS: ['COMPLETED', 'CANCELLED'],
  COMPLETED: [],
  CANCELLED: [],
};

const FOLLOW_UP: Record<string, string[]> = {
  SCHEDULED: ['COMPLETED', 'MISSED', 'CANCELLED'],
  COMPLETED: [],
  MISSED: ['SCHEDULED', 'CANCELLED'],
  CANCELLED: [],
};

function pairs(table: Record<string, string[]>) {
  const statuses = Object.keys(table);
  return statuses.flatMap((from) => statuses.map((to) => [from, to, table[from]!.includes(to)] as const));
}

const machines: Array<[string, StateMachine<string>, Record<string, string[]>]> = [
  ['Task', taskMachine as StateMachine<string>, TASK],
  ['FollowUp', followUpMachine as StateMachine<string>, FOLLOW_UP],
];

describe.each(machines)('%s machine', (entity, machine, table) => {
  it('lists exactly the agreed moves from each status', () => {
    for (const [from, allowed] of Object.entries(table)) expect([...machine.allowedFrom(from)].sort()).toEqual([...allowed].sort());
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
    expect(error).toMatchObject({ entity });
    expect([...(error as InvalidTransitionError).allowed].sort()).toEqual([...table[from]!].sort());
  });

  it('knows its final statuses', () => {
    const finals = Object.entries(table).filter(([, allowed]) => allowed.length === 0).map(([status]) => status);
    expect([...machine.finalStatuses].sort()).toEqual(finals.sort());
  });
});

it('a task is open while REQUESTED, ACCEPTED or IN_PROGRESS: exactly the statuses with a way out', () => {
  expect([...OPEN_TASK_STATUSES].sort()).toEqual(Object.keys(TASK).filter((s) => TASK[s]!.length > 0).sort());
});
