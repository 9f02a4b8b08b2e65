// A connection's totalCount costs a COUNT statement of its own. When the page holds the whole
// list — no cursor, and fewer rows than the page asked for — the total is the page's length:
// a search with 9 matches, a caseload of 12, a crisis board of 3 answer without counting.
// The page and the total are resolved with the same args object, the page first (Pothos).

/** What Pothos passes for a page: `take` is one more than the page size (negative for `last`). */
interface PageQuery {
  take?: number;
  cursor?: unknown;
}

const wholeLists = new WeakMap<object, number>();

/** The rows of a connection's page; remembers their number when they are the whole list. */
export async function page<T>(args: object, query: PageQuery, rows: Promise<T[]>): Promise<T[]> {
  const found = await rows;
  if (query.cursor === undefined && query.take !== undefined && found.length < Math.abs(query.take)) wholeLists.set(args, found.length);
  return found;
}

/** The connection's total: its page's length when the page held it all, else counted. */
export function totalOf(args: object, count: () => Promise<number>): number | Promise<number> {
  return wholeLists.get(args) ?? count();
}
