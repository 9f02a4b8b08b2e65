// Registering a client: the duplicate check (./duplicates.ts) under advisory locks, then the
// client with its identifiers and any related persons registered with them.
import { isClinician } from '../../auth/access.js';
import type { Context } from '../../context.js';
import { ForbiddenError, ValidationError } from '../../errors.js';
import { runCreate } from '../workflow/mutation.js';
import { topics } from '../workflow/topics.js';
import {
  findDuplicateCandidates,
  lockRegistration,
  PossibleDuplicatesError,
  strongMatchCount,
  type DuplicateProbe,
} from './duplicates.js';
import { normalizeIdentifiers, type IdentifierInput } from './identifiers.js';
import { createRelatedPersonLink, type NewRelatedPerson } from './relationships.js';

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
