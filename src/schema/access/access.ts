// Break-the-glass, the audit trail and the access report (compliance officers).
import { z } from 'zod';
import { builder } from '../../builder.js';
import { prisma, type Prisma } from '../../db.js';
import type { Context } from '../../context.js';
import { breakGlass } from '../../services/break-glass.js';
import { Client } from '../client/client.js';
import { AuditActionEnum, AuditOutcomeEnum } from '../enums.js';
import { commonErrors } from '../errors.js';
import { StaffMember } from '../staff/staff.js';
import { viewerOf } from '../viewer.js';
import { page, totalOf } from '../connections.js';

builder.prismaNode('BreakGlassGrant', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, staff: { organizationId: viewerOf(ctx).organizationId } }),
  description: 'Emergency access to a client outside the care team, for a short time.',
  fields: (t) => ({
    reason: t.exposeString('reason'),
    grantedAt: t.expose('grantedAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    active: t.boolean({ select: { expiresAt: true }, resolve: (grant) => grant.expiresAt > new Date() }),
    staff: t.relation('staff'),
    // An id only: once the grant expires the client is out of reach again.
    clientId: t.globalID({ resolve: (grant) => ({ type: 'Client', id: grant.clientId }) }),
    approvalId: t.exposeString('approvalId', { nullable: true }),
  }),
});

builder.prismaObject('AuditEvent', {
  description: 'Who read or changed what, when and why.',
  fields: (t) => ({
    id: t.exposeID('id'),
    at: t.expose('at', { type: 'DateTime' }),
    action: t.expose('action', { type: AuditActionEnum }),
    outcome: t.expose('outcome', { type: AuditOutcomeEnum }),
    entityType: t.exposeString('entityType'),
    entityId: t.exposeString('entityId', { nullable: true }),
    clientId: t.exposeString('clientId', { nullable: true }),
    operationName: t.exposeString('operationName', { nullable: true }),
    reason: t.exposeString('reason', { nullable: true }),
    requestId: t.exposeString('requestId', { nullable: true }),
    // By id: an audit row's actor is no foreign key (prisma/schema.prisma). Prisma batches the
    // findUniques of one page into one query.
    actor: t.prismaField({
      type: 'StaffMember',
      nullable: true,
      resolve: (query, event) => (event.actorId ? prisma.staffMember.findUnique({ ...query, where: { id: event.actorId } }) : null),
    }),
  }),
});

const BreakGlassInput = builder.inputType('BreakGlassInput', {
  fields: (t) => ({
    clientId: t.globalID({ for: Client, required: true }),
    reason: t.string({ required: true, validate: z.string().trim().min(10, 'state the emergency in at least 10 characters').max(2000) }),
    durationMinutes: t.int({ description: 'Default 60, at most 240', validate: z.number().int().min(5).max(240) }),
  }),
});

builder.mutationField('breakGlass', (t) =>
  t.prismaField({
    type: 'BreakGlassGrant',
    description: 'Emergency access to a client outside your care team: audited and reviewed by a supervisor.',
    errors: { types: [...commonErrors] },
    args: { input: t.arg({ type: BreakGlassInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const grant = await breakGlass({ ...input, clientId: input.clientId.id }, ctx);
      return prisma.breakGlassGrant.findUniqueOrThrow({ ...query, where: { id: grant.id } });
    },
  }),
);

const AuditTrailFilter = builder.inputType('AuditTrailFilter', {
  fields: (t) => ({
    clientId: t.globalID({ for: Client }),
    actorId: t.globalID({ for: StaffMember }),
    action: t.field({ type: [AuditActionEnum] }),
    from: t.field({ type: 'DateTime' }),
    to: t.field({ type: 'DateTime' }),
  }),
});

/** Compliance officers see events about their organization's clients or by its staff. */
async function auditWhere(filter: typeof AuditTrailFilter.$inferInput | null | undefined, ctx: Context): Promise<Prisma.AuditEventWhereInput> {
  const viewer = viewerOf(ctx);
  const clientId = filter?.clientId?.id;
  const ownClient = clientId
    ? !!(await prisma.client.findFirst({ where: { id: clientId, organizationId: viewer.organizationId }, select: { id: true } }))
    : false;
  const byOwnStaff = async () => {
    const staff = await prisma.staffMember.findMany({ where: { organizationId: viewer.organizationId }, select: { id: true } });
    return { actorId: { in: staff.map((member) => member.id) }, ...(clientId ? { clientId } : {}) };
  };
  return {
    AND: [
      ownClient ? { clientId } : await byOwnStaff(),
      filter?.actorId ? { actorId: filter.actorId.id } : {},
      filter?.action?.length ? { action: { in: filter.action } } : {},
      filter?.from || filter?.to ? { at: { gte: filter.from ?? undefined, lte: filter.to ?? undefined } } : {},
    ],
  };
}

const AccessReportEntry = builder
  .objectRef<{ actorId: string | null; action: string; count: number; firstAt: Date; lastAt: Date; reasons: string[] }>('AccessReportEntry')
  .implement({
    description: 'What one staff member did with a client record, summarised.',
    fields: (t) => ({
      actor: t.prismaField({
        type: 'StaffMember',
        nullable: true,
        resolve: (query, entry) => (entry.actorId ? prisma.staffMember.findUnique({ ...query, where: { id: entry.actorId } }) : null),
      }),
      action: t.field({ type: AuditActionEnum, resolve: (entry) => entry.action as never }),
      count: t.exposeInt('count'),
      firstAt: t.expose('firstAt', { type: 'DateTime' }),
      lastAt: t.expose('lastAt', { type: 'DateTime' }),
      reasons: t.exposeStringList('reasons', { description: 'Stated reasons (break-glass, overrides)' }),
    }),
  });

builder.queryFields((t) => ({
  auditTrail: t.prismaConnection({
    type: 'AuditEvent',
    cursor: 'id',
    authScopes: { role: 'COMPLIANCE_OFFICER' },
    args: { filter: t.arg({ type: AuditTrailFilter }) },
    totalCount: (_parent, args, ctx) => totalOf(args, async () => prisma.auditEvent.count({ where: await auditWhere(args.filter, ctx) })),
    resolve: async (query, _parent, args, ctx) =>
      page(args, query, prisma.auditEvent.findMany({ ...query, where: await auditWhere(args.filter, ctx), orderBy: [{ at: 'asc' }, { id: 'asc' }] })),
  }),
  accessReport: t.field({
    type: [AccessReportEntry],
    description: 'Who accessed a client record, how often, when, and why',
    authScopes: { role: 'COMPLIANCE_OFFICER' },
    args: { clientId: t.arg.globalID({ for: Client, required: true }) },
    resolve: async (_root, args, ctx) => {
      const where = await auditWhere({ clientId: args.clientId }, ctx);
      const groups = await prisma.auditEvent.groupBy({
        by: ['actorId', 'action'],
        where,
        _count: { _all: true },
        _min: { at: true },
        _max: { at: true },
        orderBy: [{ actorId: 'asc' }, { action: 'asc' }],
      });
      const reasons = await prisma.auditEvent.findMany({
        where: { AND: [where, { reason: { not: null }, action: { in: ['BREAK_GLASS', 'ACCESS_DENIED', 'STATUS_CHANGE'] } }] },
        select: { actorId: true, action: true, reason: true },
        orderBy: { at: 'asc' },
      });
      return groups.map((group) => ({
        actorId: group.actorId,
        action: group.action,
        count: group._count._all,
        firstAt: group._min.at!,
        lastAt: group._max.at!,
        reasons: reasons.filter((r) => r.actorId === group.actorId && r.action === group.action).map((r) => r.reason!),
      }));
    },
  }),
}));
