// complianceAlerts: break-the-glass grants of the viewer's organization as they happen, for
// compliance officers and supervisors (who review them).
import { builder } from '../../builder.js';
import { prisma } from '../../db.js';
import { ForbiddenError } from '../../errors.js';
import type { Viewer } from '../../auth/viewer.js';
import { idIn } from '../../realtime/visibility.js';
import { topics } from '../../services/workflow/topics.js';
import { viewerOf } from '../viewer.js';
import { LiveEventInterface } from './events.js';
import { live, parseEventId, type LiveEvent } from './live.js';

const reviewsAccess = (viewer: Viewer) => viewer.roles.includes('COMPLIANCE_OFFICER') || viewer.roles.includes('SUPERVISOR');

const ComplianceEvent = builder.objectRef<LiveEvent>('ComplianceEvent').implement({
  description: 'A break-the-glass access in your organization (kind BREAK_GLASS), to review.',
  interfaces: [LiveEventInterface],
  fields: (t) => ({
    grant: t.prismaField({
      type: 'BreakGlassGrant',
      nullable: true,
      resolve: (query, event) => {
        const id = idIn(event.event.payload, 'grantId');
        return id ? prisma.breakGlassGrant.findFirst({ ...query, where: { id, staff: { organizationId: event.viewer.organizationId } } }) : null;
      },
    }),
  }),
});

builder.subscriptionField('complianceAlerts', (t) =>
  t.field({
    type: ComplianceEvent,
    description: 'Break-the-glass accesses in your organization as they happen (compliance officers and supervisors).',
    args: { afterEventId: t.arg.id({ description: 'The last eventId you received: the events after it come first' }) },
    subscribe: async (_root, args, ctx) => {
      const viewer = viewerOf(ctx);
      if (!reviewsAccess(viewer)) throw new ForbiddenError('Compliance alerts are for compliance officers and supervisors');
      return live(ctx, {
        topics: [topics.compliance(viewer.organizationId)],
        after: parseEventId(args.afterEventId as string | null | undefined),
        // Re-checked per event: a role or organization change takes effect at once.
        accept: (_event, current) => reviewsAccess(current) && current.organizationId === viewer.organizationId,
      });
    },
    resolve: (event: LiveEvent) => event,
  }),
);
