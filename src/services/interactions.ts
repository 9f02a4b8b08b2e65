// Interactions: contacts and notes on a case (FHIR Encounter / Communication) — home visits,
// calls, sessions, family meetings, case conferences. Recording one moves the case's
// lastContactAt (what the "no contact for N days" queue reads). Nothing is deleted: a wrong
// record is marked entered in error, and lastContactAt falls back to the latest valid one.
import { caseWhere, findCaseForViewer, isSupervisor } from '../auth/access.js';
import type { Viewer } from '../auth/viewer.js';
import type { Context } from '../context.js';
import type { Prisma } from '../db.js';
import { ForbiddenError, NotFoundError, RuleViolationError, ValidationError } from '../errors.js';
import type { ConsentCategory, InteractionType, Sensitivity } from '../generated/prisma/enums.js';
import { runCreate, runMutation, type Tx } from './workflow/mutation.js';
import { topics } from './workflow/topics.js';
import { updateVersioned } from './workflow/versioning.js';
import { filterTime } from '../clock.js';

/** Clocks of phones and laptops drift: "now" from a client may be a few minutes ahead. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;
export const MAX_DURATION_MINUTES = 24 * 60;

/** An interaction is visible to whoever may see its case. */
export function interactionWhere(viewer: Viewer): Prisma.InteractionWhereInput {
  return { case: caseWhere(viewer) };
}

// ------------------------------------------------- restricted summaries (the seam)

/**
 * What the summary decision needs to know about one interaction and the viewer, loaded with
 * the interaction itself (so a page of interactions costs no extra query per row).
 */
export function summaryAccessSelect(viewer: Viewer, now = filterTime()) {
  return {
    sensitivity: true,
    sensitiveCategory: true,
    staffId: true,
    // Clinical membership only: an OTHER role on the team (e.g. a clerk) does not qualify.
    case: { select: { careTeam: { where: { staffId: viewer.id, endedAt: null, role: { not: 'OTHER' } }, select: { id: true }, take: 1 } } },
    client: {
      select: {
        breakGlassGrants: { where: { staffId: viewer.id, expiresAt: { gt: now } }, select: { id: true }, take: 1 },
        // The client's consents to share with the viewer's organization, by category.
        consents: {
          where: {
            granteeOrganizationId: viewer.organizationId,
            status: 'ACTIVE',
            periodStart: { lte: now },
            OR: [{ periodEnd: null }, { periodEnd: { gt: now } }],
          },
          select: { category: true },
        },
      },
    },
  } satisfies Prisma.InteractionSelect;
}

export type SummaryAccessFacts = Prisma.InteractionGetPayload<{ select: ReturnType<typeof summaryAccessSelect> }>;

export type SummaryAccess = { visible: true; reason: null } | { visible: false; reason: string };

/**
 * THE place deciding whether the viewer may read an interaction's summary. NORMAL summaries
 * go to everyone who may see the case. RESTRICTED ones (mental health, substance use, HIV,
 * abuse disclosures) to the clinical members of the case's care team, the author, a clinician
 * holding an unexpired break-glass grant for the client (audited and reviewed), and staff of
 * an organization the client consented to share that category with; everybody else who may
 * see the case (e.g. a supervisor off the care team) gets null and the reason.
 */
export function restrictedSummaryAccess(viewer: Viewer, facts: SummaryAccessFacts): SummaryAccess {
  if (facts.sensitivity !== 'RESTRICTED') return { visible: true, reason: null };
  if (facts.staffId === viewer.id) return { visible: true, reason: null };
  if (facts.case.careTeam.length > 0) return { visible: true, reason: null };
  if (facts.client.breakGlassGrants.length > 0) return { visible: true, reason: null };
  if (facts.sensitiveCategory && facts.client.consents.some((c) => c.category === facts.sensitiveCategory)) {
    return { visible: true, reason: null };
  }
  return {
    visible: false,
    reason: `RESTRICTED (${facts.sensitiveCategory ?? 'unspecified'}): only the clinical care team, or with the client's consent to share ${facts.sensitiveCategory ?? 'it'} with your organization`,
  };
}

// ------------------------------------------------------------------ record

export interface InteractionParticipantInput {
  relatedPersonId?: string | null;
  providerId?: string | null;
  staffId?: string | null;
  role?: string | null;
}

export interface RecordInteractionInput {
  caseId: string;
  type: InteractionType;
  occurredAt: Date;
  durationMinutes?: number | null;
  summary: string;
  sensitivity?: Sensitivity | null;
  sensitiveCategory?: ConsentCategory | null;
  participants?: readonly InteractionParticipantInput[] | null;
  goalIds?: readonly string[] | null;
  clientMutationId?: string | null;
}

type ParticipantRow = { relatedPersonId: string | null; providerId: string | null; staffId: string | null; role: string | null };

async function checkParticipants(
  tx: Tx,
  viewer: Viewer,
  kase: { id: string; clientId: string; organizationId: string },
  participants: readonly InteractionParticipantInput[],
): Promise<ParticipantRow[]> {
  const seen = new Set<string>();
  const rows: ParticipantRow[] = [];
  for (const [index, participant] of participants.entries()) {
    const field = `participants.${index}`;
    const named = (['relatedPersonId', 'providerId', 'staffId'] as const).filter((key) => participant[key] != null);
    if (named.length !== 1) {
      throw new ValidationError('Name exactly one of relatedPersonId, providerId or staffId for each participant', field);
    }
    const key = named[0]!;
    const id = participant[key]!;
    if (seen.has(`${key}:${id}`)) throw new ValidationError('This participant is listed twice', `${field}.${key}`);
    seen.add(`${key}:${id}`);
    if (key === 'relatedPersonId') {
      const related = await tx.clientRelationship.findFirst({ where: { clientId: kase.clientId, relatedPersonId: id }, select: { id: true } });
      if (!related) throw new ValidationError('This person is not related to the client of the case', `${field}.${key}`);
    } else if (key === 'providerId') {
      const provider = await tx.provider.findUnique({ where: { id }, select: { id: true } });
      if (!provider) throw new ValidationError('No provider has this id', `${field}.${key}`);
    } else {
      if (id === viewer.id) throw new ValidationError('You record the interaction: you are not also a participant', `${field}.${key}`);
      // A colleague of the case's organization, or anyone on its care team (multidisciplinary).
      const staff = await tx.staffMember.findFirst({
        where: {
          id,
          active: true,
          OR: [{ organizationId: kase.organizationId }, { careTeamMemberships: { some: { caseId: kase.id, endedAt: null } } }],
        },
        select: { id: true },
      });
      if (!staff) throw new ValidationError('No active staff member of the case\'s organization or care team has this id', `${field}.${key}`);
    }
    rows.push({
      relatedPersonId: key === 'relatedPersonId' ? id : null,
      providerId: key === 'providerId' ? id : null,
      staffId: key === 'staffId' ? id : null,
      role: participant.role?.trim() || null,
    });
  }
  return rows;
}

export function recordInteraction(input: RecordInteractionInput, ctx: Context) {
  return runCreate(ctx, 'recordInteraction', input.clientMutationId, async (scope) => {
    const { tx, viewer } = scope;
    const kase = await findCaseForViewer(tx, viewer, input.caseId, { id: true, clientId: true, organizationId: true, openedAt: true });
    if (input.occurredAt.getTime() > Date.now() + CLOCK_SKEW_MS) {
      throw new ValidationError('An interaction cannot be recorded in the future', 'occurredAt');
    }
    if (input.occurredAt < kase.openedAt) {
      throw new ValidationError(`The case was opened on ${kase.openedAt.toISOString()}: the interaction cannot be earlier`, 'occurredAt');
    }
    const duration = input.durationMinutes ?? null;
    if (duration !== null && (!Number.isInteger(duration) || duration < 0 || duration > MAX_DURATION_MINUTES)) {
      throw new ValidationError(`The duration is 0 to ${MAX_DURATION_MINUTES} minutes`, 'durationMinutes');
    }
    const sensitivity = input.sensitivity ?? 'NORMAL';
    const category = input.sensitiveCategory ?? null;
    if (sensitivity === 'RESTRICTED' && (!category || category === 'GENERAL')) {
      throw new ValidationError('A RESTRICTED interaction names the kind of restricted information it holds', 'sensitiveCategory');
    }
    if (sensitivity === 'NORMAL' && category) {
      throw new ValidationError('Only a RESTRICTED interaction has a sensitive category', 'sensitiveCategory');
    }
    const participants = await checkParticipants(tx, viewer, kase, input.participants ?? []);
    const goalIds = [...new Set(input.goalIds ?? [])];
    if (goalIds.length > 0) {
      const goals = await tx.goal.findMany({ where: { id: { in: goalIds }, carePlan: { caseId: kase.id } }, select: { id: true } });
      const found = new Set(goals.map((goal) => goal.id));
      const stranger = goalIds.find((id) => !found.has(id));
      if (stranger) throw new ValidationError(`Goal ${stranger} is not a goal of a care plan of this case`, 'goalIds');
    }
    const interaction = await tx.interaction.create({
      data: {
        caseId: kase.id,
        clientId: kase.clientId,
        type: input.type,
        occurredAt: input.occurredAt,
        durationMinutes: duration,
        staffId: viewer.id,
        summary: input.summary,
        sensitivity,
        sensitiveCategory: category,
        // Empty nested writes still cost Prisma a read-back of the new row.
        ...(participants.length > 0 ? { participants: { create: participants } } : {}),
        ...(goalIds.length > 0 ? { goals: { connect: goalIds.map((id) => ({ id })) } } : {}),
      },
      select: { id: true },
    });
    // lastContactAt = max(existing, occurredAt), atomically (no lost update with a concurrent recorder).
    await tx.case.updateMany({
      where: { id: kase.id, OR: [{ lastContactAt: null }, { lastContactAt: { lt: input.occurredAt } }] },
      data: { lastContactAt: input.occurredAt },
    });
    await scope.audit({ action: 'CREATE', entityType: 'Interaction', entityId: interaction.id, clientId: kase.clientId });
    await scope.emit({
      topic: topics.case(kase.id),
      kind: 'INTERACTION_RECORDED',
      payload: { interactionId: interaction.id, caseId: kase.id, type: input.type, sensitivity },
    });
    return interaction;
  });
}

// ------------------------------------------------------------------ entered in error

/** Throws the same NotFound for a missing interaction and for one on a case the viewer may not see. */
export async function findInteractionForViewer(tx: Tx, viewer: Viewer, interactionId: string) {
  const interaction = await tx.interaction.findFirst({
    where: { id: interactionId, AND: [interactionWhere(viewer)] },
    select: { id: true, version: true, caseId: true, clientId: true, staffId: true, enteredInError: true },
  });
  if (interaction) return interaction;
  const existing = await tx.interaction.findUnique({ where: { id: interactionId }, select: { clientId: true } });
  throw new NotFoundError('Interaction', interactionId, existing ? existing.clientId : undefined);
}

export function markInteractionEnteredInError(
  input: { interactionId: string; reason: string; expectedVersion?: number | null },
  ctx: Context,
) {
  return runMutation(ctx, 'markInteractionEnteredInError', async (scope) => {
    const { tx, viewer } = scope;
    const interaction = await findInteractionForViewer(tx, viewer, input.interactionId);
    if (interaction.staffId !== viewer.id && !isSupervisor(viewer)) {
      throw new ForbiddenError('Only the author of an interaction or a supervisor may mark it entered in error');
    }
    if (interaction.enteredInError) {
      throw new RuleViolationError('This interaction is already marked entered in error', 'ALREADY_ENTERED_IN_ERROR');
    }
    await updateVersioned('Interaction', interaction, input.expectedVersion, (where) =>
      tx.interaction.update({ where, data: { enteredInError: true, version: { increment: 1 } }, select: { id: true } }),
    );
    // The case row is locked before the latest valid contact is read, so a concurrent
    // recordInteraction (which moves lastContactAt forward under the same row lock) is never lost.
    await tx.$queryRaw`SELECT id FROM "Case" WHERE id = ${interaction.caseId}::uuid FOR NO KEY UPDATE`;
    const latest = await tx.interaction.aggregate({
      where: { caseId: interaction.caseId, enteredInError: false },
      _max: { occurredAt: true },
    });
    await tx.case.update({ where: { id: interaction.caseId }, data: { lastContactAt: latest._max.occurredAt ?? null } });
    await scope.audit({
      action: 'UPDATE',
      entityType: 'Interaction',
      entityId: interaction.id,
      clientId: interaction.clientId,
      reason: `entered in error: ${input.reason}`,
    });
    await scope.emit({
      topic: topics.case(interaction.caseId),
      kind: 'INTERACTION_ENTERED_IN_ERROR',
      payload: { interactionId: interaction.id, caseId: interaction.caseId },
    });
    return { id: interaction.id };
  });
}
