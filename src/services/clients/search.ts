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
// `ILIKE 'word%'`. PostgreSQL can only combine the branches of a word's OR into one bitmap scan
// (BitmapOr) when each is an indexable condition on Client: a subquery on the identifiers would
// force a walk of every client. So the identifier matches of the words are looked up first
// (through their index, one statement for all the words) and enter each word's filter as
// `id IN (...)` (one array parameter, so the query keeps its shape for Prisma's plan cache).
// Should a word match more than IDENTIFIER_CLIENT_LIMIT identifiers, that word keeps the
// relation filter instead: it is then common enough for PostgreSQL to find a page by walking
// the name order. Either way the result is the same. A word of fewer than 3 characters has no
// trigram to look up: the index can only be read whole, and such a word costs about what it did
// without the indexes.
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

/** How a word matches identifier values, as a LIKE pattern and as the same Prisma filter. */
function identifierMatchOf(word: string) {
  return matchesIdentifierPrefixes(word)
    ? { pattern: `${likeLiteral(word)}%`, filter: { startsWith: likeLiteral(word), mode: 'insensitive' as const } }
    : { pattern: likeLiteral(word), filter: equalsIgnoringCase(word) };
}

/**
 * The clients whose identifiers match each word: at most IDENTIFIER_CLIENT_LIMIT + 1 rows a
 * word, in one statement whatever the number of words. Raw SQL for want of a Prisma form: a
 * findMany with `take` sorts by id, and PostgreSQL then walks the primary key testing every
 * identifier instead of reading the trigram index (which it uses here with each word's pattern
 * as a run-time key, whatever the pattern).
 */
async function identifierMatches(db: Db, patterns: string[]): Promise<Map<number, string[]>> {
  const rows = await db.$queryRaw<Array<{ word: number; clientId: string }>>`
    SELECT w.i::int AS "word", m."clientId"::text AS "clientId"
      FROM unnest(${patterns}::text[]) WITH ORDINALITY AS w(pattern, i)
     CROSS JOIN LATERAL (
       SELECT "clientId" FROM "ClientIdentifier" WHERE "value" ILIKE w.pattern LIMIT ${IDENTIFIER_CLIENT_LIMIT + 1}
     ) AS m`;
  const byWord = new Map<number, string[]>();
  for (const row of rows) {
    const index = Number(row.word) - 1;
    byWord.set(index, [...(byWord.get(index) ?? []), row.clientId]);
  }
  return byWord;
}

/**
 * The Client filter for a search text (trimmed by the caller; empty means no filter): one
 * indexed identifier lookup, then a filter for Prisma. `field` names the input in a
 * ValidationError.
 */
export async function clientSearchWhere(db: Db, text: string, field = 'search'): Promise<Prisma.ClientWhereInput> {
  if (hasControlCharacters(text)) throw new ValidationError(`${field} must not contain control characters`, field);
  if (text.length > SEARCH_MAX_LENGTH) throw new ValidationError(`${field} is at most ${SEARCH_MAX_LENGTH} characters`, field);
  const words = searchWords(text);
  if (words.length === 0) return {};
  const identifiers = words.map(identifierMatchOf);
  const matches = await identifierMatches(db, identifiers.map((match) => match.pattern));
  return {
    AND: words.map((word, i) => {
      const fragment = { contains: likeLiteral(word), mode: 'insensitive' as const };
      const clientIds = matches.get(i) ?? [];
      const identified: Prisma.ClientWhereInput[] =
        clientIds.length > IDENTIFIER_CLIENT_LIMIT
          ? [{ identifiers: { some: { value: identifiers[i]!.filter } } }]
          : clientIds.length > 0
            ? [{ id: { in: [...new Set(clientIds)].sort() } }]
            : [];
      return { OR: [{ givenName: fragment }, { familyName: fragment }, { preferredName: fragment }, ...identified] };
    }),
  };
}
