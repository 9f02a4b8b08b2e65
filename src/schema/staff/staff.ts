import { builder } from '../../builder.js';
import { prisma } from '../../db.js';
import { staffWhere } from '../../auth/access.js';
import { DisciplineEnum, StaffRoleEnum } from '../enums.js';
import { viewerOf } from '../viewer.js';
import { page, totalOf } from '../connections.js';
import { likeLiteral } from '../../services/clients/identifiers.js';

export const StaffMember = builder.prismaNode('StaffMember', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, AND: [staffWhere(viewerOf(ctx))] }),
  description: 'A user of the system: case manager, nurse, social worker, supervisor...',
  fields: (t) => ({
    givenName: t.exposeString('givenName'),
    familyName: t.exposeString('familyName'),
    name: t.string({
      select: { givenName: true, familyName: true },
      resolve: (staff) => `${staff.givenName} ${staff.familyName}`,
    }),
    email: t.exposeString('email'),
    phone: t.exposeString('phone', { nullable: true }),
    roles: t.expose('roles', { type: [StaffRoleEnum] }),
    discipline: t.expose('discipline', { type: DisciplineEnum }),
    active: t.exposeBoolean('active'),
    organization: t.relation('organization'),
    supervisor: t.relation('supervisor', { nullable: true }),
    teamMemberships: t.relation('teamMemberships', { query: { where: { endedAt: null } } }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    version: t.exposeInt('version'),
  }),
});

export const Team = builder.prismaNode('Team', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, organization: { staff: { some: { id: viewerOf(ctx).id } } } }),
  description: 'A multidisciplinary (medical and social) team in an organization.',
  fields: (t) => ({
    name: t.exposeString('name'),
    region: t.exposeString('region', { nullable: true }),
    organization: t.relation('organization'),
    members: t.relation('members', { query: { where: { endedAt: null }, orderBy: { startedAt: 'asc' } } }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    version: t.exposeInt('version'),
  }),
});

builder.prismaObject('TeamMembership', {
  fields: (t) => ({
    id: t.exposeID('id'),
    role: t.expose('role', { type: StaffRoleEnum }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true }),
    team: t.relation('team'),
    staff: t.relation('staff'),
  }),
});

const StaffFilter = builder.inputType('StaffFilter', {
  fields: (t) => ({
    role: t.field({ type: StaffRoleEnum }),
    teamId: t.globalID({ for: Team }),
    active: t.boolean(),
    search: t.string({ description: 'Matches names and email, case-insensitively' }),
  }),
});

function staffListWhere(filter: typeof StaffFilter.$inferInput | null | undefined, ctx: Parameters<typeof viewerOf>[0]) {
  // `%`, `_` and `\` are literal characters, as in the client search.
  const search = filter?.search?.trim() ? likeLiteral(filter.search.trim()) : undefined;
  return {
    AND: [
      staffWhere(viewerOf(ctx)),
      filter?.role ? { roles: { has: filter.role } } : {},
      filter?.teamId ? { teamMemberships: { some: { teamId: filter.teamId.id, endedAt: null } } } : {},
      filter?.active != null ? { active: filter.active } : {},
      search
        ? {
            OR: [
              { givenName: { contains: search, mode: 'insensitive' as const } },
              { familyName: { contains: search, mode: 'insensitive' as const } },
              { email: { contains: search, mode: 'insensitive' as const } },
            ],
          }
        : {},
    ],
  };
}

builder.queryFields((t) => ({
  me: t.prismaField({
    type: 'StaffMember',
    description: 'The signed-in staff member',
    resolve: (query, _parent, _args, ctx) =>
      prisma.staffMember.findUniqueOrThrow({ ...query, where: { id: viewerOf(ctx).id } }),
  }),
  staff: t.prismaConnection({
    type: 'StaffMember',
    cursor: 'id',
    args: { filter: t.arg({ type: StaffFilter }) },
    totalCount: (_parent, args, ctx) => totalOf(args, () => prisma.staffMember.count({ where: staffListWhere(args.filter, ctx) })),
    resolve: (query, _parent, args, ctx) =>
      page(
        args,
        query,
        prisma.staffMember.findMany({
          ...query,
          where: staffListWhere(args.filter, ctx),
          orderBy: [{ familyName: 'asc' }, { givenName: 'asc' }, { id: 'asc' }],
        }),
      ),
  }),
}));
