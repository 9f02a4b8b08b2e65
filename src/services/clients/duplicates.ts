// Duplicate clients. Registration first looks for the same person among ALL clients, not only
// those the viewer may see (a person registered by another agency is still the same person):
//   - STRONG: the same identifier (system + value, case-insensitive), or the same date of
//     birth with a similar name (same family name, case-insensitive, and given names that
//     start alike: the same first three letters, or one a prefix of the other);
//   - WEAK: the same phone number (digits only; the last nine when longer).
// A strong match blocks the registration with a typed PossibleDuplicates result unless the
// caller confirms `confirmNotDuplicate` with a reason, which is audited. Weak matches never
// block. Candidates the viewer may see are listed; the others are only counted.
import { clientWhere, isClinician } from '../../auth/access.js';
import type { Viewer } from '../../auth/viewer.js';
import { AppError, ForbiddenError } from '../../errors.js';
import type { Tx } from '../workflow/mutation.js';
import { equalsIgnoringCase, identifierMatch, normalizeIdentifiers, type IdentifierInput } from './identifiers.js';

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
        OR: identifiers.map((identifier) => identifierMatch(identifier)),
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
        familyName: equalsIgnoringCase(probe.familyName.trim()),
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

export function strongMatchCount(check: DuplicateCheck): number {
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
export async function lockRegistration(tx: Tx, probe: DuplicateProbe) {
  const keys = new Set<string>();
  if (probe.familyName && probe.dateOfBirth) {
    keys.add(`client:${probe.familyName.trim().toLowerCase()}:${probe.dateOfBirth.toISOString().slice(0, 10)}`);
  }
  for (const identifier of probe.identifiers ?? []) keys.add(`client-id:${identifier.system.toLowerCase()}:${identifier.value.toLowerCase()}`);
  for (const key of [...keys].sort()) {
    await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext(${key}))`;
  }
}
