// Referrals to a provider's service: the closed loop (FHIR ServiceRequest + Task). A referral
// is drafted on a case, sent to the provider (which shares the categories of information it
// names, so each restricted category needs the client's active consent), and followed until
// it is completed, declined, missed or cancelled. Every status change appends a
// ReferralEvent and is announced on the case's and the provider's topics.
import { caseWhere, findCaseForViewer } from '../auth/access.js';
import type { Viewer } from '../auth/viewer.js';
import type { Context } from '../context.js';
import type { Prisma } from '../db.js';
import { ConsentRequiredError, NotFoundError, RuleViolationError, ValidationError } from '../errors.js';
import type { ConsentCategory, ReferralStatus, ReferralUrgency } from '../generated/prisma/enums.js';
import { hasActiveConsent } from './consents.js';
import { referralMachine } from './workflow/machines/referral.js';
import { runCreate, runMutation, type MutationScope, type Tx } from './workflow/mutation.js';
import { topics } from './workflow/topics.js';
import { checkVersion, updateVersioned } from './workflow/versioning.js';

const HOUR_MS = 60 * 60 * 1000;

/** How long a provider has to answer a sent referral, by urgency. */
export const RESPONSE_WINDOW_MS: Record<ReferralUrgency, number> = {
  STAT: 4 * HOUR_MS,
  ASAP: 24 * HOUR_MS,
  URGENT: 3 * 24 * HOUR_MS,
  ROUTINE: 10 * 24 * HOUR_MS,
};

export function expectedResponseBy(urgency: ReferralUrgency, sentAt: Date): Date {
  return new Date(sentAt.getTime() + RESPONSE_WINDOW_MS[urgency]);
}

/** A referral is visible to whoever may see its case. */
export function referralWhere(viewer: Viewer): Prisma.ReferralWhereInput {
  return { case: caseWhere(viewer) };
}

const REFERRAL_CONTEXT = {
  id: true,
  version: true,
  status: true,
  urgency: true,
  caseId: true,
  clientId: true,
  providerId: true,
  sharedCategories: true,
  case: { select: { status: true } },
  provider: { select: { id: true, name: true, active: true } },
} satisfies Prisma.ReferralSelect;

type ReferralContext = Prisma.ReferralGetPayload<{ select: typeof REFERRAL_CONTEXT }>;

/** Throws the same NotFound for a missing referral and for one on a case the viewer may not see. */
export async function findReferralForViewer(tx: Tx, viewer: Viewer, referralId: string): Promise<ReferralContext> {
  const referral = await tx.referral.findFirst({ where: { id: referralId, AND: [referralWhere(viewer)] }, select: REFERRAL_CONTEXT });
  if (referral) return referral;
  const existing = await tx.referral.findUnique({ where: { id: referralId }, select: { clientId: true } });
  throw new NotFoundError('Referral', referralId, existing ? existing.clientId : undefined);
}

// ------------------------------------------------------------------ consent

/**
 * Sending shares the referral's categories with the provider. GENERAL goes with every
 * referral; each other category needs the client's active consent for this provider.
 * (The data model gives a provider no parent organization, so the provider is the grantee.)
 */
async function assertConsentToSend(tx: Tx, referral: ReferralContext) {
  const restricted = [...new Set(referral.sharedCategories)].filter((category) => category !== 'GENERAL');
  for (const category of restricted) {
    const consented = await hasActiveConsent(tx, { clientId: referral.clientId, category, providerId: referral.providerId });
    if (!consented) throw new ConsentRequiredError(category, referral.provider.name);
  }
}

// ------------------------------------------------------------------ create

export interface CreateReferralInput {
  caseId: string;
  providerId: string;
  serviceId?: string | null;
  reason: string;
  urgency?: ReferralUrgency | null;
  sharedCategories?: readonly ConsentCategory[] | null;
  estimatedCost?: number | null;
  advocacyNotes?: string | null;
  clientMutationId?: string | null;
}

export function createReferral(input: CreateReferralInput, ctx: Context) {
  return runCreate(ctx, 'createReferral', input.clientMutationId, async (scope) => {
    const { tx, viewer } = scope;
    const kase = await findCaseForViewer(tx, viewer, input.caseId, { id: true, status: true, clientId: true });
    if (kase.status === 'CLOSED') throw new RuleViolationError('A closed case gets no new referral', 'CASE_CLOSED');
    const provider = await tx.provider.findUnique({ where: { id: input.providerId }, select: { id: true, active: true } });
    if (!provider) throw new ValidationError('No provider has this id', 'providerId');
    if (!provider.active) throw new ValidationError('This provider is no longer active', 'providerId');
    let service: { id: string; active: boolean; costPerUnit: Prisma.Decimal | null } | null = null;
    if (input.serviceId) {
      service = await tx.providerService.findFirst({
        where: { id: input.serviceId, providerId: provider.id },
        select: { id: true, active: true, costPerUnit: true },
      });
      if (!service) throw new ValidationError('This provider offers no service with this id', 'serviceId');
      if (!service.active) throw new ValidationError('This service is no longer offered', 'serviceId');
    }
    const now = new Date();
    const referral = await tx.referral.create({
      data: {
        caseId: kase.id,
        clientId: kase.clientId,
        providerId: provider.id,
        serviceId: service?.id ?? null,
        reason: input.reason,
        urgency: input.urgency ?? 'ROUTINE',
        status: 'DRAFT',
        createdById: viewer.id,
        sharedCategories: [...new Set(input.sharedCategories ?? [])],
        estimatedCost: input.estimatedCost ?? service?.costPerUnit ?? null,
        advocacyNotes: input.advocacyNotes ?? null,
        events: { create: { actorId: viewer.id, at: now, fromStatus: null, toStatus: 'DRAFT' } },
      },
      select: { id: true },
    });
    await scope.audit({ action: 'CREATE', entityType: 'Referral', entityId: referral.id, clientId: kase.clientId });
    await scope.emit({
      topic: topics.case(kase.id),
      kind: 'REFERRAL_CREATED',
      payload: { referralId: referral.id, caseId: kase.id, providerId: provider.id, status: 'DRAFT' },
    });
    return referral;
  });
}

// ------------------------------------------------------------------ status

export interface ChangeReferralStatusInput {
  referralId: string;
  status: ReferralStatus;
  note?: string | null;
  appointmentAt?: Date | null;
  outcomeNote?: string | null;
  expectedVersion?: number | null;
}

/** One status change with its side effects, its ReferralEvent, audit record and announcements. */
async function moveReferral(scope: MutationScope, referral: ReferralContext, input: ChangeReferralStatusInput) {
  const { tx, viewer } = scope;
  const from = referral.status;
  const to = input.status;
  checkVersion('Referral', referral, input.expectedVersion);
  referralMachine.assert(from, to);
  if (input.appointmentAt && to !== 'SCHEDULED') {
    throw new ValidationError('An appointment time goes with a move to SCHEDULED only', 'appointmentAt');
  }
  const now = new Date();
  const data: Prisma.ReferralUncheckedUpdateInput = { status: to, version: { increment: 1 } };
  switch (to) {
    case 'SENT':
      if (referral.case.status === 'CLOSED') throw new RuleViolationError('The case is closed: the referral cannot be sent', 'CASE_CLOSED');
      if (!referral.provider.active) throw new RuleViolationError('The provider is no longer active', 'PROVIDER_INACTIVE');
      await assertConsentToSend(tx, referral);
      data.sentAt = now;
      data.expectedResponseBy = expectedResponseBy(referral.urgency, now);
      break;
    case 'ACCEPTED':
      data.acceptedAt = now;
      break;
    case 'DECLINED':
      data.declinedAt = now;
      break;
    case 'SCHEDULED':
      if (!input.appointmentAt) throw new ValidationError('Give the appointment time', 'appointmentAt');
      data.appointmentAt = input.appointmentAt;
      break;
    case 'COMPLETED':
      data.completedAt = now;
      break;
    default:
      break;
  }
  if (input.outcomeNote != null) data.outcomeNote = input.outcomeNote;
  await updateVersioned('Referral', referral, input.expectedVersion, (where) => tx.referral.update({ where, data, select: { id: true } }));
  await tx.referralEvent.create({
    data: { referralId: referral.id, actorId: viewer.id, at: now, fromStatus: from, toStatus: to, note: input.note ?? null },
  });
  await scope.audit({
    action: 'STATUS_CHANGE',
    entityType: 'Referral',
    entityId: referral.id,
    clientId: referral.clientId,
    reason: input.note ?? `${from} -> ${to}`,
  });
  const payload = { referralId: referral.id, caseId: referral.caseId, providerId: referral.providerId, from, to };
  await scope.emit({ topic: topics.case(referral.caseId), kind: 'REFERRAL_STATUS_CHANGED', payload });
  await scope.emit({ topic: topics.provider(referral.providerId), kind: 'REFERRAL_STATUS_CHANGED', payload });
  return { id: referral.id };
}

/** DRAFT -> SENT: checks consent, starts the response clock (expectedResponseBy by urgency). */
export function sendReferral(input: { referralId: string; note?: string | null; expectedVersion?: number | null }, ctx: Context) {
  return runMutation(ctx, 'sendReferral', async (scope) => {
    const referral = await findReferralForViewer(scope.tx, scope.viewer, input.referralId);
    return moveReferral(scope, referral, { ...input, status: 'SENT' });
  });
}

/** Any move the referral machine allows (a move to SENT behaves exactly like sendReferral). */
export function updateReferralStatus(input: ChangeReferralStatusInput, ctx: Context) {
  return runMutation(ctx, 'updateReferralStatus', async (scope) => {
    const referral = await findReferralForViewer(scope.tx, scope.viewer, input.referralId);
    return moveReferral(scope, referral, input);
  });
}
