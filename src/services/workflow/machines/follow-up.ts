import type { FollowUpStatus } from '../../../generated/prisma/enums.js';
import { defineStateMachine } from '../state-machine.js';

// Contact after discharge or release: a scheduled follow-up is completed (with its outcome),
// missed or cancelled; a missed one is rescheduled (with a new date) or given up. Completed
// and cancelled are final.
export const followUpMachine = defineStateMachine<FollowUpStatus>('FollowUp', {
  SCHEDULED: ['COMPLETED', 'MISSED', 'CANCELLED'],
  MISSED: ['SCHEDULED', 'CANCELLED'],
  COMPLETED: [],
  CANCELLED: [],
});
