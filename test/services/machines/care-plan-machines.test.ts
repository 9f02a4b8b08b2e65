// The care-plan, goal and intervention state machines against the transition tables agreed
// for the API (FHIR CarePlan, Goal and activity statuses). The tables are written out here
// on purpose: a change to a machine must be a deliberate change to this test too.
import { describe, expect, it } from 'vitest';
import type { StateMachine } from '../../../src/services/workflow/state-machine.js';
import { describeMachines, type TransitionTable } from '../../support/machines.js';
import { carePlanMachine, ENDED_PLAN_STATUSES, OPEN_PLAN_STATUSES } from '../../../src/services/workflow/machines/care-plan.js';
import { DROPPED_GOAL_STATUSES, goalMachine, INITIAL_GOAL_STATUSES } from '../../../src/services/workflow/machines/goal.js';
import { INITIAL_INTERVENTION_STATUSES, interventionMachine } from '../../../src/services/workflow/machines/intervention.js';

const CARE_PLAN: TransitionTable = {
  DRAFT: ['ACTIVE', 'REVOKED', 'ENTERED_IN_ERROR'],
  ACTIVE: ['ON_HOLD', 'COMPLETED', 'REVOKED', 'ENTERED_IN_ERROR'],
  ON_HOLD: ['ACTIVE', 'REVOKED', 'ENTERED_IN_ERROR'],
  COMPLETED: ['ENTERED_IN_ERROR'],
  REVOKED: [],
  ENTERED_IN_ERROR: [],
};

const GOAL: TransitionTable = {
  PROPOSED: ['PLANNED', 'ACCEPTED', 'REJECTED', 'CANCELLED'],
  PLANNED: ['ACCEPTED', 'ACTIVE', 'CANCELLED'],
  ACCEPTED: ['ACTIVE', 'ON_HOLD', 'CANCELLED'],
  ACTIVE: ['ON_HOLD', 'COMPLETED', 'CANCELLED'],
  ON_HOLD: ['ACTIVE', 'CANCELLED'],
  COMPLETED: [],
  CANCELLED: [],
  REJECTED: [],
};

const INTERVENTION: TransitionTable = {
  NOT_STARTED: ['SCHEDULED', 'IN_PROGRESS', 'CANCELLED'],
  SCHEDULED: ['IN_PROGRESS', 'CANCELLED'],
  IN_PROGRESS: ['COMPLETED', 'STOPPED'],
  COMPLETED: [],
  CANCELLED: [],
  STOPPED: [],
};

const machines: Array<[string, StateMachine<string>, TransitionTable]> = [
  ['CarePlan', carePlanMachine as StateMachine<string>, CARE_PLAN],
  ['Goal', goalMachine as StateMachine<string>, GOAL],
  ['Intervention', interventionMachine as StateMachine<string>, INTERVENTION],
];

describeMachines(machines, { ordered: true });

describe('status groups used by the rules', () => {
  it('a plan is open while DRAFT, ACTIVE or ON_HOLD, and ended otherwise', () => {
    expect([...OPEN_PLAN_STATUSES, ...ENDED_PLAN_STATUSES].sort()).toEqual(Object.keys(CARE_PLAN).sort());
    for (const status of ENDED_PLAN_STATUSES) expect(carePlanMachine.can(status, 'ACTIVE')).toBe(false);
  });

  it('goals are created in a live status and dropped ones are final', () => {
    expect([...INITIAL_GOAL_STATUSES]).toEqual(['PROPOSED', 'PLANNED', 'ACCEPTED', 'ACTIVE']);
    for (const status of DROPPED_GOAL_STATUSES) expect(goalMachine.finalStatuses).toContain(status);
  });

  it('interventions are created not started or scheduled', () => {
    expect([...INITIAL_INTERVENTION_STATUSES]).toEqual(['NOT_STARTED', 'SCHEDULED']);
  });

  it('the InvalidTransition message names what is allowed instead', () => {
    expect(() => carePlanMachine.assert('REVOKED', 'ACTIVE')).toThrow(/REVOKED to ACTIVE; allowed: none \(final status\)/);
    expect(() => interventionMachine.assert('SCHEDULED', 'COMPLETED')).toThrow(/allowed: IN_PROGRESS, CANCELLED/);
  });
});
