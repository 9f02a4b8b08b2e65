// Consent: a client's permission to share one category of information with one grantee (an
// organization, a provider or a related person) for a period. Revoked, never deleted. Sharing
// restricted information outside the care team (referrals, transfers, exports) asks
// `hasActiveConsent` first.
import { findClientForViewer } from '../auth/access.js';
import type { Context } from '../context.js';
import type { Prisma } from '../db.js';
import { NotFoundError, RuleViolationError, ValidationError } from '../errors.js';
import type { ConsentCategory } from '../generated/prisma/enums.js';
import { runCreate, runMutation, type Tx } from './workflow/mutation.js';
import { topics } from './workflow/topics.js';
import { updateVersioned } from './workflow/versioning.js';

/** Exactly one grantee. */
export type ConsentGrantee =
  | { organizationId: string; providerId?: never; relatedPersonId?: never }
  | { providerId: string; organizationId?: never; relatedPersonId?: never }
  | { relatedPersonId: string; organizationId?: never; providerId?: never };

export type ConsentQuery = { clientId: string; category: ConsentCategory } & ConsentGrantee;

/**
 * Consents in effect at `at`: started, not past their end, and not revoked by then. Usable in
 * any where clause. For a past `at`, a consent revoked later still counts (it was in effect).
 */
export function activeConsentWhere(at: Date = new Date()): Prisma.ConsentWhereInput {
  return {
    periodStart: { lte: at },
    AND: [
      { OR: [{ periodEnd: null }, { periodEnd: { gt: at } }] },
      {
        OR: [
          { status: 'ACTIVE' },
          // Stored as EXPIRED by a sweep: its period end says until when it was in effect.
          { status: 'EXPIRED', periodEnd: { not: null } },
          { status: 'REVOKED', revokedAt: { gt: at } },
        ],
      },
    ],
  };
}

function granteeWhere(grantee: ConsentGrantee): Prisma.ConsentWhereInput {
  const given = [grantee.organizationId, grantee.providerId, grantee.relatedPersonId].filter((id) => id != null);
  if (given.length !== 1) throw new Error('hasActiveConsent needs exactly one grantee: organizationId, providerId or relatedPersonId');
  if (grantee.organizationId) return { granteeOrganizationId: grantee.organizationId };
  if (grantee.providerId) return { granteeProviderId: grantee.providerId };
  return { granteeRelatedPersonId: grantee.relatedPersonId! };
}

/**
 * Has the client an active consent to share `category` information with this grantee at
 * `at` (default now)? Revoked consents (revoked before `at`), consents not yet started and
 * consents whose periodEnd has passed (expired, whatever their stored status) do not count.
 * Pass the transaction of the mutation that shares, so the check and the share agree.
 */
export async function hasActiveConsent(
  db: Pick<Tx, 'consent'>,
  query: ConsentQuery,
  at: Date = new Date(),
): Promise<boolean> {
  const found = await db.consent.findFirst({
    where: { clientId: query.clientId, category: query.category, AND: [granteeWhere(query), activeConsentWhere(at)] },
    select: { id: true },
  });
  return found !== null;
}

/** The status as of `at`: a stored ACTIVE consent past its periodEnd reads as EXPIRED. */
export function effectiveConsentStatus(
  consent: { status: 'ACTIVE' | 'REVOKED' | 'EXPIRED'; periodEnd: Date | null },
  at: Date = new Date(),
): 'ACTIVE' | 'REVOKED' | 'EXPIRED' {
  if (consent.status === 'ACTIVE' && consent.periodEnd && consent.periodEnd <= at) return 'EXPIRED';
  return consent.status;
}

export interface RecordConsentInput {
  clientId: string;
  category: ConsentCategory;
  granteeOrganizationId?: string | null;
  granteeProviderId?: string | null;
  granteeRelatedPersonId?: string | null;
  periodStart?: Date | null;
  periodEnd?: Date | null;
  note?: string | null;
  clientMutationId?: string | null;
}

export function recordConsent(input: RecordConsentInput, ctx: Context) {
  return runCreate(ctx, 'recordConsent', input.clientMutationId, async (scope) => {
    const { tx, viewer } = scope;
    const client = await findClientForViewer(tx, viewer, input.clientId, { id: true, mergedIntoId: true });
    if (client.mergedIntoId) {
      throw new RuleViolationError('This record was merged into another: record the consent on the surviving record', 'CLIENT_MERGED');
    }
    const grantees = [input.granteeOrganizationId, input.granteeProviderId, input.granteeRelatedPersonId].filter((id) => id != null);
    if (grantees.length !== 1) {
      throw new ValidationError('Name exactly one grantee: an organization, a provider or a related person', 'grantee');
    }
    if (input.granteeOrganizationId) {
      const organization = await tx.organization.findUnique({ where: { id: input.granteeOrganizationId }, select: { id: true } });
      if (!organization) throw new ValidationError('No organization has this id', 'granteeOrganizationId');
    }
    if (input.granteeProviderId) {
      const provider = await tx.provider.findUnique({ where: { id: input.granteeProviderId }, select: { id: true } });
      if (!provider) throw new ValidationError('No provider has this id', 'granteeProviderId');
    }
    if (input.granteeRelatedPersonId) {
      // A consent to tell a person about one's care names someone of one's own network.
      const link = await tx.clientRelationship.findFirst({
        where: { clientId: client.id, relatedPersonId: input.granteeRelatedPersonId, endedAt: null },
        select: { id: true },
      });
      if (!link) throw new ValidationError('This person is not (or no longer) related to the client', 'granteeRelatedPersonId');
    }
    const now = new Date();
    const periodStart = input.periodStart ?? now;
    if (input.periodEnd && input.periodEnd <= periodStart) {
      throw new ValidationError('The period must end after it starts', 'periodEnd');
    }
    if (input.periodEnd && input.periodEnd <= now) {
      throw new ValidationError('A consent that has already ended cannot be recorded as given', 'periodEnd');
    }
    const consent = await tx.consent.create({
      data: {
        clientId: client.id,
        category: input.category,
        granteeOrganizationId: input.granteeOrganizationId ?? null,
        granteeProviderId: input.granteeProviderId ?? null,
        granteeRelatedPersonId: input.granteeRelatedPersonId ?? null,
        periodStart,
        periodEnd: input.periodEnd ?? null,
        note: input.note ?? null,
        recordedById: viewer.id,
      },
      select: { id: true },
    });
    await scope.audit({ action: 'CREATE', entityType: 'Consent', entityId: consent.id, clientId: client.id });
    await scope.emit({
      topic: topics.client(client.id),
      kind: 'CONSENT_RECORDED',
      payload: { clientId: client.id, consentId: consent.id, category: input.category },
    });
    return consent;
  });
}

export function revokeConsent(input: { consentId: string; reason: string; expectedVersion?: number | null }, ctx: Context) {
  return runMutation(ctx, 'revokeConsent', async (scope) => {
    const { tx, viewer } = scope;
    const consent = await tx.consent.findUnique({
      where: { id: input.consentId },
      select: { id: true, version: true, clientId: true, category: true, status: true, periodEnd: true },
    });
    if (!consent) throw new NotFoundError('Consent', input.consentId);
    try {
      await findClientForViewer(tx, viewer, consent.clientId, { id: true });
    } catch (error) {
      if (error instanceof NotFoundError) throw new NotFoundError('Consent', input.consentId, consent.clientId);
      throw error;
    }
    const status = effectiveConsentStatus(consent);
    if (status === 'REVOKED') throw new RuleViolationError('This consent is already revoked', 'CONSENT_REVOKED');
    if (status === 'EXPIRED') throw new RuleViolationError('This consent has expired: there is nothing to revoke', 'CONSENT_EXPIRED');
    const now = new Date();
    await updateVersioned('Consent', consent, input.expectedVersion, (where) =>
      tx.consent.update({
        where,
        data: { status: 'REVOKED', revokedAt: now, revokedById: viewer.id, version: { increment: 1 } },
      }),
    );
    await scope.audit({
      action: 'STATUS_CHANGE',
      entityType: 'Consent',
      entityId: consent.id,
      clientId: consent.clientId,
      reason: `revoked: ${input.reason}`,
    });
    await scope.emit({
      topic: topics.client(consent.clientId),
      kind: 'CONSENT_REVOKED',
      payload: { clientId: consent.clientId, consentId: consent.id, category: consent.category },
    });
    return { id: consent.id };
  });
}
