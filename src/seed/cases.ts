// A client's episodes of care, and everything recorded within a case, in the order each part
// depends on the previous ones.
import type { CaseStatus, Setting } from '../generated/prisma/enums.js';
import { addAssessments } from './assessments.js';
import { addCarePlans } from './care-plans.js';
import { addCareTeam, addClosureApproval } from './care-teams.js';
import type { AgeGroup, CaseCtx, Chunk, ClientCtx } from './context.js';
import { addCaseTasks, addFollowUps } from './follow-ups.js';
import { addInteractions } from './interactions.js';
import { CASE_SUMMARIES, CLOSURE_REASONS } from './names.js';
import type { Random } from './random.js';
import { DAY, HOUR, MINUTE, REF, at, stamp } from './reference.js';
import { addReferrals } from './referrals.js';
import { CASE_STATUSES, type OrgInfo, type Run, type StaffInfo, chooseStatus } from './run.js';

interface CasePlan {
  org: OrgInfo;
  pcm: StaffInfo;
  status: CaseStatus;
  openedAt: number;
  closedAt: number | null;
  closureReason: string | null;
}


const OPEN_CASE_WEIGHTS: Readonly<Partial<Record<CaseStatus, number>>> = { REFERRED: 5, INTAKE: 6, ASSESSMENT: 8, ACTIVE: 40, MONITORING: 15, ON_HOLD: 6, CLOSED: 20 };
/** How long ago a case in each status was opened (days). */
const OPEN_AGE_DAYS: Readonly<Record<Exclude<CaseStatus, 'CLOSED'>, readonly [number, number]>> = {
  REFERRED: [0, 14],
  INTAKE: [2, 30],
  ASSESSMENT: [7, 45],
  ACTIVE: [30, 540],
  MONITORING: [120, 720],
  ON_HOLD: [45, 400],
};

const COMPATIBLE_SETTINGS: Readonly<Record<AgeGroup, readonly Setting[]>> = {
  child: ['SCHOOL', 'HOSPITAL', 'COMMUNITY'],
  adult: ['HOSPITAL', 'COMMUNITY', 'CORRECTIONAL'],
  elder: ['HOSPITAL', 'HOME_HEALTH', 'COMMUNITY'],
};

/** The client's episodes of care, latest first: only the latest may be open. */
export function planCases(chunk: Chunk, client: ClientCtx): CasePlan[] {
  const { run, rng } = chunk;
  const count = rng.weighted([[1, 75], [2, 20], [3, 5]]);
  const plans: CasePlan[] = [];
  let before = REF;
  for (let k = 0; k < count; k++) {
    const org = k === 0 || rng.chance(0.75) ? client.org : rng.pick(run.orgs.filter((o) => COMPATIBLE_SETTINGS[client.group].includes(o.setting)));
    const pcm = pickPrimaryCaseManager(run, rng, org);
    let status: CaseStatus = 'CLOSED';
    if (k === 0 && client.status === 'ACTIVE') {
      const quotas = [...(pcm === run.casey ? [run.caseyQuotas.caseStatus] : []), run.quotas.caseStatus];
      status = chooseStatus(rng, quotas, OPEN_CASE_WEIGHTS);
    }
    let openedAt: number;
    let closedAt: number | null = null;
    // School cases start at five; nothing starts before birth or more than seven years back.
    const earliest = Math.max(REF - 7 * 365 * DAY, client.born + (org.setting === 'SCHOOL' ? 5 * 365 * DAY : DAY));
    if (status !== 'CLOSED') {
      const [lo, hi] = OPEN_AGE_DAYS[status];
      openedAt = Math.max(earliest, REF - rng.int(lo, hi) * DAY - rng.int(0, 8 * 60) * MINUTE);
    } else {
      closedAt = before - (k === 0 ? rng.int(1, 400) : rng.int(30, 700)) * DAY;
      openedAt = closedAt - rng.int(20, 420) * DAY;
      if (openedAt < earliest) {
        if (k > 0) break;
        openedAt = earliest;
        closedAt = Math.min(REF - HOUR, Math.max(closedAt, openedAt + 20 * DAY));
        openedAt = Math.min(openedAt, closedAt - HOUR);
      }
    }
    const closureReason = status !== 'CLOSED' ? null : k === 0 && client.status === 'DECEASED' ? 'Client deceased' : rng.pick(CLOSURE_REASONS);
    const finalPcm = status === 'CLOSED' && org.formerCaseManagers.length > 0 && pcm !== run.casey && rng.chance(0.15) ? rng.pick(org.formerCaseManagers) : pcm;
    plans.push({ org, pcm: finalPcm, status, openedAt, closedAt, closureReason });
    before = openedAt;
  }
  return plans.reverse();
}

function pickPrimaryCaseManager(run: Run, rng: Random, org: OrgInfo): StaffInfo {
  if (org.id === run.casey.org.id && rng.chance(run.caseyShare)) return run.casey;
  return rng.pick(org.caseManagers);
}

export function buildCase(chunk: Chunk, client: ClientCtx, plan: CasePlan): CaseCtx {
  const { run, rng, rows } = chunk;
  const c: CaseCtx = {
    id: rng.uuid(),
    client,
    org: plan.org,
    status: plan.status,
    openedAt: plan.openedAt,
    closedAt: plan.closedAt,
    end: plan.closedAt ?? REF,
    pcm: plan.pcm,
    teamId: plan.pcm.teamIds[0] ?? plan.org.teamIds[0] ?? null,
    members: [],
    interactions: [],
    referrals: [],
    isCasey: plan.pcm === run.casey,
  };
  client.firstActivity = Math.min(client.firstActivity, c.openedAt);
  client.pcm = c.pcm;

  addCareTeam(chunk, c);
  const assessments = addAssessments(chunk, c);
  addReferrals(chunk, c);
  addInteractions(chunk, c);
  addCarePlans(chunk, c, assessments);
  addFollowUps(chunk, c);
  addCaseTasks(chunk, c);
  addClosureApproval(chunk, c);

  const lastContact = c.interactions.reduce((max, i) => Math.max(max, i.at), 0);
  const priority = rng.weightedKey({ ROUTINE: 70, URGENT: 23, EMERGENT: 7 });
  rows.case.push({
    id: c.id,
    clientId: client.id,
    organizationId: c.org.id,
    teamId: c.teamId,
    setting: c.org.setting,
    status: c.status,
    priority,
    summary: rng.pick(CASE_SUMMARIES[c.org.setting]),
    openedAt: at(c.openedAt),
    closedAt: c.closedAt === null ? null : at(c.closedAt),
    closureReason: plan.closureReason,
    primaryCaseManagerId: c.pcm.id,
    lastContactAt: lastContact ? at(lastContact) : null,
    version: 1 + CASE_STATUSES.indexOf(c.status),
    ...stamp(c.openedAt, Math.max(c.closedAt ?? 0, lastContact, c.openedAt)),
  });
  client.lastActivity = Math.max(client.lastActivity, c.closedAt ?? lastContact, c.openedAt);
  return c;
}
