// The task and follow-up state machines against the transition tables agreed for the API,
// written out here on purpose: changing a machine must be a deliberate change to this test.
// (The same tables are exercised end to end through the API in tasks.test.ts and
// follow-ups.test.ts.)
import { expect, it } from 'vitest';
import type { StateMachine } from '../../../src/services/workflow/state-machine.js';
import { describeMachines, type TransitionTable } from '../../support/machines.js';
import { followUpMachine } from '../../../src/services/workflow/machines/follow-up.js';
import { OPEN_TASK_STATUSES, taskMachine } from '../../../src/services/workflow/machines/task.js';

const TASK: TransitionTable = {
  REQUESTED: ['ACCEPTED', 'IN_PROGRESS', 'CANCELLED'],
  ACCEPTED: ['IN_PROGRESS', 'COMPLETED', 'CANCELLED'],
  IN_PROGRESS: ['COMPLETED', 'CANCELLED'],
  COMPLETED: [],
  CANCELLED: [],
};

const FOLLOW_UP: TransitionTable = {
  SCHEDULED: ['COMPLETED', 'MISSED', 'CANCELLED'],
  COMPLETED: [],
  MISSED: ['SCHEDULED', 'CANCELLED'],
  CANCELLED: [],
};

const machines: Array<[string, StateMachine<string>, TransitionTable]> = [
  ['Task', taskMachine as StateMachine<string>, TASK],
  ['FollowUp', followUpMachine as StateMachine<string>, FOLLOW_UP],
];

describeMachines(machines, { ordered: false });

it('a task is open while REQUESTED, ACCEPTED or IN_PROGRESS: exactly the statuses with a way out', () => {
  expect([...OPEN_TASK_STATUSES].sort()).toEqual(Object.keys(TASK).filter((s) => TASK[s]!.length > 0).sort());
});
