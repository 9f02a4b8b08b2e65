// Subscriptions. Each listens only to the id-scoped topics it needs, checks access when it
// starts (NotFound / FORBIDDEN exactly as the matching query would) and again for every event
// (live.ts). All take afterEventId: the last eventId received, to get what was missed first.
// The machinery (relay, streams, transports) is in src/realtime/.
import type { Viewer } from '../../auth/viewer.js';
import { caseWhere, findCaseForViewer, findClientForViewer, isClinician } from '../../auth/access.js';
import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import { prisma } from '../../db.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors.js';
import type { CrisisCategory, CrisisSeverity } from '../../generated/prisma/enums.js';
import type { OutboxEvent } from '../../realtime/event.js';
import { realtimeTopics, topics } from '../../realtime/topics.js';
import {
  caseVisible,
  crisisVisible,
  followUpVisible,
  goalProgressVisible,
  idIn,
  inWorkQueue,
  referralVisible,
  taskVisible,
  workQueueItemOf,
} from '../../realtime/visibility.js';
import { Case } from '../case/case.js';
import { Client } from '../client/client.js';
import { CrisisCategoryEnum, CrisisSeverityEnum } from '../enums.js';
import { Organization } from '../organization/organization.js';
import { Provider } from '../provider/provider.js';
import { Team } from '../staff/staff.js';
import { viewerOf } from '../viewer.js';
import { AssignmentEvent, CaseUpdateEvent, CrisisAlertEvent, FollowUpDueEvent, GoalProgressEvent, ReferralStatusEvent, WorkQueueEvent } from './events.js';
import { live, parseEventId, type LiveEvent } from './live.js';

const SEVERITY_RANK: Record<CrisisSeverity, number> = { LOW: 0, MODERATE: 1, HIGH: 2, CRITICAL: 3 };

const CrisisAlertFilter = builder.inputType('CrisisAlertFilter', {
  fields: (t) => ({
    organizationId: t.globalID({
      for: Organization,
      description:
        "Default: your organization and those of the cases you may see, including cases you join while subscribed; another organization's feed is FORBIDDEN",
    }),
    teamId: t.globalID({ for: Team, description: 'Crises on cases of this team' }),
    region: t.string({ description: "Crises of clients in this region" }),
    minSeverity: t.field({ type: CrisisSeverityEnum, description: 'This severity or higher' }),
    categories: t.field({ type: [CrisisCategoryEnum], description: 'Any of these categories' }),
  }),
});

const ReferralStatusFilter = builder.inputType('ReferralStatusFilter', {
  fields: (t) => ({
    caseId: t.globalID({ for: Case }),
    providerId: t.globalID({ for: Provider }),
  }),
});

const AFTER = 'The last eventId you received: the events after it come first (nothing missed, nothing twice)';

function requireClinician(viewer: Viewer, what: string): void {
  if (!isClinician(viewer)) throw new ForbiddenError(`Only clinical staff receive ${what}`);
}

/** Organizations whose crisis feed the viewer may follow: their own and those of cases they may see. */
async function crisisOrganizations(viewer: Viewer): Promise<string[]> {
  const cases = await prisma.case.findMany({
    where: { AND: [caseWhere(viewer), { organizationId: { not: viewer.organizationId } }] },
    select: { organizationId: true },
    distinct: ['organizationId'],
  });
  return [viewer.organizationId, ...cases.map((row) => row.organizationId)];
}

/**
 * Feeds by organization: the given organizations' topics, and from then on those of the
 * organizations whose cases the viewer comes to see while subscribed, as their staff topic
 * tells: joining a care team (CASE_ASSIGNED) or breaking the glass (ACCESS_GRANTED).
 */
function organizationFeeds(viewer: Viewer, organizations: readonly string[], topicsOf: (organizationId: string) => string[]) {
  const followed = new Set(organizations);
  const mine = topics.staff(viewer.id);
  return {
    topics: [...organizations.flatMap(topicsOf), mine],
    follow(event: OutboxEvent, current: Viewer): string[] | Promise<string[]> {
      // Most events are not on the staff topic: answered without a promise.
      if (event.topic !== mine) return [];
      const caseId = event.kind === 'CASE_ASSIGNED' ? idIn(event.payload, 'caseId') : null;
      const clientId = event.kind === 'ACCESS_GRANTED' ? idIn(event.payload, 'clientId') : null;
      if (!caseId && !clientId) return [];
      return prisma.case
        .findMany({
          where: { AND: [caseWhere(current), caseId ? { id: caseId } : { clientId: clientId! }] },
          select: { organizationId: true },
          distinct: ['organizationId'],
        })
        .then((cases) => {
          const added = cases.map((kase) => kase.organizationId).filter((id) => !followed.has(id));
          for (const id of added) followed.add(id);
          return added.flatMap(topicsOf);
        });
    },
  };
}

/** A feed of work-queue announcements (overdue.ts, escalation.ts) that belong in the viewer's queue. */
async function workQueueFeed(
  ctx: Context,
  afterEventId: string | number | null | undefined,
  what: string,
  topicsOf: ReadonlyArray<(organizationId: string) => string>,
  wanted: (item: NonNullable<ReturnType<typeof workQueueItemOf>>) => boolean,
) {
  const viewer = viewerOf(ctx);
  requireClinician(viewer, what);
  const after = parseEventId(afterEventId as string | null | undefined);
  const organizations = await crisisOrganizations(viewer);
  return live(ctx, {
    ...organizationFeeds(viewer, organizations, (id) => topicsOf.map((topic) => topic(id))),
    after,
    accept: (event, current) => {
      const item = workQueueItemOf(event);
      return !!item && wanted(item) && inWorkQueue(event, current, item.subject, item.id);
    },
  });
}

builder.subscriptionType({
  authScopes: { authenticated: true },
  fields: (t) => ({
    crisisAlerts: t.field({
      type: CrisisAlertEvent,
      description: 'Crises raised, acknowledged, escalated or changing status, that you may see.',
      args: { filter: t.arg({ type: CrisisAlertFilter }), afterEventId: t.arg.id({ description: AFTER }) },
      subscribe: async (_root, args, ctx) => {
        const viewer = viewerOf(ctx);
        requireClinician(viewer, 'crisis alerts');
        const filter = args.filter ?? {};
        const after = parseEventId(args.afterEventId as string | null | undefined);
        let organizations = await crisisOrganizations(viewer);
        if (filter.organizationId) {
          if (!organizations.includes(filter.organizationId.id)) throw new ForbiddenError("You may not follow this organization's crises");
          organizations = [filter.organizationId.id];
        }
        if (filter.teamId) {
          const team = await prisma.team.findFirst({
            where: { id: filter.teamId.id, organizationId: { in: organizations } },
            select: { organizationId: true },
          });
          if (!team) throw new NotFoundError('Team', filter.teamId.id);
          organizations = [team.organizationId];
        }
        const minRank = filter.minSeverity ? SEVERITY_RANK[filter.minSeverity] : 0;
        const categories = filter.categories?.length ? new Set<CrisisCategory>(filter.categories) : null;
        // Without an organization or team filter the feed grows with the viewer's cases.
        const feeds = filter.organizationId || filter.teamId
          ? { topics: organizations.map(topics.crisisOrganization) }
          : organizationFeeds(viewer, organizations, (id) => [topics.crisisOrganization(id)]);
        return live(ctx, {
          ...feeds,
          after,
          accept: (event, current) => {
            const crisisId = idIn(event.payload, 'crisisId');
            if (!crisisId || !event.kind.startsWith('CRISIS_')) return false;
            const severity = idIn(event.payload, 'severity') as CrisisSeverity | null;
            if (severity && SEVERITY_RANK[severity] < minRank) return false;
            if (categories && !categories.has(idIn(event.payload, 'category') as CrisisCategory)) return false;
            return crisisVisible(event, current, crisisId, { teamId: filter.teamId?.id, region: filter.region });
          },
        });
      },
      resolve: (event: LiveEvent) => event,
    }),

    caseUpdates: t.field({
      type: CaseUpdateEvent,
      description: 'Everything that happens on one case.',
      args: { caseId: t.arg.globalID({ for: Case, required: true }), afterEventId: t.arg.id({ description: AFTER }) },
      subscribe: async (_root, args, ctx) => {
        const viewer = viewerOf(ctx);
        const after = parseEventId(args.afterEventId as string | null | undefined);
        const kase = await findCaseForViewer(prisma, viewer, args.caseId.id, { id: true });
        return live(ctx, { topics: [topics.case(kase.id)], after, accept: (event, current) => caseVisible(event, current, kase.id) });
      },
      resolve: (event: LiveEvent) => event,
    }),

    goalProgress: t.field({
      type: GoalProgressEvent,
      description: "Progress recorded on the goals of one case's plans, or of all a client's cases (give one of the two).",
      args: { caseId: t.arg.globalID({ for: Case }), clientId: t.arg.globalID({ for: Client }), afterEventId: t.arg.id({ description: AFTER }) },
      subscribe: async (_root, args, ctx) => {
        const viewer = viewerOf(ctx);
        const after = parseEventId(args.afterEventId as string | null | undefined);
        if (!args.caseId === !args.clientId) throw new ValidationError('Give either caseId or clientId', args.caseId ? 'clientId' : 'caseId');
        const topic = args.caseId
          ? topics.case((await findCaseForViewer(prisma, viewer, args.caseId.id, { id: true })).id)
          : topics.client((await findClientForViewer(prisma, viewer, args.clientId!.id, { id: true })).id);
        return live(ctx, {
          topics: [topic],
          after,
          accept: (event, current) => {
            const progressId = idIn(event.payload, 'goalProgressId');
            return event.kind === 'GOAL_PROGRESS_RECORDED' && !!progressId && goalProgressVisible(event, current, progressId);
          },
        });
      },
      resolve: (event: LiveEvent) => event,
    }),

    referralStatusChanged: t.field({
      type: ReferralStatusEvent,
      description: "Status changes of one case's referrals, or of the referrals to one provider that you may see.",
      args: { filter: t.arg({ type: ReferralStatusFilter, required: true }), afterEventId: t.arg.id({ description: AFTER }) },
      subscribe: async (_root, args, ctx) => {
        const viewer = viewerOf(ctx);
        const after = parseEventId(args.afterEventId as string | null | undefined);
        const { caseId, providerId } = args.filter;
        if (!caseId && !providerId) throw new ValidationError('Give caseId, providerId or both', 'caseId');
        let topic: string;
        if (caseId) {
          topic = topics.case((await findCaseForViewer(prisma, viewer, caseId.id, { id: true })).id);
        } else {
          requireClinician(viewer, 'referral updates');
          const provider = await prisma.provider.findUnique({ where: { id: providerId!.id }, select: { id: true } });
          if (!provider) throw new NotFoundError('Provider', providerId!.id);
          topic = topics.provider(provider.id);
        }
        return live(ctx, {
          topics: [topic],
          after,
          accept: (event, current) => {
            const referralId = idIn(event.payload, 'referralId');
            if (event.kind !== 'REFERRAL_STATUS_CHANGED' || !referralId) return false;
            if (caseId && providerId && idIn(event.payload, 'providerId') !== providerId.id) return false;
            return referralVisible(event, current, referralId);
          },
        });
      },
      resolve: (event: LiveEvent) => event,
    }),

    myAssignments: t.field({
      type: AssignmentEvent,
      description: 'Cases, tasks and follow-ups assigned to you, and changes to them.',
      args: { afterEventId: t.arg.id({ description: AFTER }) },
      subscribe: async (_root, args, ctx) => {
        const viewer = viewerOf(ctx);
        const after = parseEventId(args.afterEventId as string | null | undefined);
        return live(ctx, {
          topics: [topics.staff(viewer.id)],
          after,
          accept: (event, current) => {
            const { payload, kind } = event;
            const taskId = idIn(payload, 'taskId');
            const followUpId = idIn(payload, 'followUpId');
            const caseId = idIn(payload, 'caseId');
            if (kind.startsWith('TASK_') && taskId) return taskVisible(event, current, taskId);
            if (kind.startsWith('FOLLOW_UP_') && followUpId) return followUpVisible(event, current, followUpId);
            if (kind === 'CASE_ASSIGNED' && caseId) return caseVisible(event, current, caseId);
            return false;
          },
        });
      },
      resolve: (event: LiveEvent) => event,
    }),

    followUpsDue: t.field({
      type: FollowUpDueEvent,
      description:
        'Follow-ups as they fall due, each once per scheduled time: those assigned to you, and for a supervisor those ' +
        "of the organization's cases (the same as FOLLOW_UP_OVERDUE on workQueue).",
      args: { afterEventId: t.arg.id({ description: AFTER }) },
      subscribe: (_root, args, ctx) =>
        workQueueFeed(ctx, args.afterEventId, 'follow-ups', [realtimeTopics.workQueue], (item) => item.subject === 'followUp'),
      resolve: (event: LiveEvent) => event,
    }),

    workQueue: t.field({
      type: WorkQueueEvent,
      description:
        'Items of your work queue as they become overdue: cases without contact for NO_CONTACT_DAYS, crises left ' +
        'unacknowledged past their escalation time (escalated to supervisors), referrals stuck in SENT past their ' +
        'expected response, follow-ups past their date, care plans past their review date and tasks past their due ' +
        'date. Each is announced once per due time.',
      args: { afterEventId: t.arg.id({ description: AFTER }) },
      subscribe: (_root, args, ctx) =>
        workQueueFeed(ctx, args.afterEventId, 'a work queue', [topics.crisisOrganization, realtimeTopics.workQueue], () => true),
      resolve: (event: LiveEvent) => event,
    }),
  }),
});
