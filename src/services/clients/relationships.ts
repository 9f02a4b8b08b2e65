// A client's family and support network: related persons and their links to clients
// (ClientRelationship). One RelatedPerson may be linked to several clients (the grandmother
// caring for two grandchildren); a link ends rather than being deleted.
import { Prisma } from '../../db.js';
import { findClientForViewer, relatedPersonWhere } from '../../auth/access.js';
import type { Context } from '../../context.js';
import { NotFoundError, RuleViolationError, ValidationError } from '../../errors.js';
import type { Relationship } from '../../generated/prisma/enums.js';
import { runCreate, runMutation, type MutationScope } from '../workflow/mutation.js';
import { topics } from '../workflow/topics.js';
import { updateVersioned } from '../workflow/versioning.js';

export interface RelatedPersonDetails {
  givenName: string;
  familyName: string;
  phone?: string | null;
  email?: string | null;
  addressLine?: string | null;
  preferredLanguage?: string | null;
}

export interface RelationshipFlags {
  isEmergencyContact?: boolean | null;
  isCaregiver?: boolean | null;
  isLegalGuardian?: boolean | null;
  livesWithClient?: boolean | null;
  consentToShare?: boolean | null;
}

export interface NewRelatedPerson extends RelatedPersonDetails, RelationshipFlags {
  relationship: Relationship;
  startedAt?: Date | null;
}

function flags(input: RelationshipFlags) {
  return {
    isEmergencyContact: input.isEmergencyContact ?? false,
    isCaregiver: input.isCaregiver ?? false,
    isLegalGuardian: input.isLegalGuardian ?? false,
    livesWithClient: input.livesWithClient ?? false,
    consentToShare: input.consentToShare ?? false,
  };
}

function personData(person: RelatedPersonDetails) {
  return {
    givenName: person.givenName,
    familyName: person.familyName,
    phone: person.phone ?? null,
    email: person.email ?? null,
    addressLine: person.addressLine ?? null,
    preferredLanguage: person.preferredLanguage ?? null,
  };
}

/** Creates the person and links them to the client (audited, announced). */
export async function createRelatedPersonLink(scope: MutationScope, clientId: string, person: NewRelatedPerson) {
  const relationship = await scope.tx.clientRelationship.create({
    data: {
      client: { connect: { id: clientId } },
      relatedPerson: { create: personData(person) },
      relationship: person.relationship,
      startedAt: person.startedAt ?? new Date(),
      ...flags(person),
    },
    select: { id: true, relatedPersonId: true },
  });
  await scope.audit({ action: 'CREATE', entityType: 'ClientRelationship', entityId: relationship.id, clientId, reason: 'with a new related person' });
  await scope.emit({
    topic: topics.client(clientId),
    kind: 'RELATED_PERSON_LINKED',
    payload: { clientId, relatedPersonId: relationship.relatedPersonId, relationshipId: relationship.id, relationship: person.relationship },
  });
  return relationship;
}

export interface AddRelatedPersonInput extends NewRelatedPerson {
  clientId: string;
  clientMutationId?: string | null;
}

async function openClient(scope: MutationScope, clientId: string) {
  const client = await findClientForViewer(scope.tx, scope.viewer, clientId, { id: true, mergedIntoId: true });
  if (client.mergedIntoId) {
    throw new RuleViolationError('This record was merged into another: use the surviving record', 'CLIENT_MERGED');
  }
  return client;
}

/** A new related person, linked to the client. */
export function addRelatedPerson(input: AddRelatedPersonInput, ctx: Context) {
  return runCreate(ctx, 'addRelatedPerson', input.clientMutationId, async (scope) => {
    const client = await openClient(scope, input.clientId);
    return createRelatedPersonLink(scope, client.id, input);
  });
}

export interface LinkRelatedPersonInput extends RelationshipFlags {
  relatedPersonId: string;
  clientId: string;
  relationship: Relationship;
  startedAt?: Date | null;
}

/**
 * Links a person already known (through a client the viewer may see) to another client: the
 * grandmother caring for two grandchildren is one RelatedPerson with two links. A link of the
 * same kind that had ended is opened again.
 */
export function linkRelatedPerson(input: LinkRelatedPersonInput, ctx: Context) {
  return runMutation(ctx, 'linkRelatedPerson', async (scope) => {
    const { tx, viewer } = scope;
    const client = await openClient(scope, input.clientId);
    const person = await tx.relatedPerson.findFirst({
      where: { id: input.relatedPersonId, AND: [relatedPersonWhere(viewer)] },
      select: { id: true },
    });
    if (!person) throw new NotFoundError('RelatedPerson', input.relatedPersonId);
    const existing = await tx.clientRelationship.findUnique({
      where: { clientId_relatedPersonId_relationship: { clientId: client.id, relatedPersonId: person.id, relationship: input.relationship } },
      select: { id: true, version: true, endedAt: true },
    });
    if (existing && !existing.endedAt) {
      throw new ValidationError('This person is already linked to the client with this relationship', 'relatedPersonId');
    }
    const startedAt = input.startedAt ?? new Date();
    const link = existing
      ? await tx.clientRelationship.update({
          where: { id: existing.id },
          data: { endedAt: null, startedAt, ...flags(input), version: { increment: 1 } },
          select: { id: true },
        })
      : await tx.clientRelationship.create({
          data: { clientId: client.id, relatedPersonId: person.id, relationship: input.relationship, startedAt, ...flags(input) },
          select: { id: true },
        });
    await scope.audit({
      action: existing ? 'UPDATE' : 'CREATE',
      entityType: 'ClientRelationship',
      entityId: link.id,
      clientId: client.id,
      reason: existing ? 'link reopened' : 'with an existing related person',
    });
    await scope.emit({
      topic: topics.client(client.id),
      kind: 'RELATED_PERSON_LINKED',
      payload: { clientId: client.id, relatedPersonId: person.id, relationshipId: link.id, relationship: input.relationship },
    });
    return link;
  });
}

/** A relationship, checked through its client: a forbidden id answers like a missing one. */
async function relationshipForViewer(scope: MutationScope, relationshipId: string) {
  const link = await scope.tx.clientRelationship.findUnique({ where: { id: relationshipId } });
  if (!link) throw new NotFoundError('ClientRelationship', relationshipId);
  try {
    await openClient(scope, link.clientId);
  } catch (error) {
    if (error instanceof NotFoundError) throw new NotFoundError('ClientRelationship', relationshipId, link.clientId);
    throw error;
  }
  return link;
}

export interface UpdateClientRelationshipInput extends RelationshipFlags {
  relationshipId: string;
  expectedVersion?: number | null;
  relationship?: Relationship | null;
}

export function updateClientRelationship(input: UpdateClientRelationshipInput, ctx: Context) {
  return runMutation(ctx, 'updateClientRelationship', async (scope) => {
    const { tx } = scope;
    const link = await relationshipForViewer(scope, input.relationshipId);
    if (link.endedAt) throw new RuleViolationError('This relationship has ended: link the person again instead', 'RELATIONSHIP_ENDED');
    const data: Prisma.ClientRelationshipUpdateInput = {};
    const changed: string[] = [];
    for (const field of ['relationship', 'isEmergencyContact', 'isCaregiver', 'isLegalGuardian', 'livesWithClient', 'consentToShare'] as const) {
      const value = input[field];
      if (value == null || value === link[field]) continue;
      (data as Record<string, unknown>)[field] = value;
      changed.push(field);
    }
    if (changed.length === 0) throw new ValidationError('Nothing to change', null);
    try {
      await updateVersioned('ClientRelationship', link, input.expectedVersion, (where) =>
        tx.clientRelationship.update({ where, data: { ...data, version: { increment: 1 } } }),
      );
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new ValidationError('The client already has this person with that relationship', 'relationship');
      }
      throw error;
    }
    await scope.audit({ action: 'UPDATE', entityType: 'ClientRelationship', entityId: link.id, clientId: link.clientId, reason: `changed ${changed.join(', ')}` });
    await scope.emit({
      topic: topics.client(link.clientId),
      kind: 'CLIENT_RELATIONSHIP_CHANGED',
      payload: { clientId: link.clientId, relationshipId: link.id, relatedPersonId: link.relatedPersonId, fields: changed },
    });
    return { id: link.id };
  });
}

export function endClientRelationship(
  input: { relationshipId: string; expectedVersion?: number | null; endedAt?: Date | null; reason?: string | null },
  ctx: Context,
) {
  return runMutation(ctx, 'endClientRelationship', async (scope) => {
    const { tx } = scope;
    const link = await relationshipForViewer(scope, input.relationshipId);
    if (link.endedAt) throw new RuleViolationError('This relationship has already ended', 'RELATIONSHIP_ENDED');
    const now = new Date();
    const endedAt = input.endedAt ?? now;
    if (endedAt.getTime() > now.getTime() + 60_000) throw new ValidationError('A relationship cannot end in the future', 'endedAt');
    if (link.startedAt && endedAt < link.startedAt) throw new ValidationError('A relationship cannot end before it started', 'endedAt');
    await updateVersioned('ClientRelationship', link, input.expectedVersion, (where) =>
      tx.clientRelationship.update({ where, data: { endedAt, version: { increment: 1 } } }),
    );
    await scope.audit({
      action: 'STATUS_CHANGE',
      entityType: 'ClientRelationship',
      entityId: link.id,
      clientId: link.clientId,
      reason: input.reason ? `ended: ${input.reason}` : 'ended',
    });
    await scope.emit({
      topic: topics.client(link.clientId),
      kind: 'CLIENT_RELATIONSHIP_ENDED',
      payload: { clientId: link.clientId, relationshipId: link.id, relatedPersonId: link.relatedPersonId },
    });
    return { id: link.id };
  });
}
