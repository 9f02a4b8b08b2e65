// The payload types of the subscriptions. Each event carries its outbox id (eventId: pass the
// last one received as afterEventId to resume), kind, time and actor, and the node it is about,
// loaded through the same access filter as queries (null if no longer visible). An event is
// executed once per staff member and operation however many of their subscribers receive it
// (src/realtime/shared.ts); loads are memoized per event, staff member and selection besides, so
// different operations asking the same node of one event share the query (src/realtime/memo.ts).
import { prisma } from '../../db.js';
import { caseWhere, staffWhere } from '../../auth/access.js';
import { crisisWhere } from '../../services/crises.js';
import { carePlanWhere } from '../../services/care-plans/shared.js';
import { followUpWhere } from '../../services/follow-ups.js';
import { referralWhere } from '../../services/referrals.js';
import { taskWhere } from '../../services/tasks.js';
import { builder } from '../../builder.js';
import { memo } from '../../realtime/memo.js';
import { idIn, workQueueItemOf } from '../../realtime/visibility.js';
import {
  CrisisCategoryEnum,
  CrisisSeverityEnum,
  CrisisStatusEnum,
  GoalAchievementStatusEnum,
  ReferralStatusEnum,
} from '../enums.js';
import { WorkQueueItemKindEnum } from '../staff/me.js';
import type { Viewer } from '../../auth/viewer.js';
import type { LiveEvent } from './live.js';

/** Loads a node for one execution, shared by executions of the same event, viewer and selection. */
function load<T>(live: LiveEvent, model: string, id: string | null, query: object, find: () => Promise<T | null>): Promise<T | null> {
  if (!id) {
    // Nothing to load: reading the selection tells the Prisma plugin it was not overlooked.
    void { ...query };
    return Promise.resolve(null);
  }
  return memo(`node:${model}:${live.event.id}:${live.viewer.id}:${id}:${JSON.stringify(query)}`, find);
}

const payloadOf = (live: LiveEvent) => live.event.payload;
/** The due time an overdue-work announcement carries. */
const dueAt = (live: LiveEvent) => {
  const due = idIn(live.event.payload, 'dueAt');
  return due ? new Date(due) : null;
};
const stringIn = (live: LiveEvent, key: string) => idIn(payloadOf(live), key);

/**
 * A loader of the node an event names by `key` in its payload, through the model's access
 * filter for the subscriber, e.g. loaderOf('Case', 'caseId', caseWhere, (args) => prisma.case.findFirst(args)).
 */
function loaderOf<T>(model: string, key: string, where: (viewer: Viewer) => object, find: (args: { where: object }) => Promise<T | null>) {
  return (query: object, live: LiveEvent): Promise<T | null> => {
    const id = stringIn(live, key);
    return load(live, model, id, query, () => find({ ...query, where: { id: id!, AND: [where(live.viewer)] } }));
  };
}

// The nodes several event types carry.
const loadCase = loaderOf('Case', 'caseId', caseWhere, (args) => prisma.case.findFirst(args));
const loadReferral = loaderOf('Referral', 'referralId', referralWhere, (args) => prisma.referral.findFirst(args));
const loadCrisis = loaderOf('CrisisEvent', 'crisisId', crisisWhere, (args) => prisma.crisisEvent.findFirst(args));
const loadTask = loaderOf('Task', 'taskId', taskWhere, (args) => prisma.task.findFirst(args));
const loadFollowUp = loaderOf('FollowUp', 'followUpId', followUpWhere, (args) => prisma.followUp.findFirst(args));
const loadCarePlan = loaderOf('CarePlan', 'carePlanId', carePlanWhere, (args) => prisma.carePlan.findFirst(args));

export const LiveEventInterface = builder.interfaceRef<LiveEvent>('LiveEvent').implement({
  description:
    'Something that happened, delivered live or replayed from the outbox. Events of one subscription arrive in ' +
    'eventId order, each once; resubscribe with afterEventId = the last eventId received to get what was missed.',
  fields: (t) => ({
    eventId: t.id({
      description: 'Increases across all events (a decimal string: it exceeds 2^53 one day)',
      resolve: (live) => live.event.id.toString(),
    }),
    kind: t.string({ description: 'What happened, e.g. CRISIS_RAISED, REFERRAL_STATUS_CHANGED', resolve: (live) => live.event.kind }),
    occurredAt: t.field({ type: 'DateTime', resolve: (live) => live.event.occurredAt }),
    actor: t.prismaField({
      type: 'StaffMember',
      nullable: true,
      description: 'Who did it (null for the system, e.g. an escalation, or a colleague of another organization)',
      resolve: (query, live) =>
        load(live, 'StaffMember', live.event.actorId, query, () =>
          prisma.staffMember.findFirst({ ...query, where: { id: live.event.actorId!, AND: [staffWhere(live.viewer)] } }),
        ),
    }),
  }),
});

export const CrisisAlertEvent = builder.objectRef<LiveEvent>('CrisisAlertEvent').implement({
  description: 'A crisis raised, acknowledged, escalated or changing status.',
  interfaces: [LiveEventInterface],
  fields: (t) => ({
    crisis: t.prismaField({ type: 'CrisisEvent', nullable: true, resolve: loadCrisis }),
    severity: t.field({ type: CrisisSeverityEnum, nullable: true, description: 'At the time of the event', resolve: (live) => stringIn(live, 'severity') as never }),
    category: t.field({ type: CrisisCategoryEnum, nullable: true, resolve: (live) => stringIn(live, 'category') as never }),
    status: t.field({ type: CrisisStatusEnum, nullable: true, description: 'At the time of the event', resolve: (live) => stringIn(live, 'status') as never }),
    escalationCount: t.int({
      nullable: true,
      description: 'On CRISIS_ESCALATED: how many times it has been escalated',
      resolve: (live) => (typeof payloadOf(live).escalationCount === 'number' ? (payloadOf(live).escalationCount as number) : null),
    }),
  }),
});

/** Most specific first: a goal progress event also names its goal and plan. */
const SUBJECT_KEYS: ReadonlyArray<[key: string, type: string]> = [
  ['goalProgressId', 'GoalProgress'],
  ['interventionId', 'Intervention'],
  ['planReviewId', 'PlanReview'],
  ['goalId', 'Goal'],
  ['carePlanId', 'CarePlan'],
  ['referralId', 'Referral'],
  ['crisisId', 'CrisisEvent'],
  ['interactionId', 'Interaction'],
  ['assessmentId', 'Assessment'],
  ['taskId', 'Task'],
  ['followUpId', 'FollowUp'],
  ['approvalId', 'Approval'],
  ['transferId', 'CaseTransfer'],
  ['careTeamMemberId', 'CareTeamMember'],
];

function subjectOf(live: LiveEvent): { type: string; id: string } | null {
  for (const [key, type] of SUBJECT_KEYS) {
    const id = stringIn(live, key);
    if (id) return { type, id };
  }
  return null;
}

export const CaseUpdateEvent = builder.objectRef<LiveEvent>('CaseUpdateEvent').implement({
  description: 'Anything on one case: status, team, plan, goal progress, referral, interaction, crisis, task, follow-up.',
  interfaces: [LiveEventInterface],
  fields: (t) => ({
    case: t.prismaField({ type: 'Case', nullable: true, resolve: loadCase }),
    subjectId: t.globalID({
      nullable: true,
      description: 'The id of what changed, for node(id:) (a Referral, GoalProgress, CrisisEvent...); null when it is the case itself',
      resolve: (live) => subjectOf(live),
    }),
    subjectType: t.string({ nullable: true, description: 'The GraphQL type of subjectId', resolve: (live) => subjectOf(live)?.type ?? null }),
  }),
});

export const GoalProgressEvent = builder.objectRef<LiveEvent>('GoalProgressEvent').implement({
  description: 'A step recorded toward a goal of a care plan.',
  interfaces: [LiveEventInterface],
  fields: (t) => ({
    progress: t.prismaField({
      type: 'GoalProgress',
      nullable: true,
      resolve: (query, live) =>
        load(live, 'GoalProgress', stringIn(live, 'goalProgressId'), query, () =>
          prisma.goalProgress.findFirst({
            ...query,
            where: { id: stringIn(live, 'goalProgressId')!, goal: { carePlan: carePlanWhere(live.viewer) } },
          }),
        ),
    }),
    achievementStatus: t.field({
      type: GoalAchievementStatusEnum,
      nullable: true,
      description: "The goal's achievement status after this step",
      resolve: (live) => stringIn(live, 'achievementStatus') as never,
    }),
  }),
});

export const ReferralStatusEvent = builder.objectRef<LiveEvent>('ReferralStatusEvent').implement({
  description: 'A referral moved from one status to another.',
  interfaces: [LiveEventInterface],
  fields: (t) => ({
    referral: t.prismaField({ type: 'Referral', nullable: true, resolve: loadReferral }),
    from: t.field({ type: ReferralStatusEnum, nullable: true, resolve: (live) => stringIn(live, 'from') as never }),
    to: t.field({ type: ReferralStatusEnum, nullable: true, resolve: (live) => stringIn(live, 'to') as never }),
  }),
});

export const AssignmentEvent = builder.objectRef<LiveEvent>('AssignmentEvent').implement({
  description: 'A case, task or follow-up assigned to you, or a change to one (kinds CASE_ASSIGNED, TASK_*, FOLLOW_UP_*).',
  interfaces: [LiveEventInterface],
  fields: (t) => ({
    case: t.prismaField({ type: 'Case', nullable: true, resolve: loadCase }),
    task: t.prismaField({ type: 'Task', nullable: true, resolve: loadTask }),
    followUp: t.prismaField({ type: 'FollowUp', nullable: true, resolve: loadFollowUp }),
  }),
});

export const WorkQueueEvent = builder.objectRef<LiveEvent>('WorkQueueEvent').implement({
  description: 'Something that just became overdue in your work queue (see StaffMember.workQueue for the current list).',
  interfaces: [LiveEventInterface],
  fields: (t) => ({
    reason: t.field({ type: WorkQueueItemKindEnum, resolve: (live) => workQueueItemOf(live.event)!.reason }),
    dueSince: t.field({ type: 'DateTime', nullable: true, resolve: dueAt }),
    case: t.prismaField({ type: 'Case', nullable: true, resolve: loadCase }),
    crisis: t.prismaField({ type: 'CrisisEvent', nullable: true, resolve: loadCrisis }),
    referral: t.prismaField({ type: 'Referral', nullable: true, resolve: loadReferral }),
    followUp: t.prismaField({ type: 'FollowUp', nullable: true, resolve: loadFollowUp }),
    carePlan: t.prismaField({ type: 'CarePlan', nullable: true, description: 'On PLAN_REVIEW_OVERDUE', resolve: loadCarePlan }),
    task: t.prismaField({ type: 'Task', nullable: true, resolve: loadTask }),
  }),
});

export const FollowUpDueEvent = builder.objectRef<LiveEvent>('FollowUpDueEvent').implement({
  description: 'A follow-up that just fell due (kind FOLLOW_UP_OVERDUE): assigned to you, or on a case of your organization if you supervise.',
  interfaces: [LiveEventInterface],
  fields: (t) => ({
    dueSince: t.field({ type: 'DateTime', nullable: true, description: 'When it was scheduled for', resolve: dueAt }),
    followUp: t.prismaField({ type: 'FollowUp', nullable: true, resolve: loadFollowUp }),
    case: t.prismaField({ type: 'Case', nullable: true, resolve: loadCase }),
  }),
});
