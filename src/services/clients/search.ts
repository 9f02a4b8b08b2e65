// Client search: the `search` of clients(filter: ...). Every word (at most 5) must match:
//   - a given, family or preferred name containing it, ignoring case: "ada lovel" finds Ada
//     Lovelace, "vela" finds her too;
//   - or an identifier value equal to it, ignoring case; a word of at least 3 characters with a
//     digit also matches the values it begins ("RGH98" finds RGH9839305). Words without a digit
//     are names: "wa" does not bring in every Medicaid id starting WA...
// `%`, `_` and `\` are literal characters. Control characters (NUL included) are refused with a
// ValidationError: PostgreSQL cannot compare text holding a NUL, and none belongs in a name.
//
// Indexes (prisma/migrations/*_client_search_trigram): trigram GIN indexes on the three names
// serve `ILIKE '%word%'`, and one on ClientIdentifier.value serves `ILIKE 'word'` and
// `ILIKE 'word%'`. PostgreSQL can only combine the branches of a word's OR into one bitmap
// scan (BitmapOr) when each is an indexable condition on Client: a subquery on the identifiers
// would force a walk of every client. So the identifier matches of each word are looked up
// first (through their index) and enter the filter as `id IN (...)` (one array parameter, so
// the query keeps its shape for Prisma's plan cache). Should a word match more than
// IDENTIFIER_CLIENT_LIMIT identifiers, that word keeps the relation filter instead: it is then
// common enough for PostgreSQL to find a page by walking the name order. Either way the
// result is the same. A word of fewer than 3 characters has no trigram to look up: the index
// can only be read whole, and such a word costs about what it did without the indexes.
import type { Db, Prisma } from '../../db.js';
import { ValidationError } from '../../errors.js';
import { equalsIgnoringCase, likeLiteral } from './identifiers.js';

export const SEARCH_MAX_LENGTH = 200;
export const SEARCH_MAX_WORDS = 5;
/**
 * Above this many matching identifiers, a word filters by relation rather than by id list.
 * A thousand ids are one array parameter and a thousand primary-key probes (about 2 ms).
 */
export const IDENTIFIER_CLIENT_LIMIT = 1000;
/** Shortest word that matches identifiers by prefix (it must also hold a digit). */
const PREFIX_MIN_LENGTH = 3;

const CONTROL_CHARACTER = /\p{Cc}/u;

export function hasControlCharacters(text: string): boolean {
  return CONTROL_CHARACTER.test(text);
}

/** The words of a search text, as they are matched: split on white space, the first five. */
export function searchWords(text: string): string[] {
  return text.split(/\s+/).filter(Boolean).slice(0, SEARCH_MAX_WORDS);
}

/** Whether a word also matches the identifier values it begins: 3+ characters with a digit. */
function matchesIdentifierPrefixes(word: string): boolean {
  return word.length >= PREFIX_MIN_LENGTH && /\p{Nd}/u.test(word);
}

async function wordWhere(db: Db, word: string): Promise<Prisma.ClientWhereInput> {
  const fragment = { contains: likeLiteral(word), mode: 'insensitive' as const };
  const prefix = matchesIdentifierPrefixes(word);
  // The same match twice: as SQL for the lookup, as a Prisma filter should there be too many.
  const pattern = prefix ? `${likeLiteral(word)}%` : likeLiteral(word);
  const value = prefix ? { startsWith: likeLiteral(word), mode: 'insensitive' as const } : equalsIgnoringCase(word);
  // Raw SQL for want of a Prisma form without ORDER BY: findMany with `take` sorts by id, and
  // PostgreSQL then walks the primary key, testing every identifier, rather than use the index.
  const rows = await db.$queryRaw<Array<{ clientId: string }>>`
    SELECT "clientId"::text AS "clientId" FROM "ClientIdentifier" WHERE "value" ILIKE ${pattern}
    LIMIT ${IDENTIFIER_CLIENT_LIMIT + 1}`;
  const identified: Prisma.ClientWhereInput[] =
    rows.length > IDENTIFIER_CLIENT_LIMIT
      ? [{ identifiers: { some: { value } } }]
      : rows.length > 0
        ? [{ id: { in: [...new Set(rows.map((row) => row.clientId))].sort() } }]
        : [];
  return { OR: [{ givenName: fragment }, { familyName: fragment }, { preferredName: fragment }, ...identified] };
}

/**
 * The Client filter for a search text (trimmed by the caller; empty means no filter). Runs
 * one indexed identifier lookup per word. `field` names the input in a ValidationError.
 */
export async function clientSearchWhere(db: Db, text: string, field = 'search'): Promise<Prisma.ClientWhereInput> {
  if (hasControlCharacters(text)) throw new ValidationError(`${field} must not contain control characters`, field);
  if (text.length > SEARCH_MAX_LENGTH) throw new ValidationError(`${field} is at most ${SEARCH_MAX_LENGTH} characters`, field);
  const words = searchWords(text);
  if (words.length === 0) return {};
  return { AND: await Promise.all(words.map((word) => wordWhere(db, word))) };
}
