// Merging duplicate client records. Both records are kept: the duplicate stays, flagged
// `mergedIntoId` (and INACTIVE), with its own demographics and audit trail. Everything clinical
// that hung off it (cases and all under them, assessments, referrals, interactions, crises,
// follow-ups, consents) MOVES to the survivor, so that risk, consent checks, work queues and
// access all see one person. Relationships and identifiers move too, unless the survivor
// already has the same one (then the duplicate's stays where it is, the relationship ended).
// Break-glass grants stay: they were given for the record that was opened. AuditEvents are
// never rewritten: the survivor's trail is its own plus that of the records merged into it
// (`Client.mergedFrom`).
import { findClientForViewer, isClinician } from '../../auth/access.js';
import type { Context } from '../../context.js';
import { ForbiddenError, RuleViolationError, ValidationError } from '../../errors.js';
import { deriveClientRiskLevel } from '../assessments.js';
import { runMutation } from '../workflow/mutation.js';
import { topics } from '../workflow/topics.js';
import { updateVersioned } from '../workflow/versioning.js';
import { sameIdentifier } from './identifiers.js';

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
