// Assembles the schema: each domain module registers its types for their side effects.
import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from '../builder.js';
import './enums.js';
import './errors.js';
import './organization/organization.js';
import './staff/staff.js';
import './client/client.js';
import './provider/provider.js';
import './client/client-mutations.js';
import './provider/provider-mutations.js';

export const schema = builder.toSchema();

/** The SDL checked in as schema.graphql: sorted so that diffs show real changes only. */
export function printSortedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
