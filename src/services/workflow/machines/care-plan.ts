import type { CarePlanStatus } from '../../../generated/prisma/enums.js';
import { defineStateMachine } from '../state-machine.js';

// FHIR CarePlan.status without `unknown`: a draft is activated (or abandoned), an active plan
// may be put on hold and resumed, and ends completed or revoked. ENTERED_IN_ERROR corrects
// a record that should never have existed, from any status but itself and REVOKED (a revoked
// plan was real and stays in the history as such).
export const carePlanMachine = defineStateMachine<CarePlanStatus>('CarePlan', {
  DRAFT: ['ACTIVE', 'REVOKED', 'ENTERED_IN_ERROR'],
  ACTIVE: ['ON_HOLD', 'COMPLETED', 'REVOKED', 'ENTERED_IN_ERROR'],
  ON_HOLD: ['ACTIVE', 'REVOKED', 'ENTERED_IN_ERROR'],
  COMPLETED: ['ENTERED_IN_ERROR'],
  REVOKED: [],
  ENTERED_IN_ERROR: [],
});

/** Statuses in which a plan's content (goals, interventions, progress) may still change. */
export const OPEN_PLAN_STATUSES: readonly CarePlanStatus[] = ['DRAFT', 'ACTIVE', 'ON_HOLD'];

/** Statuses that end a plan (COMPLETED can still be marked ENTERED_IN_ERROR). */
export const ENDED_PLAN_STATUSES: readonly CarePlanStatus[] = ['COMPLETED', 'REVOKED', 'ENTERED_IN_ERROR'];
