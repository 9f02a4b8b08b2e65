import type { ReferralStatus } from '../../../generated/prisma/enums.js';
import { defineStateMachine } from '../state-machine.js';

// A referral is a closed loop (FHIR ServiceRequest + Task): drafted, sent to the provider,
// accepted or declined by it, scheduled, attended (or missed and rescheduled) and completed.
// It can be cancelled at any point before it ends; DECLINED, COMPLETED and CANCELLED are final
// (a declined referral is followed by a new one, to the same or another provider).
export const referralMachine = defineStateMachine<ReferralStatus>('Referral', {
  DRAFT: ['SENT', 'CANCELLED'],
  SENT: ['ACCEPTED', 'DECLINED', 'CANCELLED'],
  ACCEPTED: ['SCHEDULED', 'IN_PROGRESS', 'CANCELLED'],
  SCHEDULED: ['IN_PROGRESS', 'NO_SHOW', 'CANCELLED'],
  IN_PROGRESS: ['COMPLETED', 'CANCELLED'],
  NO_SHOW: ['SCHEDULED', 'CANCELLED'],
  DECLINED: [],
  COMPLETED: [],
  CANCELLED: [],
});

