// The fixtures every chunk of clients refers to: organizations with their teams and staff
// (the fixed demo staff among them) and, through ./providers.ts, the providers.
import type { Discipline, Setting, StaffRole, TaskStatus } from '../generated/prisma/enums.js';
import { ORGANIZATIONS, type OrganizationTemplate } from './names.js';
import { STAFF_CULTURES, ascii, personName, phone, regionNamed } from './people.js';
import { addProviders } from './providers.js';
import { Random } from './random.js';
import { DAY, DEMO_STAFF_EMAILS, REF, at, idTime, stamp } from './reference.js';
import type { OrgInfo, Run, StaffInfo } from './run.js';
import { type Batch, emptyBatch } from './tables.js';

interface StaffSlot {
  roles: StaffRole[];
  discipline: Discipline;
  count: number;
}

const slot = (roles: StaffRole[], discipline: Discipline, count = 1): StaffSlot => ({ roles, discipline, count });

/** Staff of each organization at the base size (about 50 in all, with the fixed demo staff). */
const BASE_STAFF: Readonly<Record<string, readonly StaffSlot[]>> = {
  harbor: [slot(['CASE_MANAGER'], 'SOCIAL', 2), slot(['SOCIAL_WORKER'], 'SOCIAL', 2), slot(['COUNSELOR'], 'BEHAVIORAL'), slot(['NURSE'], 'MEDICAL')],
  riverside: [slot(['CASE_MANAGER'], 'SOCIAL', 2), slot(['CASE_MANAGER', 'NURSE'], 'MEDICAL'), slot(['SOCIAL_WORKER'], 'SOCIAL', 2), slot(['NURSE'], 'MEDICAL', 2), slot(['PHYSICIAN'], 'MEDICAL'), slot(['PSYCHOLOGIST'], 'BEHAVIORAL'), slot(['ANALYST'], 'ADMINISTRATIVE')],
  northside: [slot(['CASE_MANAGER'], 'SOCIAL', 2), slot(['SOCIAL_WORKER'], 'SOCIAL'), slot(['COUNSELOR'], 'BEHAVIORAL', 2), slot(['PSYCHOLOGIST'], 'BEHAVIORAL'), slot(['NURSE'], 'MEDICAL')],
  eastgate: [slot(['CASE_MANAGER'], 'SOCIAL', 2), slot(['SOCIAL_WORKER'], 'SOCIAL'), slot(['NURSE'], 'MEDICAL'), slot(['PHYSICIAN'], 'MEDICAL'), slot(['COUNSELOR'], 'BEHAVIORAL'), slot(['COMPLIANCE_OFFICER'], 'ADMINISTRATIVE')],
  valley: [slot(['CASE_MANAGER', 'NURSE'], 'MEDICAL'), slot(['CASE_MANAGER'], 'SOCIAL'), slot(['NURSE'], 'MEDICAL', 3), slot(['SOCIAL_WORKER'], 'SOCIAL')],
  westfield: [slot(['CASE_MANAGER'], 'SOCIAL', 2), slot(['SOCIAL_WORKER'], 'SOCIAL'), slot(['COUNSELOR'], 'BEHAVIORAL'), slot(['PSYCHOLOGIST'], 'BEHAVIORAL'), slot(['NURSE'], 'MEDICAL')],
};

/** Clinical roles added alongside extra case managers at large sizes. */
const CLINICIAN_ROLES: Readonly<Record<Setting, readonly [StaffRole, Discipline][]>> = {
  HOSPITAL: [['NURSE', 'MEDICAL'], ['SOCIAL_WORKER', 'SOCIAL'], ['PHYSICIAN', 'MEDICAL']],
  SCHOOL: [['COUNSELOR', 'BEHAVIORAL'], ['SOCIAL_WORKER', 'SOCIAL'], ['PSYCHOLOGIST', 'BEHAVIORAL']],
  CORRECTIONAL: [['NURSE', 'MEDICAL'], ['COUNSELOR', 'BEHAVIORAL'], ['SOCIAL_WORKER', 'SOCIAL']],
  COMMUNITY: [['SOCIAL_WORKER', 'SOCIAL'], ['COUNSELOR', 'BEHAVIORAL'], ['NURSE', 'MEDICAL']],
  HOME_HEALTH: [['NURSE', 'MEDICAL'], ['NURSE', 'MEDICAL'], ['SOCIAL_WORKER', 'SOCIAL']],
  OTHER: [['SOCIAL_WORKER', 'SOCIAL']],
};

const FIXED_STAFF = {
  casey: { given: 'Casey', family: 'Morgan', email: DEMO_STAFF_EMAILS.caseManager, roles: ['CASE_MANAGER'], discipline: 'SOCIAL' },
  sam: { given: 'Sam', family: 'Ortega', email: DEMO_STAFF_EMAILS.supervisor, roles: ['SUPERVISOR', 'SOCIAL_WORKER'], discipline: 'SOCIAL' },
  ana: { given: 'Ana', family: 'Lindqvist', email: DEMO_STAFF_EMAILS.analyst, roles: ['ANALYST'], discipline: 'ADMINISTRATIVE' },
  cora: { given: 'Cora', family: 'Bennett', email: DEMO_STAFF_EMAILS.complianceOfficer, roles: ['COMPLIANCE_OFFICER'], discipline: 'ADMINISTRATIVE' },
  adam: { given: 'Adam', family: 'Okafor', email: DEMO_STAFF_EMAILS.admin, roles: ['ADMIN'], discipline: 'ADMINISTRATIVE' },
} as const satisfies Record<string, { given: string; family: string; email: string; roles: StaffRole[]; discipline: Discipline }>;



/** Extra case managers beyond 1,000 clients: one per ~40 clients keeps caseloads plausible. */
function extraCaseManagers(clients: number): number {
  return clients > 1000 ? Math.ceil((clients - 1000) / 40) : 0;
}

export function buildFixtures(run: Run): Batch {
  const rng = new Random(`${run.seed}/fixtures`, idTime(-1));
  const rows = emptyBatch();
  const emails = new Set<string>();
  for (const tpl of ORGANIZATIONS) addOrganization(run, rng, rows, tpl, emails);
  addProviders(run, rng, rows);
  addStaffTasks(rng, rows);

  const harbor = run.orgs.find((o) => o.tpl.key === 'harbor');
  const totalWeight = ORGANIZATIONS.reduce((sum, o) => sum + o.weight, 0);
  const expectedHarborCases = run.clients * ((harbor?.tpl.weight ?? 0) / totalWeight) * 1.3;
  run.caseyShare = Math.min(0.7, 70 / Math.max(1, expectedHarborCases));
  return rows;
}

function addOrganization(run: Run, rng: Random, rows: Batch, tpl: OrganizationTemplate, emails: Set<string>): void {
  const created = REF - rng.int(4 * 365, 8 * 365) * DAY;
  const id = rng.uuid();
  rows.organization.push({
    id,
    name: tpl.name,
    setting: tpl.setting,
    region: tpl.region,
    approvalRequiredFor: [...tpl.approvalRequiredFor],
    ...stamp(created),
  });
  const teamIds = tpl.teams.map((name) => {
    const teamId = rng.uuid();
    rows.team.push({ id: teamId, organizationId: id, name, region: tpl.region, ...stamp(created + rng.int(1, 60) * DAY) });
    return teamId;
  });
  const org: OrgInfo = {
    index: run.orgs.length,
    id,
    tpl,
    setting: tpl.setting,
    region: regionNamed(tpl.region),
    teamIds,
    supervisor: undefined as unknown as StaffInfo,
    caseManagers: [],
    formerCaseManagers: [],
    byTeamRole: new Map(),
  };
  run.orgs.push(org);
  addOrganizationStaff(run, rng, rows, org, emails);
}

function addOrganizationStaff(run: Run, rng: Random, rows: Batch, org: OrgInfo, emails: Set<string>): void {
  const isHarbor = org.tpl.key === 'harbor';
  let teamCursor = 0;
  const nextTeam = () => org.teamIds[teamCursor++ % org.teamIds.length] as string;

  const add = (roles: StaffRole[], discipline: Discipline, options: { supervisorId: string | null; teamIds: string[]; fixed?: { given: string; family: string; email: string }; active?: boolean }) => {
    const name = options.fixed ?? staffName(rng, org, emails);
    emails.add(name.email);
    const info: StaffInfo = { id: rng.uuid(), org, role: roles[0] as StaffRole, teamIds: options.teamIds, supervisorId: options.supervisorId, active: options.active ?? true };
    const hired = REF - rng.int(120, 8 * 365) * DAY;
    rows.staffMember.push({
      id: info.id,
      organizationId: org.id,
      givenName: name.given,
      familyName: name.family,
      email: name.email,
      phone: phone(rng, org.region),
      roles,
      discipline,
      active: info.active,
      supervisorId: options.supervisorId,
      ...stamp(hired, info.active ? hired : REF - rng.int(30, 300) * DAY),
    });
    for (const teamId of options.teamIds) {
      rows.teamMembership.push({ id: rng.uuid(), teamId, staffId: info.id, role: info.role, startedAt: at(hired), endedAt: null, ...stamp(hired) });
    }
    run.staffById.set(info.id, info);
    if (info.active) indexStaff(org, info);
    return info;
  };

  // Supervisors first: staff rows reference them.
  org.supervisor = isHarbor
    ? add([...FIXED_STAFF.sam.roles], FIXED_STAFF.sam.discipline, { supervisorId: null, teamIds: org.teamIds, fixed: FIXED_STAFF.sam })
    : add(['SUPERVISOR', 'SOCIAL_WORKER'], 'SOCIAL', { supervisorId: null, teamIds: org.teamIds });
  const supervisorId = org.supervisor.id;

  if (isHarbor) {
    run.casey = add([...FIXED_STAFF.casey.roles], FIXED_STAFF.casey.discipline, { supervisorId, teamIds: [org.teamIds[0] as string], fixed: FIXED_STAFF.casey });
    teamCursor = 1;
    for (const fixed of [FIXED_STAFF.ana, FIXED_STAFF.cora, FIXED_STAFF.adam]) {
      add([...fixed.roles], fixed.discipline, { supervisorId: null, teamIds: [], fixed });
    }
    // A case manager who has left: still primary on some closed cases.
    org.formerCaseManagers.push(add(['CASE_MANAGER'], 'SOCIAL', { supervisorId, teamIds: [], active: false }));
  }
  for (const s of BASE_STAFF[org.tpl.key] ?? []) {
    for (let i = 0; i < s.count; i++) {
      const administrative = s.discipline === 'ADMINISTRATIVE';
      const teamIds = administrative ? [] : [nextTeam()];
      if (!administrative && org.teamIds.length > 1 && rng.chance(0.25)) {
        const second = rng.pick(org.teamIds.filter((t) => !teamIds.includes(t)));
        teamIds.push(second);
      }
      const info = add(s.roles, s.discipline, { supervisorId: administrative ? null : supervisorId, teamIds });
      if (s.roles.includes('CASE_MANAGER')) org.caseManagers.push(info);
    }
  }
  addScaledStaff(run, rng, org, add);
}

/** At large sizes: more case managers, clinicians alongside them, and a supervisor per ten. */
function addScaledStaff(
  run: Run,
  rng: Random,
  org: OrgInfo,
  add: (roles: StaffRole[], discipline: Discipline, options: { supervisorId: string | null; teamIds: string[] }) => StaffInfo,
): void {
  const totalWeight = ORGANIZATIONS.reduce((sum, o) => sum + o.weight, 0);
  const managers = Math.round((extraCaseManagers(run.clients) * org.tpl.weight) / totalWeight);
  if (managers === 0) return;
  const clinicians = Math.ceil(managers / 3);
  const roles = CLINICIAN_ROLES[org.setting];
  for (let s = 0; s * 10 < managers + clinicians; s++) {
    const teamId = org.teamIds[s % org.teamIds.length] as string;
    const supervisor = add(['SUPERVISOR', 'SOCIAL_WORKER'], 'SOCIAL', { supervisorId: org.supervisor.id, teamIds: [teamId] });
    for (let i = s * 10; i < Math.min(managers + clinicians, (s + 1) * 10); i++) {
      if (i < managers) {
        org.caseManagers.push(add(['CASE_MANAGER'], 'SOCIAL', { supervisorId: supervisor.id, teamIds: [teamId] }));
      } else {
        const [role, discipline] = rng.pick(roles);
        add([role], discipline, { supervisorId: supervisor.id, teamIds: [teamId] });
      }
    }
  }
}

function indexStaff(org: OrgInfo, info: StaffInfo): void {
  for (const key of [...info.teamIds, '*'].map((t) => `${t}|${info.role}`)) {
    const list = org.byTeamRole.get(key);
    if (list) list.push(info);
    else org.byTeamRole.set(key, [info]);
  }
}

function staffName(rng: Random, org: OrgInfo, emails: Set<string>): { given: string; family: string; email: string } {
  const name = personName(rng, rng.weighted(STAFF_CULTURES), rng.chance(0.7) ? 'female' : 'male');
  const base = `${ascii(name.given)}.${ascii(name.family)}`;
  let email = `${base}@${org.tpl.domain}`;
  for (let n = 2; emails.has(email); n++) email = `${base}${n}@${org.tpl.domain}`;
  return { given: name.given, family: name.family, email };
}

/** Work not tied to a case: training, reports. */
function addStaffTasks(rng: Random, rows: Batch): void {
  for (const staff of rows.staffMember) {
    if (!staff.active || !rng.chance(0.2) || !staff.id) continue;
    const created = REF - rng.int(1, 40) * DAY;
    const status = rng.weightedKey<TaskStatus>({ REQUESTED: 3, IN_PROGRESS: 2, COMPLETED: 4 });
    rows.task.push({
      id: rng.uuid(),
      caseId: null,
      assigneeId: staff.id,
      createdById: null,
      kind: 'FORM',
      title: rng.pick(['Complete annual confidentiality training', 'Submit monthly caseload statistics', 'Review updated consent policy']),
      description: null,
      dueAt: at(created + rng.int(7, 30) * DAY),
      status,
      completedAt: status === 'COMPLETED' ? at(rng.timeBetween(created, REF)) : null,
      version: status === 'REQUESTED' ? 1 : 2,
      ...stamp(created),
    });
  }
}
