// Break the glass: a clinician's time-limited emergency access to a client outside their
// care team. Granted at once, audited with the stated reason, put to a supervisor for
// review, and announced on the compliance feed. Expiry is enforced by the access filters.
import { isClinician } from '../auth/access.js';
import type { Context } from '../context.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { runMutation } from './workflow/mutation.js';
import { topics } from './workflow/topics.js';

export const BREAK_GLASS_DEFAULT_MINUTES = 60;

export function breakGlass(input: { clientId: string; reason: string; durationMinutes?: number | null }, ctx: Context) {
  return runMutation(ctx, 'breakGlass', async (scope) => {
    const { tx, viewer } = scope;
    if (!isClinician(viewer)) throw new ForbiddenError('Only clinicians may break the glass');
    // Deliberately not through the access filter: the point is reaching a client outside it.
    const client = await tx.client.findUnique({ where: { id: input.clientId }, select: { id: true } });
    if (!client) throw new NotFoundError('Client', input.clientId);
    const grantedAt = new Date();
    const expiresAt = new Date(grantedAt.getTime() + (input.durationMinutes ?? BREAK_GLASS_DEFAULT_MINUTES) * 60_000);
    const grant = await tx.breakGlassGrant.create({
      data: { staffId: viewer.id, clientId: client.id, reason: input.reason, grantedAt, expiresAt },
    });
    const approval = await tx.approval.create({
      data: {
        organizationId: viewer.organizationId,
        subject: 'BREAK_GLASS_REVIEW',
        subjectId: grant.id,
        requestedById: viewer.id,
        comment: input.reason,
      },
    });
    await tx.breakGlassGrant.update({ where: { id: grant.id }, data: { approvalId: approval.id } });
    await scope.audit({ action: 'BREAK_GLASS', entityType: 'Client', entityId: client.id, clientId: client.id, reason: input.reason });
    await scope.emit({
      topic: topics.compliance(viewer.organizationId),
      kind: 'BREAK_GLASS',
      payload: { grantId: grant.id, clientId: client.id, staffId: viewer.id, approvalId: approval.id, expiresAt: expiresAt.toISOString() },
    });
    // On the clinician's own topic too: their live feeds start following the client's organizations.
    await scope.emit({
      topic: topics.staff(viewer.id),
      kind: 'ACCESS_GRANTED',
      payload: { grantId: grant.id, clientId: client.id, expiresAt: expiresAt.toISOString() },
    });
    return { ...grant, approvalId: approval.id };
  });
}
