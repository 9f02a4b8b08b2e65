// Which statements the server prepares once per connection (named) and which it plans at each
// execution (unnamed): src/db.ts.
import { describe, expect, it } from 'vitest';
import { statementNames } from '../../src/db.js';

describe('statement names', () => {
  it('names each distinct text once, and leaves pattern matches and texts past the limit unnamed', () => {
    const name = statementNames(5);
    const page = 'SELECT "t0"."id" FROM "public"."Case" AS "t0" WHERE "t0"."id" = $1';
    const count = 'SELECT COUNT(*) FROM "public"."Case"';
    expect(name({ sql: page })).toBe('cg0');
    expect(name({ sql: count })).toBe('cg1');
    expect(name({ sql: page })).toBe('cg0');
    // A search: its plan depends on the pattern (a one-letter word cannot use the trigram index).
    const search = 'SELECT "t0"."id" FROM "public"."Client" AS "t0" WHERE "t0"."familyName"::text ILIKE $1';
    expect(name({ sql: search })).toBeUndefined();
    expect(name({ sql: 'SELECT 1 WHERE $1 LIKE $2' })).toBeUndefined();
    expect(name({ sql: 'SELECT "likes" FROM "Unliked"' })).toBe('cg2');
    expect(name({ sql: 'SELECT 2' })).toBeUndefined(); // the table is full
    expect(name({ sql: count })).toBe('cg1');
  });
});
