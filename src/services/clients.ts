// Clients: registration (with the duplicate check), demographic updates, merging duplicates,
// and the family and support network (related persons and their links to clients).
//
// Duplicates. Registration first looks for the same person among ALL clients, not only those
// the viewer may see (a person registered by another agency is still the same person):
//   - STRONG: the same identifier (system + value, case-insensitive), or the same date of
//     birth with a similar name (same family name, case-insensitive, and given names that
//     start alike: the same first three letters, or one a prefix of the other);
//   - WEAK: the same phone number (digits only; the last nine when longer).
// A strong match blocks the registration with a typed PossibleDuplicates result unless the
// caller confirms `confirmNotDuplicate` with a reason, which is audited. Weak matches never
// block. Candidates the viewer may see are listed; the others are only counted.
//
// Merging keeps both records: the duplicate stays, flagged `mergedIntoId` (and INACTIVE),
// with its own demographics and audit trail. Everything clinical that hung off it (cases and
// all under them, assessments, referrals, interactions, crises, follow-ups, consents) MOVES to
// the survivor, so that risk, consent checks, work queues and access all see one person.
// Relationships and identifiers move too, unless the survivor already has the same one (then
// the duplicate's stays where it is, the relationship ended). Break-glass grants stay: they
// were given for the record that was opened. AuditEvents are never rewritten: the survivor's
// trail is its own plus that of the records merged into it (`Client.mergedFrom`).
import { Prisma } from '../db.js';
import { clientWhere, findClientForViewer, isClinician, relatedPersonWhere } from '../auth/access.js';
import type { Viewer } from '../auth/viewer.js';
import type { Context } from '../context.js';
import { AppError, ForbiddenError, NotFoundError, RuleViolationError, ValidationError } from '../errors.js';
import type { ClientStatus, Relationship } from '../generated/prisma/enums.js';
import { deriveClientRiskLevel } from './assessments.js';
import { defineStateMachine } from './workflow/state-machine.js';
import { runCreate, runMutation, type MutationScope, type Tx } from './workflow/mutation.js';
import { topics } from './workflow/topics.js';
import { updateVersioned } from './workflow/versioning.js';

// ------------------------------------------------------------------ duplicates

export type DuplicateMatchReason = 'SAME_IDENTIFIER' | 'SAME_NAME_AND_BIRTH_DATE' | 'SAME_PHONE';
const STRONG_REASONS: readonly DuplicateMatchReason[] = ['SAME_IDENTIFIER', 'SAME_NAME_AND_BIRTH_DATE'];

export interface DuplicateCandidate {
  clientId: string;
  reasons: DuplicateMatchReason[];
  strong: boolean;
}

export interface DuplicateCheck {
  /** Matches the viewer may see, strongest first. */
  candidates: DuplicateCandidate[];
  /** Matches the viewer may not see: counted, never shown. */
  hiddenMatchCount: number;
  hiddenStrongMatchCount: number;
}

export interface DuplicateProbe {
  givenName?: string | null;
  familyName?: string | null;
  dateOfBirth?: Date | null;
  phone?: string | null;
  identifiers?: IdentifierInput[] | null;
}

/** Rows looked at per criterion: a probe matching more than this is not a person. */
const CANDIDATE_LIMIT = 25;

/** Registration needs confirmation when a match of this kind exists. */
export class PossibleDuplicatesError extends AppError {
  override readonly code = 'POSSIBLE_DUPLICATES';
  constructor(readonly check: DuplicateCheck) {
    const count = check.candidates.filter((c) => c.strong).length + check.hiddenStrongMatchCount;
    super(
      `${count} existing client(s) may be the same person: look at them, and register anyway only with confirmNotDuplicate and a reason`,
    );
    this.name = 'PossibleDuplicatesError';
  }
}

export function phoneKey(phone: string | null | undefined): string | null {
  const digits = (phone ?? '').replace(/\D/g, '');
  if (digits.length < 7) return null;
  return digits.length >= 9 ? digits.slice(-9) : digits;
}

/** Given names "start alike": the same first three letters, or one a prefix of the other. */
export function givenNamesAlike(a: string, b: string): boolean {
  const x = a.trim().toLowerCase();
  const y = b.trim().toLowerCase();
  if (!x || !y) return false;
  if (x.startsWith(y) || y.startsWith(x)) return true;
  return x.length >= 3 && y.length >= 3 && x.slice(0, 3) === y.slice(0, 3);
}

export async function findDuplicateCandidates(tx: Tx, viewer: Viewer, probe: DuplicateProbe): Promise<DuplicateCheck> {
  const reasons = new Map<string, Set<DuplicateMatchReason>>();
  const add = (clientId: string, reason: DuplicateMatchReason) => {
    const set = reasons.get(clientId) ?? new Set();
    set.add(reason);
    reasons.set(clientId, set);
  };

  const identifiers = probe.identifiers ?? [];
  if (identifiers.length) {
    const rows = await tx.clientIdentifier.findMany({
      where: {
        client: { mergedIntoId: null },
        OR: identifiers.map((identifier) => ({
          system: { equals: identifier.system, mode: 'insensitive' as const },
          value: { equals: identifier.value, mode: 'insensitive' as const },
        })),
      },
      select: { clientId: true },
      distinct: ['clientId'],
      take: CANDIDATE_LIMIT,
    });
    for (const row of rows) add(row.clientId, 'SAME_IDENTIFIER');
  }

  if (probe.dateOfBirth && probe.familyName?.trim() && probe.givenName?.trim()) {
    const rows = await tx.client.findMany({
      where: {
        mergedIntoId: null,
        dateOfBirth: probe.dateOfBirth,
        familyName: { equals: probe.familyName.trim(), mode: 'insensitive' },
      },
      select: { id: true, givenName: true, preferredName: true },
      take: CANDIDATE_LIMIT * 4,
    });
    for (const row of rows) {
      const alike = [row.givenName, row.preferredName].some((name) => name && givenNamesAlike(name, probe.givenName!));
      if (alike) add(row.id, 'SAME_NAME_AND_BIRTH_DATE');
    }
  }

  const phone = phoneKey(probe.phone);
  if (phone) {
    const rows = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT id::text AS id FROM "Client"
      WHERE "mergedIntoId" IS NULL AND phone IS NOT NULL
        AND (CASE WHEN length(regexp_replace(phone, '[^0-9]', '', 'g')) >= 9
                  THEN right(regexp_replace(phone, '[^0-9]', '', 'g'), 9)
                  ELSE regexp_replace(phone, '[^0-9]', '', 'g') END) = ${phone}
      LIMIT ${CANDIDATE_LIMIT}`;
    for (const row of rows) add(row.id, 'SAME_PHONE');
  }

  if (reasons.size === 0) return { candidates: [], hiddenMatchCount: 0, hiddenStrongMatchCount: 0 };
  const visible = new Set(
    (
      await tx.client.findMany({ where: { id: { in: [...reasons.keys()] }, AND: [clientWhere(viewer)] }, select: { id: true } })
    ).map((row) => row.id),
  );
  const all: DuplicateCandidate[] = [...reasons].map(([clientId, set]) => {
    const list = [...set].sort();
    return { clientId, reasons: list, strong: list.some((r) => STRONG_REASONS.includes(r)) };
  });
  all.sort((a, b) => Number(b.strong) - Number(a.strong) || b.reasons.length - a.reasons.length || a.clientId.localeCompare(b.clientId));
  const hidden = all.filter((c) => !visible.has(c.clientId));
  return {
    candidates: all.filter((c) => visible.has(c.clientId)),
    hiddenMatchCount: hidden.length,
    hiddenStrongMatchCount: hidden.filter((c) => c.strong).length,
  };
}

function strongMatchCount(check: DuplicateCheck): number {
  return check.candidates.filter((c) => c.strong).length + check.hiddenStrongMatchCount;
}

/** The duplicate check on its own, before submitting a registration. */
export async function checkForDuplicateClients(tx: Tx, viewer: Viewer, probe: DuplicateProbe): Promise<DuplicateCheck> {
  if (!isClinician(viewer)) throw new ForbiddenError('Only clinical staff register clients');
  return findDuplicateCandidates(tx, viewer, { ...probe, identifiers: normalizeIdentifiers(probe.identifiers ?? [], 'identifiers') });
}

/**
 * Serializes registrations of what may be the same person (same family name and birth date,
 * or same identifier), so that two people registering one client at the same moment do not
 * both miss each other. Transaction-scoped advisory locks, taken in a fixed order.
 */
async function lockRegistration(tx: Tx, probe: DuplicateProbe) {
  const keys = new Set<string>();
  if (probe.familyName && probe.dateOfBirth) {
    keys.add(`client:${probe.familyName.trim().toLowerCase()}:${probe.dateOfBirth.toISOString().slice(0, 10)}`);
  }
  for (const identifier of probe.identifiers ?? []) keys.add(`client-id:${identifier.system.toLowerCase()}:${identifier.value.toLowerCase()}`);
  for (const key of [...keys].sort()) {
    await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext(${key}))`;
  }
}

// ------------------------------------------------------------------ registration

export interface IdentifierInput {
  system: string;
  value: string;
}

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

export interface ClientDetails {
  givenName: string;
  familyName: string;
  preferredName?: string | null;
  dateOfBirth?: Date | null;
  gender?: string | null;
  preferredLanguage?: string | null;
  phone?: string | null;
  email?: string | null;
  addressLine?: string | null;
  city?: string | null;
  postalCode?: string | null;
  region?: string | null;
}

export interface RegisterClientInput extends ClientDetails {
  identifiers?: IdentifierInput[] | null;
  relatedPersons?: NewRelatedPerson[] | null;
  confirmNotDuplicate?: boolean | null;
  notDuplicateReason?: string | null;
  clientMutationId?: string | null;
}

/** Systems are upper case (MRN, SCHOOL_ID); a pair given twice is a mistake. */
export function normalizeIdentifiers(identifiers: IdentifierInput[], field: string): IdentifierInput[] {
  const seen = new Set<string>();
  return identifiers.map((identifier, i) => {
    const normalized = { system: identifier.system.trim().toUpperCase(), value: identifier.value.trim() };
    if (!normalized.system) throw new ValidationError('An identifier needs a system', `${field}.${i}.system`);
    if (!normalized.value) throw new ValidationError('An identifier needs a value', `${field}.${i}.value`);
    const key = `${normalized.system}\u0000${normalized.value.toLowerCase()}`;
    if (seen.has(key)) throw new ValidationError(`${normalized.system} ${normalized.value} is given twice`, `${field}.${i}`);
    seen.add(key);
    return normalized;
  });
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

async function createRelatedPersonLink(scope: MutationScope, clientId: string, person: NewRelatedPerson) {
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

export function registerClient(input: RegisterClientInput, ctx: Context) {
  return runCreate(ctx, 'registerClient', input.clientMutationId, async (scope) => {
    const { tx, viewer } = scope;
    if (!isClinician(viewer)) throw new ForbiddenError('Only clinical staff register clients');
    const identifiers = normalizeIdentifiers(input.identifiers ?? [], 'identifiers');
    const probe: DuplicateProbe = { ...input, identifiers };
    await lockRegistration(tx, probe);
    if (input.clientMutationId) {
      // A concurrent retry of this very request may have committed while we waited for the
      // lock: answer with its client. (runCreate then finds the key taken and replays it.)
      const earlier = await tx.idempotencyKey.findUnique({
        where: { actorId_operation_key: { actorId: viewer.id, operation: 'registerClient', key: input.clientMutationId } },
      });
      if (earlier) return { id: (earlier.result as { id: string }).id };
    }
    const check = await findDuplicateCandidates(tx, viewer, probe);
    const strong = strongMatchCount(check);
    if (strong > 0 && !input.confirmNotDuplicate) throw new PossibleDuplicatesError(check);
    const overrideReason = input.notDuplicateReason?.trim();
    if (strong > 0 && !overrideReason) {
      throw new ValidationError('Say why this is not the same person as the strong match(es)', 'notDuplicateReason');
    }
    const client = await tx.client.create({
      data: {
        organizationId: viewer.organizationId,
        givenName: input.givenName,
        familyName: input.familyName,
        preferredName: input.preferredName ?? null,
        dateOfBirth: input.dateOfBirth ?? null,
        gender: input.gender ?? null,
        preferredLanguage: input.preferredLanguage ?? null,
        phone: input.phone ?? null,
        email: input.email ?? null,
        addressLine: input.addressLine ?? null,
        city: input.city ?? null,
        postalCode: input.postalCode ?? null,
        region: input.region ?? null,
        identifiers: { create: identifiers },
      },
      select: { id: true },
    });
    const overridden = strong > 0
      ? [...check.candidates.filter((c) => c.strong).map((c) => c.clientId), ...(check.hiddenStrongMatchCount ? [`${check.hiddenStrongMatchCount} not visible`] : [])]
      : [];
    await scope.audit({
      action: 'CREATE',
      entityType: 'Client',
      entityId: client.id,
      clientId: client.id,
      reason: strong > 0 ? `confirmed not a duplicate of ${overridden.join(', ')}: ${overrideReason}` : null,
    });
    await scope.emit({
      topic: topics.client(client.id),
      kind: 'CLIENT_REGISTERED',
      payload: { clientId: client.id, organizationId: viewer.organizationId, duplicateOverride: strong > 0 },
    });
    await scope.emit({ topic: topics.organization(viewer.organizationId), kind: 'CLIENT_REGISTERED', payload: { clientId: client.id } });
    for (const person of input.relatedPersons ?? []) await createRelatedPersonLink(scope, client.id, person);
    return client;
  });
}

// ------------------------------------------------------------------ updates

/** ACTIVE and INACTIVE come and go; DECEASED is final. */
export const clientStatusMachine = defineStateMachine<ClientStatus>('Client', {
  ACTIVE: ['INACTIVE', 'DECEASED'],
  INACTIVE: ['ACTIVE', 'DECEASED'],
  DECEASED: [],
});

export interface UpdateClientInput extends Partial<{ [K in keyof ClientDetails]: ClientDetails[K] | null }> {
  clientId: string;
  expectedVersion?: number | null;
  status?: ClientStatus | null;
  addIdentifiers?: IdentifierInput[] | null;
  removeIdentifiers?: IdentifierInput[] | null;
}

const DETAIL_FIELDS = [
  'givenName', 'familyName', 'preferredName', 'dateOfBirth', 'gender', 'preferredLanguage',
  'phone', 'email', 'addressLine', 'city', 'postalCode', 'region',
] as const;
const REQUIRED_DETAILS: readonly string[] = ['givenName', 'familyName'];

function sameIdentifier(a: IdentifierInput, b: IdentifierInput) {
  return a.system.toUpperCase() === b.system.toUpperCase() && a.value.toLowerCase() === b.value.toLowerCase();
}

export function updateClient(input: UpdateClientInput, ctx: Context) {
  return runMutation(ctx, 'updateClient', async (scope) => {
    const { tx, viewer } = scope;
    const client = await findClientForViewer(tx, viewer, input.clientId, {
      id: true, version: true, status: true, mergedIntoId: true, identifiers: { select: { id: true, system: true, value: true } },
    });
    if (client.mergedIntoId) {
      throw new RuleViolationError('This record was merged into another: update the surviving record', 'CLIENT_MERGED');
    }
    const data: Prisma.ClientUpdateInput = {};
    const changed: string[] = [];
    for (const field of DETAIL_FIELDS) {
      const value = input[field];
      if (value === undefined) continue;
      if (value === null && REQUIRED_DETAILS.includes(field)) throw new ValidationError(`${field} cannot be cleared`, field);
      (data as Record<string, unknown>)[field] = value;
      changed.push(field);
    }
    const statusChanged = input.status != null && input.status !== client.status;
    if (statusChanged) {
      clientStatusMachine.assert(client.status, input.status!);
      data.status = input.status!;
      changed.push('status');
    }

    const toRemove = normalizeIdentifiers(input.removeIdentifiers ?? [], 'removeIdentifiers');
    const removed = toRemove.map((identifier, i) => {
      const found = client.identifiers.find((existing) => sameIdentifier(existing, identifier));
      if (!found) throw new ValidationError(`The client has no ${identifier.system} ${identifier.value}`, `removeIdentifiers.${i}`);
      return found;
    });
    const removeIds = removed.map((identifier) => identifier.id);
    const toAdd = normalizeIdentifiers(input.addIdentifiers ?? [], 'addIdentifiers');
    for (const [i, identifier] of toAdd.entries()) {
      const kept = client.identifiers.filter((existing) => !removeIds.includes(existing.id));
      if (kept.some((existing) => sameIdentifier(existing, identifier))) {
        throw new ValidationError(`The client already has ${identifier.system} ${identifier.value}`, `addIdentifiers.${i}`);
      }
      const inUse = await tx.clientIdentifier.findFirst({
        where: {
          clientId: { not: client.id },
          client: { mergedIntoId: null },
          system: { equals: identifier.system, mode: 'insensitive' },
          value: { equals: identifier.value, mode: 'insensitive' },
        },
        select: { id: true },
      });
      if (inUse) {
        throw new RuleViolationError(
          `Another client already has ${identifier.system} ${identifier.value}: if they are the same person, merge the records`,
          'IDENTIFIER_IN_USE',
        );
      }
    }
    if (removed.length || toAdd.length) changed.push('identifiers');
    if (changed.length === 0) throw new ValidationError('Nothing to change', null);
    // Identifier rows are replaced, not versioned: the audit record keeps what they were.
    const identifierLog = [
      ...removed.map((identifier) => `-${identifier.system}:${identifier.value}`),
      ...toAdd.map((identifier) => `+${identifier.system}:${identifier.value}`),
    ];

    await updateVersioned('Client', client, input.expectedVersion, (where) =>
      tx.client.update({ where, data: { ...data, version: { increment: 1 } } }),
    );
    if (removeIds.length) await tx.clientIdentifier.deleteMany({ where: { id: { in: removeIds } } });
    if (toAdd.length) await tx.clientIdentifier.createMany({ data: toAdd.map((identifier) => ({ ...identifier, clientId: client.id })) });

    await scope.audit({
      action: statusChanged ? 'STATUS_CHANGE' : 'UPDATE',
      entityType: 'Client',
      entityId: client.id,
      clientId: client.id,
      reason: [
        statusChanged ? `${client.status} -> ${input.status}` : null,
        `changed ${changed.join(', ')}`,
        identifierLog.length ? `identifiers ${identifierLog.join(' ')}` : null,
      ]
        .filter(Boolean)
        .join('; '),
    });
    await scope.emit({
      topic: topics.client(client.id),
      kind: statusChanged ? 'CLIENT_STATUS_CHANGED' : 'CLIENT_UPDATED',
      payload: {
        clientId: client.id,
        fields: changed,
        ...(statusChanged ? { from: client.status, to: input.status } : {}),
      },
    });
    return { id: client.id };
  });
}

// ------------------------------------------------------------------ merging

export interface MergeClientsInput {
  survivorId: string;
  duplicateId: string;
  reason: string;
  survivorExpectedVersion?: number | null;
  duplicateExpectedVersion?: number | null;
}

export function mergeClients(input: MergeClientsInput, ctx: Context) {
  return runMutation(ctx, 'mergeClients', async (scope) => {
    const { tx, viewer } = scope;
    if (!isClinician(viewer)) throw new ForbiddenError('Only clinical staff merge client records');
    if (input.survivorId === input.duplicateId) throw new ValidationError('A record cannot be merged into itself', 'duplicateId');
    // Lock both rows in a fixed order: two merges of the same pair cannot interleave.
    await tx.$queryRaw`SELECT id FROM "Client" WHERE id IN (${input.survivorId}::uuid, ${input.duplicateId}::uuid) ORDER BY id FOR UPDATE`;
    const select = {
      id: true, version: true, status: true, mergedIntoId: true,
      identifiers: { select: { id: true, system: true, value: true } },
      relationships: { select: { id: true, relatedPersonId: true, relationship: true, endedAt: true } },
    } as const;
    const survivor = await findClientForViewer(tx, viewer, input.survivorId, select);
    const duplicate = await findClientForViewer(tx, viewer, input.duplicateId, select);
    if (duplicate.mergedIntoId) throw new RuleViolationError('This record was already merged into another', 'ALREADY_MERGED');
    if (survivor.mergedIntoId) {
      throw new RuleViolationError('The surviving record was itself merged into another: merge into that one', 'SURVIVOR_MERGED');
    }

    const from = { clientId: duplicate.id };
    const to = { clientId: survivor.id, version: { increment: 1 } };
    const cases = await tx.case.findMany({ where: from, select: { id: true } });
    await tx.case.updateMany({ where: from, data: to });
    await tx.assessment.updateMany({ where: from, data: to });
    await tx.referral.updateMany({ where: from, data: to });
    await tx.interaction.updateMany({ where: from, data: to });
    await tx.crisisEvent.updateMany({ where: from, data: to });
    await tx.followUp.updateMany({ where: from, data: to });
    await tx.consent.updateMany({ where: from, data: to });

    const now = new Date();
    for (const link of duplicate.relationships) {
      const twin = survivor.relationships.find((r) => r.relatedPersonId === link.relatedPersonId && r.relationship === link.relationship);
      if (!twin) {
        await tx.clientRelationship.update({ where: { id: link.id }, data: to });
      } else if (!link.endedAt) {
        // The survivor already has this link: the duplicate's ends where it is.
        await tx.clientRelationship.update({ where: { id: link.id }, data: { endedAt: now, version: { increment: 1 } } });
      }
    }
    const movedIdentifiers = duplicate.identifiers.filter((mine) => !survivor.identifiers.some((theirs) => sameIdentifier(mine, theirs)));
    if (movedIdentifiers.length) {
      await tx.clientIdentifier.updateMany({ where: { id: { in: movedIdentifiers.map((i) => i.id) } }, data: { clientId: survivor.id } });
    }

    await updateVersioned('Client', duplicate, input.duplicateExpectedVersion, (where) =>
      tx.client.update({
        where,
        data: { mergedIntoId: survivor.id, status: duplicate.status === 'ACTIVE' ? 'INACTIVE' : duplicate.status, version: { increment: 1 } },
      }),
    );
    await updateVersioned('Client', survivor, input.survivorExpectedVersion, (where) =>
      tx.client.update({ where, data: { version: { increment: 1 } } }),
    );
    const survivorRisk = await deriveClientRiskLevel(tx, survivor.id);
    await deriveClientRiskLevel(tx, duplicate.id);

    await scope.audit({ action: 'UPDATE', entityType: 'Client', entityId: duplicate.id, clientId: duplicate.id, reason: `merged into ${survivor.id}: ${input.reason}` });
    await scope.audit({ action: 'UPDATE', entityType: 'Client', entityId: survivor.id, clientId: survivor.id, reason: `absorbed duplicate ${duplicate.id}: ${input.reason}` });
    const payload = { survivorId: survivor.id, duplicateId: duplicate.id, movedCaseIds: cases.map((c) => c.id) };
    await scope.emit({ topic: topics.client(survivor.id), kind: 'CLIENT_MERGED', payload });
    await scope.emit({ topic: topics.client(duplicate.id), kind: 'CLIENT_MERGED', payload });
    for (const kase of cases) {
      await scope.emit({ topic: topics.case(kase.id), kind: 'CASE_CLIENT_MERGED', payload: { caseId: kase.id, fromClientId: duplicate.id, toClientId: survivor.id } });
    }
    if (survivorRisk.changed) {
      await scope.emit({ topic: topics.client(survivor.id), kind: 'CLIENT_RISK_CHANGED', payload: { clientId: survivor.id, from: survivorRisk.previous, to: survivorRisk.riskLevel } });
    }
    return { id: survivor.id };
  });
}

// ------------------------------------------------------------------ family and support network

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
