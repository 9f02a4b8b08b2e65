import type { GoalLifecycleStatus } from '../../../generated/prisma/enums.js';
import { defineStateMachine } from '../state-machine.js';

// FHIR Goal.lifecycleStatus (without entered-in-error, which Casegraph has no value for: a
// goal recorded by mistake is CANCELLED). Proposed goals are planned, accepted or rejected;
// accepted or planned goals become active; active goals may pause, complete or be cancelled.
export const goalMachine = defineStateMachine<GoalLifecycleStatus>('Goal', {
  PROPOSED: ['PLANNED', 'ACCEPTED', 'REJECTED', 'CANCELLED'],
  PLANNED: ['ACCEPTED', 'ACTIVE', 'CANCELLED'],
  ACCEPTED: ['ACTIVE', 'ON_HOLD', 'CANCELLED'],
  ACTIVE: ['ON_HOLD', 'COMPLETED', 'CANCELLED'],
  ON_HOLD: ['ACTIVE', 'CANCELLED'],
  COMPLETED: [],
  CANCELLED: [],
  REJECTED: [],
});

/** Statuses a goal may be created in. */
export const INITIAL_GOAL_STATUSES: readonly GoalLifecycleStatus[] = ['PROPOSED', 'PLANNED', 'ACCEPTED', 'ACTIVE'];

/** Goals that no longer count toward the plan (a plan needs a live goal to be activated). */
export const DROPPED_GOAL_STATUSES: readonly GoalLifecycleStatus[] = ['CANCELLED', 'REJECTED'];
