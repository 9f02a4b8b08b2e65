// Client registration (with the duplicate check), updates, merging, and the family and support
// network. Rules live in src/services/clients/.
import { queryFromInfo } from '@pothos/plugin-prisma';
import { InputValidationError } from '@pothos/plugin-validation';
import type { GraphQLResolveInfo } from 'graphql';
import { z } from 'zod';
import { builder } from '../../builder.js';
import { prisma } from '../../db.js';
import { clientWhere } from '../../auth/access.js';
import type { Context } from '../../context.js';
import { ForbiddenError, InvalidTransitionError, RuleViolationError, ValidationError } from '../../errors.js';
import type { Client as ClientRow } from '../../generated/prisma/client.js';
import {
  checkForDuplicateClients,
  PossibleDuplicatesError,
  type DuplicateCandidate,
  type DuplicateCheck,
} from '../../services/clients/duplicates.js';
import { mergeClients } from '../../services/clients/merge.js';
import { registerClient } from '../../services/clients/registration.js';
import {
  addRelatedPerson,
  endClientRelationship,
  linkRelatedPerson,
  updateClientRelationship,
} from '../../services/clients/relationships.js';
import { updateClient } from '../../services/clients/updates.js';
import { ClientStatusEnum, RelationshipEnum } from '../enums.js';
import { commonErrors, ErrorInterface } from '../errors.js';
import { viewerOf } from '../viewer.js';
import { Client, RelatedPerson } from './client.js';

// ------------------------------------------------------------------ shared validation

const YEAR_MS = 365.25 * 24 * 3600_000;

export const personName = z.string().trim().min(1, 'must not be empty').max(100, 'at most 100 characters');
export const shortText = (max: number) => z.string().trim().max(max, `at most ${max} characters`);
export const phoneNumber = z
  .string()
  .trim()
  .max(40, 'at most 40 characters')
  .regex(/^\+?[0-9 ()./-]*[0-9][0-9 ()./-]*((x|ext\.?)\s*[0-9]+)?$/i, 'must be a phone number: digits, spaces, + ( ) - . and an extension');
export const emailAddress = z.string().trim().max(320, 'at most 320 characters').email('must be an email address');
export const languageCode = z
  .string()
  .trim()
  .regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i, 'must be a language code such as "en" or "pt-BR"');
export const reasonText = z.string().trim().min(3, 'give a reason of at least 3 characters').max(2000, 'at most 2000 characters');
export const clientMutationIdText = z.string().min(1).max(200);
/** Not in the future (a few minutes of clock skew aside). */
export const notInFuture = z.date().refine((date) => date.getTime() <= Date.now() + 5 * 60_000, 'must not be in the future');
const dateOfBirth = z
  .date()
  .refine((date) => date.getTime() <= Date.now(), 'must not be in the future')
  .refine((date) => date.getTime() >= Date.now() - 130 * YEAR_MS, 'must be within the last 130 years');

/** A Relay id of a type the schema does not export a ref for. */
function idOf(value: { typename: string; id: string }, typename: string, field: string): string {
  if (value.typename !== typename) throw new ValidationError(`Expected the id of a ${typename}`, field);
  return value.id;
}

// ------------------------------------------------------------------ duplicate check results

const DuplicateMatchReasonEnum = builder.enumType('DuplicateMatchReason', {
  description: 'Why an existing client may be the same person',
  values: {
    SAME_IDENTIFIER: { description: 'Same identifier system and value (strong)' },
    SAME_NAME_AND_BIRTH_DATE: { description: 'Same date of birth, same family name, given names starting alike (strong)' },
    SAME_PHONE: { description: 'Same phone number (weak: never blocks a registration)' },
  } as const,
});

type LoadedCandidate = DuplicateCandidate & { client: ClientRow };

const DuplicateCandidateRef = builder.objectRef<LoadedCandidate>('DuplicateCandidate').implement({
  description: 'An existing client who may be the person being registered.',
  fields: (t) => ({
    client: t.field({ type: Client, resolve: (candidate) => candidate.client }),
    reasons: t.field({ type: [DuplicateMatchReasonEnum], resolve: (candidate) => candidate.reasons }),
    strong: t.exposeBoolean('strong', { description: 'A strong match: registering anyway needs confirmNotDuplicate' }),
  }),
});

/** Loads the visible candidates' clients in one query, with what the request selects under `client`. */
async function loadCandidates(check: DuplicateCheck, ctx: Context, info: GraphQLResolveInfo): Promise<LoadedCandidate[]> {
  if (check.candidates.length === 0) return [];
  const query = await queryFromInfo({ context: ctx, info, path: ['client'], awaitSelections: true });
  const rows = (await prisma.client.findMany({
    ...(query as object),
    where: { id: { in: check.candidates.map((c) => c.clientId) }, AND: [clientWhere(viewerOf(ctx))] },
  })) as ClientRow[];
  const byId = new Map(rows.map((row) => [row.id, row]));
  return check.candidates.flatMap((candidate) => {
    const client = byId.get(candidate.clientId);
    return client ? [{ ...candidate, client }] : [];
  });
}

const DuplicateCheckRef = builder.objectRef<DuplicateCheck>('DuplicateCheck').implement({
  description: 'Existing clients who may be the person about to be registered.',
  fields: (t) => ({
    candidates: t.field({
      type: [DuplicateCandidateRef],
      description: 'Matches you may see, strong ones first',
      resolve: (check, _args, ctx, info) => loadCandidates(check, ctx, info),
    }),
    hiddenMatchCount: t.exposeInt('hiddenMatchCount', { description: 'Matches among clients you may not see' }),
    hiddenStrongMatchCount: t.exposeInt('hiddenStrongMatchCount'),
    hasStrongMatch: t.boolean({
      description: 'A registration with these details needs confirmNotDuplicate',
      resolve: (check) => check.candidates.some((c) => c.strong) || check.hiddenStrongMatchCount > 0,
    }),
  }),
});

builder.objectType(PossibleDuplicatesError, {
  name: 'PossibleDuplicates',
  description: 'Registration stopped: existing clients may be the same person. Nothing was created.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    candidates: t.field({
      type: [DuplicateCandidateRef],
      description: 'Matches you may see, strong ones first',
      resolve: (error, _args, ctx, info) => loadCandidates(error.check, ctx, info),
    }),
    hiddenMatchCount: t.int({ resolve: (error) => error.check.hiddenMatchCount }),
    hiddenStrongMatchCount: t.int({ resolve: (error) => error.check.hiddenStrongMatchCount }),
  }),
});

// ------------------------------------------------------------------ inputs

const ClientIdentifierInput = builder.inputType('ClientIdentifierInput', {
  fields: (t) => ({
    system: t.string({
      required: true,
      description: 'MRN, SCHOOL_ID, INMATE_NUMBER, NATIONAL_ID, ... (stored upper case)',
      validate: z.string().trim().min(1, 'must not be empty').max(50, 'at most 50 characters'),
    }),
    value: t.string({ required: true, validate: z.string().trim().min(1, 'must not be empty').max(100, 'at most 100 characters') }),
  }),
});

const identifierList = z.array(z.unknown()).max(20, 'at most 20 identifiers');

type FieldsOf = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];

function relatedPersonFields(t: FieldsOf) {
  return {
    givenName: t.string({ required: true, validate: personName }),
    familyName: t.string({ required: true, validate: personName }),
    phone: t.string({ validate: phoneNumber }),
    email: t.string({ validate: emailAddress }),
    addressLine: t.string({ validate: shortText(300) }),
    preferredLanguage: t.string({ validate: languageCode }),
  };
}

function relationshipFields(t: FieldsOf) {
  return {
    relationship: t.field({ type: RelationshipEnum, required: true }),
    isEmergencyContact: t.boolean(),
    isCaregiver: t.boolean(),
    isLegalGuardian: t.boolean(),
    livesWithClient: t.boolean(),
    consentToShare: t.boolean({ description: 'The client agreed that this person may be told about their care' }),
    startedAt: t.field({ type: 'DateTime', description: 'Defaults to now', validate: notInFuture }),
  };
}

const NewRelatedPersonInput = builder.inputType('NewRelatedPersonInput', {
  description: 'A family member, caregiver or friend registered together with the client',
  fields: (t) => ({ ...relatedPersonFields(t), ...relationshipFields(t) }),
});

/** Everything but the names, which are required on registration and optional on update. */
function clientDetailFields(t: FieldsOf) {
  return {
    preferredName: t.string({ validate: shortText(100) }),
    dateOfBirth: t.field({ type: 'Date', validate: dateOfBirth }),
    gender: t.string({ validate: shortText(50) }),
    preferredLanguage: t.string({ validate: languageCode }),
    phone: t.string({ validate: phoneNumber }),
    email: t.string({ validate: emailAddress }),
    addressLine: t.string({ validate: shortText(300) }),
    city: t.string({ validate: shortText(100) }),
    postalCode: t.string({ validate: shortText(20) }),
    region: t.string({ validate: shortText(100) }),
  };
}

const RegisterClientInput = builder.inputType('RegisterClientInput', {
  fields: (t) => ({
    givenName: t.string({ required: true, validate: personName }),
    familyName: t.string({ required: true, validate: personName }),
    ...clientDetailFields(t),
    identifiers: t.field({ type: [ClientIdentifierInput], validate: identifierList }),
    relatedPersons: t.field({ type: [NewRelatedPersonInput], validate: z.array(z.unknown()).max(20, 'at most 20 related persons') }),
    confirmNotDuplicate: t.boolean({
      description: 'Register although strong duplicate matches exist (after looking at them); needs notDuplicateReason',
    }),
    notDuplicateReason: t.string({ description: 'Why this is a different person: audited', validate: reasonText }),
    clientMutationId: t.string({ description: 'Repeat it on a retry: the client is registered once', validate: clientMutationIdText }),
  }),
});

const FindDuplicateClientsInput = builder.inputType('FindDuplicateClientsInput', {
  fields: (t) => ({
    givenName: t.string({ validate: personName }),
    familyName: t.string({ validate: personName }),
    dateOfBirth: t.field({ type: 'Date', validate: dateOfBirth }),
    phone: t.string({ validate: phoneNumber }),
    identifiers: t.field({ type: [ClientIdentifierInput], validate: identifierList }),
  }),
});

const UpdateClientInput = builder.inputType('UpdateClientInput', {
  description: 'Only the fields given change; null clears an optional field.',
  fields: (t) => ({
    clientId: t.globalID({ for: Client, required: true }),
    expectedVersion: t.int({ description: 'The version you read: a StaleVersion result if it moved on' }),
    givenName: t.string({ validate: personName }),
    familyName: t.string({ validate: personName }),
    ...clientDetailFields(t),
    status: t.field({ type: ClientStatusEnum, description: 'DECEASED is final' }),
    addIdentifiers: t.field({ type: [ClientIdentifierInput], validate: identifierList }),
    removeIdentifiers: t.field({ type: [ClientIdentifierInput], validate: identifierList }),
  }),
});

const MergeClientsInput = builder.inputType('MergeClientsInput', {
  fields: (t) => ({
    survivorId: t.globalID({ for: Client, required: true, description: 'The record that stays' }),
    duplicateId: t.globalID({ for: Client, required: true, description: 'The record merged into the survivor' }),
    reason: t.string({ required: true, validate: reasonText }),
    survivorExpectedVersion: t.int(),
    duplicateExpectedVersion: t.int(),
  }),
});

const AddRelatedPersonInput = builder.inputType('AddRelatedPersonInput', {
  fields: (t) => ({
    clientId: t.globalID({ for: Client, required: true }),
    ...relatedPersonFields(t),
    ...relationshipFields(t),
    clientMutationId: t.string({ validate: clientMutationIdText }),
  }),
});

const LinkRelatedPersonInput = builder.inputType('LinkRelatedPersonInput', {
  description: 'Links a person already related to one client to another client',
  fields: (t) => ({
    relatedPersonId: t.globalID({ for: RelatedPerson, required: true }),
    clientId: t.globalID({ for: Client, required: true }),
    ...relationshipFields(t),
  }),
});

const UpdateClientRelationshipInput = builder.inputType('UpdateClientRelationshipInput', {
  fields: (t) => ({
    relationshipId: t.globalID({ required: true, description: 'A ClientRelationship id' }),
    expectedVersion: t.int(),
    relationship: t.field({ type: RelationshipEnum }),
    isEmergencyContact: t.boolean(),
    isCaregiver: t.boolean(),
    isLegalGuardian: t.boolean(),
    livesWithClient: t.boolean(),
    consentToShare: t.boolean(),
  }),
});

const EndClientRelationshipInput = builder.inputType('EndClientRelationshipInput', {
  fields: (t) => ({
    relationshipId: t.globalID({ required: true, description: 'A ClientRelationship id' }),
    expectedVersion: t.int(),
    endedAt: t.field({ type: 'DateTime', description: 'Defaults to now', validate: notInFuture }),
    reason: t.string({ validate: shortText(2000) }),
  }),
});

// ------------------------------------------------------------------ fields on Client

builder.prismaObjectField('Client', 'mergedFrom', (t) =>
  t.relation('mergedFrom', {
    description: 'Duplicate records merged into this one (their histories now belong here)',
    query: (_args, ctx) => ({ where: clientWhere(viewerOf(ctx)), orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
  }),
);

builder.queryField('findDuplicateClients', (t) =>
  t.field({
    type: DuplicateCheckRef,
    description: 'Existing clients who may be this person: run it before registerClient.',
    errors: { types: [InputValidationError, ValidationError, ForbiddenError] },
    args: { input: t.arg({ type: FindDuplicateClientsInput, required: true }) },
    resolve: (_root, { input }, ctx) => checkForDuplicateClients(prisma, viewerOf(ctx), input),
  }),
);

// ------------------------------------------------------------------ mutations

const clientErrors = [...commonErrors, RuleViolationError];

builder.mutationFields((t) => ({
  registerClient: t.prismaField({
    type: 'Client',
    description: 'Registers a client of your organization after a duplicate check.',
    errors: { types: [...commonErrors, PossibleDuplicatesError] },
    args: { input: t.arg({ type: RegisterClientInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await registerClient(input, ctx);
      return prisma.client.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  updateClient: t.prismaField({
    type: 'Client',
    errors: { types: [...clientErrors, InvalidTransitionError] },
    args: { input: t.arg({ type: UpdateClientInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await updateClient({ ...input, clientId: input.clientId.id }, ctx);
      return prisma.client.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  mergeClients: t.prismaField({
    type: 'Client',
    description: 'Merges a duplicate record into the surviving one; returns the survivor.',
    errors: { types: clientErrors },
    args: { input: t.arg({ type: MergeClientsInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await mergeClients({ ...input, survivorId: input.survivorId.id, duplicateId: input.duplicateId.id }, ctx);
      return prisma.client.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  addRelatedPerson: t.prismaField({
    type: 'ClientRelationship',
    description: 'Registers a family member, caregiver or friend and links them to the client.',
    errors: { types: clientErrors },
    args: { input: t.arg({ type: AddRelatedPersonInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await addRelatedPerson({ ...input, clientId: input.clientId.id }, ctx);
      return prisma.clientRelationship.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  linkRelatedPerson: t.prismaField({
    type: 'ClientRelationship',
    errors: { types: clientErrors },
    args: { input: t.arg({ type: LinkRelatedPersonInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await linkRelatedPerson({ ...input, clientId: input.clientId.id, relatedPersonId: input.relatedPersonId.id }, ctx);
      return prisma.clientRelationship.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  updateClientRelationship: t.prismaField({
    type: 'ClientRelationship',
    errors: { types: clientErrors },
    args: { input: t.arg({ type: UpdateClientRelationshipInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const relationshipId = idOf(input.relationshipId, 'ClientRelationship', 'relationshipId');
      const { id } = await updateClientRelationship({ ...input, relationshipId }, ctx);
      return prisma.clientRelationship.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  endClientRelationship: t.prismaField({
    type: 'ClientRelationship',
    description: 'Ends a link (kept as history, never deleted).',
    errors: { types: clientErrors },
    args: { input: t.arg({ type: EndClientRelationshipInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const relationshipId = idOf(input.relationshipId, 'ClientRelationship', 'relationshipId');
      const { id } = await endClientRelationship({ ...input, relationshipId }, ctx);
      return prisma.clientRelationship.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
}));

export { idOf };
