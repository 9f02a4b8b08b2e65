// Topics of the real-time layer on top of the domain's (src/services/workflow/topics.ts).
export { topics } from '../services/workflow/topics.js';

export const realtimeTopics = {
  /** Work items of an organization as they become overdue (written by the sweeps here). */
  workQueue: (organizationId: string) => `work-queue:${organizationId}`,
} as const;
