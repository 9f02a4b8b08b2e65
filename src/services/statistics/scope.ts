// Whose figures a viewer's statistics count. The SQL twin of src/auth/access.ts's caseWhere,
// narrowed as analytics needs (test/services/statistics-access.test.ts holds the two together):
// - analysts (de-identified aggregates) and supervisors: the cases of their organization, which
//   is what caseWhere's supervisor arm grants;
// - any other clinician: their caseload, the cases whose active care team they are on
//   (caseWhere's care-team arm; a break-glass grant opens one record, not its statistics);
// - everyone else (admins, compliance officers): nothing.
import type { Viewer } from '../../auth/viewer.js';
import { isClinician, isSupervisor } from '../../auth/access.js';
import { ForbiddenError } from '../../errors.js';
import type { StatisticsScope } from './sql.js';

export function statisticsScope(viewer: Viewer): StatisticsScope {
  if (viewer.roles.includes('ANALYST') || isSupervisor(viewer)) return { kind: 'organization', organizationId: viewer.organizationId };
  if (isClinician(viewer)) return { kind: 'caseload', staffId: viewer.id };
  throw new ForbiddenError('Statistics are for analysts, supervisors and case managers');
}
