import type { TaskStatus } from '../../../generated/prisma/enums.js';
import { defineStateMachine } from '../state-machine.js';

// Work for a staff member: requested -> accepted -> in progress -> completed, with a shortcut
// from requested straight into progress, and cancellation from anywhere still open. A
// completed or cancelled task is final: new work is a new task.
export const taskMachine = defineStateMachine<TaskStatus>('Task', {
  REQUESTED: ['ACCEPTED', 'IN_PROGRESS', 'CANCELLED'],
  ACCEPTED: ['IN_PROGRESS', 'COMPLETED', 'CANCELLED'],
  IN_PROGRESS: ['COMPLETED', 'CANCELLED'],
  COMPLETED: [],
  CANCELLED: [],
});

/** Statuses of a task still to be done: what queues, overdue flags and "my tasks" count. */
export const OPEN_TASK_STATUSES = ['REQUESTED', 'ACCEPTED', 'IN_PROGRESS'] as const satisfies readonly TaskStatus[];
