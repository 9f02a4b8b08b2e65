import { builder } from '../../builder.js';
import { prisma } from '../../db.js';
import { organizationWhere, staffWhere } from '../../auth/access.js';
import { ApprovalSubjectEnum, SettingEnum } from '../enums.js';
import { viewerOf } from '../viewer.js';
import { page, totalOf } from '../connections.js';

export const Organization = builder.prismaNode('Organization', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, AND: [organizationWhere(viewerOf(ctx))] }),
  description: 'An agency, hospital, school or correctional facility.',
  fields: (t) => ({
    name: t.exposeString('name'),
    setting: t.expose('setting', { type: SettingEnum }),
    region: t.exposeString('region', { nullable: true }),
    approvalRequiredFor: t.expose('approvalRequiredFor', {
      type: [ApprovalSubjectEnum],
      description: 'What needs a supervisor sign-off in this organization',
    }),
    teams: t.relation('teams', { query: { orderBy: { name: 'asc' } } }),
    staff: t.relatedConnection('staff', {
      cursor: 'id',
      totalCount: true,
      query: (_args, ctx) => ({
        where: staffWhere(viewerOf(ctx)),
        orderBy: [{ familyName: 'asc' }, { givenName: 'asc' }, { id: 'asc' }],
      }),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    version: t.exposeInt('version'),
  }),
});

const OrganizationFilter = builder.inputType('OrganizationFilter', {
  fields: (t) => ({
    setting: t.field({ type: SettingEnum }),
    region: t.string(),
  }),
});

type OrganizationFilterShape = typeof OrganizationFilter.$inferInput | null | undefined;

function organizationsWhere(filter: OrganizationFilterShape, ctx: Parameters<typeof viewerOf>[0]) {
  return {
    AND: [
      organizationWhere(viewerOf(ctx)),
      { setting: filter?.setting ?? undefined, region: filter?.region ?? undefined },
    ],
  };
}

builder.queryFields((t) => ({
  organizations: t.prismaConnection({
    type: 'Organization',
    cursor: 'id',
    args: { filter: t.arg({ type: OrganizationFilter }) },
    totalCount: (_parent, args, ctx) => totalOf(args, () => prisma.organization.count({ where: organizationsWhere(args.filter, ctx) })),
    resolve: (query, _parent, args, ctx) =>
      page(
        args,
        query,
        prisma.organization.findMany({
          ...query,
          where: organizationsWhere(args.filter, ctx),
          orderBy: [{ name: 'asc' }, { id: 'asc' }],
        }),
      ),
  }),
}));
