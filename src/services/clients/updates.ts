// Demographic updates, status changes and identifier changes of a client record.
import type { Prisma } from '../../db.js';
import { findClientForViewer } from '../../auth/access.js';
import type { Context } from '../../context.js';
import { RuleViolationError, ValidationError } from '../../errors.js';
import type { ClientStatus } from '../../generated/prisma/enums.js';
import { defineStateMachine } from '../workflow/state-machine.js';
import { runMutation } from '../workflow/mutation.js';
import { topics } from '../workflow/topics.js';
import { updateVersioned } from '../workflow/versioning.js';
import { identifierMatch, normalizeIdentifiers, sameIdentifier, type IdentifierInput } from './identifiers.js';
import type { ClientDetails } from './registration.js';

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
          ...identifierMatch(identifier),
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
