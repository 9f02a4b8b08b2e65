import type { CrisisStatus } from '../../../generated/prisma/enums.js';
import { defineStateMachine } from '../state-machine.js';

// An emergency: raised OPEN, acknowledged (which stops the response clock) or answered at once
// (RESPONDING), stabilized, resolved with a clinical assessment, a response plan and a
// resolution, then closed. A resolved crisis may flare up again (back to RESPONDING).
// There is no way from OPEN straight to CLOSED: somebody has to acknowledge or answer a
// crisis before it goes away, so closing it can never silence the acknowledgement clock and
// its escalation. A false alarm or a duplicate is acknowledged and resolved saying so.
export const crisisMachine = defineStateMachine<CrisisStatus>('CrisisEvent', {
  OPEN: ['ACKNOWLEDGED', 'RESPONDING'],
  ACKNOWLEDGED: ['RESPONDING', 'STABILIZED', 'RESOLVED'],
  RESPONDING: ['STABILIZED', 'RESOLVED'],
  STABILIZED: ['RESPONDING', 'RESOLVED'],
  RESOLVED: ['CLOSED', 'RESPONDING'],
  CLOSED: [],
});

/** Statuses in which a crisis is still going on (it counts toward the client's risk level). */
export const ACTIVE_CRISIS_STATUSES: readonly CrisisStatus[] = ['OPEN', 'ACKNOWLEDGED', 'RESPONDING', 'STABILIZED'];
