import { readFileSync } from 'node:fs';
import { validateSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printSortedSchema, schema } from '../../src/schema/index.js';

describe('schema.graphql', () => {
  it('is a valid schema', () => {
    expect(validateSchema(schema).map((error) => error.message)).toEqual([]);
  });

  it('matches the schema the code builds (run `npm run schema:print` after changing it)', () => {
    const checkedIn = readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8');
    expect(printSortedSchema()).toBe(checkedIn);
  });
});
