import type { CaseStatus } from '../../../generated/prisma/enums.js';
import { defineStateMachine } from '../state-machine.js';

// An episode of care: referred -> intake -> assessment -> active <-> monitoring, with holds,
// and closure from anywhere open. A closed case is reopened by opening a new one.
export const caseMachine = defineStateMachine<CaseStatus>('Case', {
  REFERRED: ['INTAKE', 'CLOSED'],
  INTAKE: ['ASSESSMENT', 'ON_HOLD', 'CLOSED'],
  ASSESSMENT: ['ACTIVE', 'ON_HOLD', 'CLOSED'],
  ACTIVE: ['MONITORING', 'ON_HOLD', 'CLOSED'],
  MONITORING: ['ACTIVE', 'ON_HOLD', 'CLOSED'],
  ON_HOLD: ['INTAKE', 'ASSESSMENT', 'ACTIVE', 'MONITORING', 'CLOSED'],
  CLOSED: [],
});
