// Administration mutations: organizations, staff accounts, teams (ADMIN role).
import { z } from 'zod';
import { builder } from '../../builder.js';
import { prisma } from '../../db.js';
import { viewerOf } from '../viewer.js';
import {
  createStaffMember,
  createTeam,
  setStaffIdentity,
  setTeamMembership,
  updateOrganization,
  updateStaffMember,
} from '../../services/admin.js';
import { ApprovalSubjectEnum, DisciplineEnum, StaffRoleEnum } from '../enums.js';
import { commonErrors } from '../errors.js';
import { Organization } from '../organization/organization.js';
import { StaffMember, Team } from '../staff/staff.js';

const name = z.string().trim().min(1, 'must not be empty').max(200);

const UpdateOrganizationInput = builder.inputType('UpdateOrganizationInput', {
  fields: (t) => ({
    organizationId: t.globalID({ for: Organization, required: true }),
    expectedVersion: t.int(),
    name: t.string({ validate: name }),
    region: t.string({ validate: z.string().max(100) }),
    approvalRequiredFor: t.field({ type: [ApprovalSubjectEnum] }),
  }),
});

const CreateStaffMemberInput = builder.inputType('CreateStaffMemberInput', {
  fields: (t) => ({
    givenName: t.string({ required: true, validate: name }),
    familyName: t.string({ required: true, validate: name }),
    email: t.string({ required: true, validate: z.string().email('must be an email address').max(320) }),
    phone: t.string({ validate: z.string().max(40) }),
    roles: t.field({ type: [StaffRoleEnum], required: true, validate: z.array(z.string()).min(1, 'give at least one role') }),
    discipline: t.field({ type: DisciplineEnum, required: true }),
    supervisorId: t.globalID({ for: StaffMember }),
  }),
});

const UpdateStaffMemberInput = builder.inputType('UpdateStaffMemberInput', {
  fields: (t) => ({
    staffId: t.globalID({ for: StaffMember, required: true }),
    expectedVersion: t.int(),
    roles: t.field({ type: [StaffRoleEnum], validate: z.array(z.string()).min(1, 'give at least one role') }),
    active: t.boolean({ description: 'false deactivates the account: its tokens stop working at once' }),
    supervisorId: t.globalID({ for: StaffMember }),
    phone: t.string({ validate: z.string().max(40) }),
  }),
});

// As the provider writes them (compared exactly, as OIDC does): no trimming, no surrounding spaces.
const claim = (max: number) =>
  z.string().min(1, 'must not be empty').max(max).regex(/^\S(?:.*\S)?$/, 'must not start or end with a space');

const LinkStaffIdentityInput = builder.inputType('LinkStaffIdentityInput', {
  fields: (t) => ({
    staffId: t.globalID({ for: StaffMember, required: true }),
    expectedVersion: t.int(),
    issuer: t.string({ required: true, description: "The identity provider's `iss` (JWT_ISSUER when it is set)", validate: claim(500) }),
    subject: t.string({ required: true, description: "The person's `sub` at that provider", validate: claim(255) }),
  }),
});

const UnlinkStaffIdentityInput = builder.inputType('UnlinkStaffIdentityInput', {
  fields: (t) => ({
    staffId: t.globalID({ for: StaffMember, required: true }),
    expectedVersion: t.int(),
  }),
});

interface ExternalIdentityShape {
  issuer: string;
  subject: string;
}

const ExternalIdentity = builder.objectRef<ExternalIdentityShape>('ExternalIdentity').implement({
  description: "The identity provider's issuer and subject a staff member signs in with (administrators only)",
  fields: (t) => ({
    issuer: t.exposeString('issuer'),
    subject: t.exposeString('subject'),
  }),
});

// Administrators of the staff member's own organization only: other staff get FORBIDDEN, and
// an administrator reaching someone of another organization (a transfer's staff) gets null.
builder.prismaObjectFields(StaffMember, (t) => ({
  externalIdentity: t.field({
    type: ExternalIdentity,
    nullable: true,
    authScopes: { role: 'ADMIN' },
    description: 'How they sign in through the identity provider (linkStaffIdentity); null: by no stored identity',
    select: { organizationId: true, externalIssuer: true, externalSubject: true },
    resolve: (staff, _args, ctx) =>
      staff.organizationId === viewerOf(ctx).organizationId && staff.externalIssuer && staff.externalSubject
        ? { issuer: staff.externalIssuer, subject: staff.externalSubject }
        : null,
  }),
}));

const CreateTeamInput = builder.inputType('CreateTeamInput', {
  fields: (t) => ({
    name: t.string({ required: true, validate: name }),
    region: t.string({ validate: z.string().max(100) }),
  }),
});

const SetTeamMembershipInput = builder.inputType('SetTeamMembershipInput', {
  fields: (t) => ({
    teamId: t.globalID({ for: Team, required: true }),
    staffId: t.globalID({ for: StaffMember, required: true }),
    role: t.field({ type: StaffRoleEnum }),
    member: t.boolean({ required: true, description: 'true adds, false ends the membership' }),
  }),
});

builder.mutationFields((t) => ({
  updateOrganization: t.prismaField({
    type: 'Organization',
    errors: { types: [...commonErrors] },
    args: { input: t.arg({ type: UpdateOrganizationInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await updateOrganization({ ...input, organizationId: input.organizationId.id }, ctx);
      return prisma.organization.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  createStaffMember: t.prismaField({
    type: 'StaffMember',
    errors: { types: [...commonErrors] },
    args: { input: t.arg({ type: CreateStaffMemberInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await createStaffMember({ ...input, supervisorId: input.supervisorId?.id }, ctx);
      return prisma.staffMember.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  updateStaffMember: t.prismaField({
    type: 'StaffMember',
    errors: { types: [...commonErrors] },
    args: { input: t.arg({ type: UpdateStaffMemberInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await updateStaffMember(
        { ...input, staffId: input.staffId.id, supervisorId: input.supervisorId === undefined ? undefined : (input.supervisorId?.id ?? null) },
        ctx,
      );
      return prisma.staffMember.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  linkStaffIdentity: t.prismaField({
    type: 'StaffMember',
    description:
      "Stores the identity provider's issuer and subject a staff member signs in with: their tokens are then matched by it, and only by it. Admin only.",
    errors: { types: [...commonErrors] },
    args: { input: t.arg({ type: LinkStaffIdentityInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { staffId, expectedVersion, issuer, subject } = input;
      const { id } = await setStaffIdentity({ staffId: staffId.id, expectedVersion, identity: { issuer, subject } }, ctx);
      return prisma.staffMember.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  unlinkStaffIdentity: t.prismaField({
    type: 'StaffMember',
    description: 'Clears the stored identity of a staff member: tokens naming it stop working at once. Admin only.',
    errors: { types: [...commonErrors] },
    args: { input: t.arg({ type: UnlinkStaffIdentityInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await setStaffIdentity({ staffId: input.staffId.id, expectedVersion: input.expectedVersion, identity: null }, ctx);
      return prisma.staffMember.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  createTeam: t.prismaField({
    type: 'Team',
    errors: { types: [...commonErrors] },
    args: { input: t.arg({ type: CreateTeamInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await createTeam(input, ctx);
      return prisma.team.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  setTeamMembership: t.prismaField({
    type: 'Team',
    errors: { types: [...commonErrors] },
    args: { input: t.arg({ type: SetTeamMembershipInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await setTeamMembership({ ...input, teamId: input.teamId.id, staffId: input.staffId.id }, ctx);
      return prisma.team.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
}));
