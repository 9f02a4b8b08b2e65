// Assembles the schema: each domain module registers its types for their side effects.
import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from '../builder.js';
import './enums.js';
import './errors.js';
import './organization/organization.js';
import './staff/staff.js';
import './client/client.js';
import './provider/provider.js';
import './provider/provider-options.js';
import './client/network.js';
import './case/case.js';
import './client/client-mutations.js';
import './provider/provider-mutations.js';
import './assessment/assessment.js';
import './consent/consent.js';
import './care-plan/care-plan.js';
import './referral/referral.js';
import './interaction/interaction.js';
import './crisis/crisis.js';
import './task/task.js';
import './follow-up/follow-up.js';
import './access/access.js';
import './approval/approval.js';
import './admin/admin.js';
import './reports/reports.js';
import './statistics/statistics.js';
import './statistics/relationships.js';
import './statistics/supervisor.js';
import './realtime/realtime.js';
import './realtime/compliance.js';

export const schema = builder.toSchema();

/** The SDL checked in as schema.graphql: sorted so that diffs show real changes only. */
export function printSortedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
