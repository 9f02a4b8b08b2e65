// A client's identifiers in other systems (MRN, SCHOOL_ID, INMATE_NUMBER, ...): how they are
// normalized, compared, and matched in the database.
//
// Values are matched case-insensitively with ILIKE (which Prisma's `mode: 'insensitive'`
// renders), served by the trigram GIN index on ClientIdentifier.value. In a LIKE pattern `%`,
// `_` and `\` are wildcards and the escape character: `likeLiteral` escapes them, so that an
// identifier "MRN_1" matches only "mrn_1" and one ending in a backslash is not an error.
import { ValidationError } from '../../errors.js';

export interface IdentifierInput {
  system: string;
  value: string;
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

export function sameIdentifier(a: IdentifierInput, b: IdentifierInput) {
  return a.system.toUpperCase() === b.system.toUpperCase() && a.value.toLowerCase() === b.value.toLowerCase();
}

/** `text` as a LIKE pattern that matches exactly that text (backslash is PostgreSQL's default escape). */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A string filter: equal to `text`, ignoring case, with no wildcards. */
export function equalsIgnoringCase(text: string) {
  return { equals: likeLiteral(text), mode: 'insensitive' as const };
}

/** The same system and value as `identifier`, ignoring case: a ClientIdentifier filter. */
export function identifierMatch(identifier: IdentifierInput) {
  return { system: equalsIgnoringCase(identifier.system), value: equalsIgnoringCase(identifier.value) };
}
