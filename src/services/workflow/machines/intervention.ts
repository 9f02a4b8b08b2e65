import type { InterventionStatus } from '../../../generated/prisma/enums.js';
import { defineStateMachine } from '../state-machine.js';

// An activity of a plan (FHIR CarePlan.activity / Task): scheduled or started, then completed
// or stopped part way; one not yet started is cancelled rather than stopped.
export const interventionMachine = defineStateMachine<InterventionStatus>('Intervention', {
  NOT_STARTED: ['SCHEDULED', 'IN_PROGRESS', 'CANCELLED'],
  SCHEDULED: ['IN_PROGRESS', 'CANCELLED'],
  IN_PROGRESS: ['COMPLETED', 'STOPPED'],
  COMPLETED: [],
  CANCELLED: [],
  STOPPED: [],
});

/** Statuses an intervention may be created in. */
export const INITIAL_INTERVENTION_STATUSES: readonly InterventionStatus[] = ['NOT_STARTED', 'SCHEDULED'];
