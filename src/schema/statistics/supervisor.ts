// Supervisor tools next to the statistics: reassignCases (src/services/statistics/reassign-cases.ts).
import { z } from 'zod';
import { builder } from '../../builder.js';
import { prisma } from '../../db.js';
import { RuleViolationError } from '../../errors.js';
import { REASSIGN_MAX_CASES, reassignCases } from '../../services/statistics/reassign-cases.js';
import { Case } from '../case/case.js';
import { commonErrors } from '../errors.js';
import { StaffMember } from '../staff/staff.js';

const ReassignCasesInput = builder.inputType('ReassignCasesInput', {
  fields: (t) => ({
    caseIds: t.globalIDList({ for: Case, required: true, validate: z.array(z.any()).min(1).max(REASSIGN_MAX_CASES) }),
    toStaffId: t.globalID({ for: StaffMember, required: true }),
    reason: t.string({ required: true, validate: z.string().trim().min(1).max(500) }),
  }),
});

builder.mutationField('reassignCases', (t) =>
  t.prismaField({
    type: ['Case'],
    description: `Supervisors: make one staff member the primary case manager of up to ${REASSIGN_MAX_CASES} cases of the organization, all or none. Each case is audited and announced (CASE_ASSIGNED).`,
    errors: { types: [...commonErrors, RuleViolationError], directResult: false, result: { name: 'ReassignCasesSuccess' } },
    args: { input: t.arg({ type: ReassignCasesInput, required: true }) },
    // Several statements per case in one transaction.
    complexity: { field: 200, multiplier: 10 },
    resolve: async (query, _root, { input }, ctx) => {
      const ids = await reassignCases({ caseIds: input.caseIds.map((id) => id.id), toStaffId: input.toStaffId.id, reason: input.reason }, ctx);
      // The id is needed to put the rows in order, even when the selection asks for no field.
      const selection = 'select' in query && query.select ? { ...query, select: { ...query.select, id: true } } : query;
      const rows = await prisma.case.findMany({ ...selection, where: { id: { in: ids } } });
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id)!);
    },
  }),
);
