// Contacts with the client and those around them, and who took part.
import type { CaseStatus, ConsentCategory, InteractionType, Setting } from '../generated/prisma/enums.js';
import type { CaseCtx, Chunk } from './context.js';
import { INTERACTION_SUMMARIES, RESTRICTED_SUMMARIES } from './names.js';
import type { Random } from './random.js';
import { DAY, MINUTE, REF, at, stamp } from './reference.js';
import type { StaffInfo } from './run.js';

const INTERACTION_MIX: Readonly<Record<Setting, Partial<Record<InteractionType, number>>>> = {
  HOSPITAL: { OFFICE_VISIT: 25, PHONE_CALL: 25, FAMILY_MEETING: 12, CASE_CONFERENCE: 10, COLLATERAL_CONTACT: 12, COUNSELLING_SESSION: 4, VIDEO_CALL: 4, MESSAGE: 5, HOME_VISIT: 1, OUTREACH_ATTEMPT: 2 },
  SCHOOL: { OFFICE_VISIT: 30, FAMILY_MEETING: 15, PHONE_CALL: 15, COUNSELLING_SESSION: 15, CASE_CONFERENCE: 6, COLLATERAL_CONTACT: 8, MESSAGE: 6, HOME_VISIT: 3, VIDEO_CALL: 2 },
  CORRECTIONAL: { OFFICE_VISIT: 35, CASE_CONFERENCE: 12, COUNSELLING_SESSION: 12, COLLATERAL_CONTACT: 15, PHONE_CALL: 10, VIDEO_CALL: 8, FAMILY_MEETING: 4, MESSAGE: 4 },
  COMMUNITY: { HOME_VISIT: 18, OFFICE_VISIT: 20, PHONE_CALL: 22, VIDEO_CALL: 5, COUNSELLING_SESSION: 8, FAMILY_MEETING: 5, CASE_CONFERENCE: 4, COLLATERAL_CONTACT: 8, MESSAGE: 7, OUTREACH_ATTEMPT: 6 },
  HOME_HEALTH: { HOME_VISIT: 45, PHONE_CALL: 22, FAMILY_MEETING: 8, CASE_CONFERENCE: 6, COLLATERAL_CONTACT: 8, VIDEO_CALL: 4, MESSAGE: 5, OUTREACH_ATTEMPT: 2 },
  OTHER: { OFFICE_VISIT: 50, PHONE_CALL: 50 },
};

const DURATION_MINUTES: Readonly<Record<InteractionType, readonly [number, number] | null>> = {
  HOME_VISIT: [30, 90], OFFICE_VISIT: [20, 60], PHONE_CALL: [5, 30], VIDEO_CALL: [15, 45], COUNSELLING_SESSION: [45, 60],
  FAMILY_MEETING: [45, 90], CASE_CONFERENCE: [30, 60], COLLATERAL_CONTACT: [5, 20], MESSAGE: null, OUTREACH_ATTEMPT: [5, 10],
};

/** Days since the last contact for an open case, by status (some ACTIVE cases go quiet). */
function lastContactAge(rng: Random, status: CaseStatus): number {
  switch (status) {
    case 'ACTIVE':
      return rng.chance(0.12) ? rng.int(30, 120) : rng.int(0, 21);
    case 'MONITORING':
      return rng.int(7, 45);
    case 'ON_HOLD':
      return rng.int(20, 90);
    default:
      return rng.int(0, 10);
  }
}

export function addInteractions(chunk: Chunk, c: CaseCtx): void {
  const { rng } = chunk;
  const months = (c.end - c.openedAt) / (30 * DAY);
  let count: number;
  switch (c.status) {
    case 'REFERRED':
      count = rng.int(0, 1);
      break;
    case 'INTAKE':
      count = rng.int(1, 2);
      break;
    case 'ASSESSMENT':
      count = rng.int(2, 4);
      break;
    default:
      count = Math.max(3, Math.min(14, Math.round(months * rng.float(0.8, 1.6))));
  }
  if (count === 0) return;
  const last = c.closedAt !== null ? c.closedAt - rng.int(0, 5) * DAY : Math.max(c.openedAt, REF - lastContactAge(rng, c.status) * DAY - rng.int(1, 9 * 60) * MINUTE);
  const times = [last];
  for (let i = 1; i < count; i++) times.push(rng.timeBetween(c.openedAt, last));
  times.sort((a, b) => a - b);
  for (const when of times) addInteraction(chunk, c, Math.max(c.openedAt, when));
}

function addInteraction(chunk: Chunk, c: CaseCtx, when: number): void {
  const { rng, rows } = chunk;
  const type: InteractionType = c.status === 'REFERRED' || (c.status === 'INTAKE' && rng.chance(0.5))
    ? rng.weightedKey<InteractionType>({ OUTREACH_ATTEMPT: 1, PHONE_CALL: 2 })
    : rng.weightedKey(INTERACTION_MIX[c.org.setting]);
  const counsellor = c.members.find((m) => m.role === 'COUNSELOR' || m.role === 'PSYCHOLOGIST');
  const nurse = c.members.find((m) => m.role === 'NURSE');
  const staff =
    type === 'COUNSELLING_SESSION' && counsellor ? counsellor
    : type === 'HOME_VISIT' && nurse && c.org.setting === 'HOME_HEALTH' && rng.chance(0.6) ? nurse
    : rng.chance(0.7) || c.members.length === 0 ? c.pcm
    : rng.pick(c.members);
  const category = sensitiveCategory(rng, c, type);
  const duration = DURATION_MINUTES[type];
  const id = rng.uuid();
  const enteredInError = rng.chance(0.01);
  rows.interaction.push({
    id,
    caseId: c.id,
    clientId: c.client.id,
    type,
    occurredAt: at(when),
    durationMinutes: duration ? rng.int(duration[0], duration[1]) : null,
    staffId: staff.id,
    summary: category ? rng.pick(RESTRICTED_SUMMARIES[category]) : rng.pick(INTERACTION_SUMMARIES[type]),
    sensitivity: category ? 'RESTRICTED' : 'NORMAL',
    sensitiveCategory: category,
    enteredInError,
    version: enteredInError ? 2 : 1,
    ...stamp(Math.min(REF, when + rng.int(5, 240) * MINUTE)),
  });
  addParticipants(chunk, c, id, type, staff, when);
  if (!enteredInError) c.interactions.push({ id, at: when, staffId: staff.id });
}

/** Restricted notes: mental health, substance use, HIV, justice involvement, disclosures. */
function sensitiveCategory(rng: Random, c: CaseCtx, type: InteractionType): ConsentCategory | null {
  const needs = c.client.needs;
  if (type === 'COUNSELLING_SESSION' && rng.chance(0.6)) return (needs.get('SUBSTANCE_USE') ?? 0) >= 2 && rng.chance(0.4) ? 'SUBSTANCE_USE' : 'MENTAL_HEALTH';
  if (!rng.chance(0.07)) return null;
  if (rng.chance(0.05)) return 'HIV';
  if (c.org.setting === 'CORRECTIONAL') return rng.chance(0.6) ? 'CRIMINAL_JUSTICE' : 'SUBSTANCE_USE';
  if (c.org.setting === 'SCHOOL') return rng.chance(0.5) ? 'EDUCATION' : 'MENTAL_HEALTH';
  if ((needs.get('SUBSTANCE_USE') ?? 0) >= 2) return 'SUBSTANCE_USE';
  return rng.weightedKey<ConsentCategory>({ MENTAL_HEALTH: 5, GENERAL: 3, REPRODUCTIVE_HEALTH: 1 });
}

function addParticipants(chunk: Chunk, c: CaseCtx, interactionId: string, type: InteractionType, recorder: StaffInfo, when: number): void {
  const { rng, rows } = chunk;
  const push = (p: { relatedPersonId?: string; providerId?: string; staffId?: string; role: string }) =>
    rows.interactionParticipant.push({ id: rng.uuid(), interactionId, relatedPersonId: p.relatedPersonId ?? null, providerId: p.providerId ?? null, staffId: p.staffId ?? null, role: p.role, ...stamp(when) });
  const relations = c.client.relations;
  const family = () => rng.sample(relations.filter((r) => r.relationship !== 'NEIGHBOR' && r.relationship !== 'FRIEND'), rng.int(1, 2));
  const provider = () => (c.referrals.length > 0 ? rng.pick(c.referrals).providerId : null);
  switch (type) {
    case 'FAMILY_MEETING':
      for (const r of family()) push({ relatedPersonId: r.personId, role: r.relationship.toLowerCase().replace('_', ' ') });
      break;
    case 'CASE_CONFERENCE': {
      for (const s of rng.sample(c.members.concat(c.pcm).filter((s) => s !== recorder), rng.int(1, 3))) push({ staffId: s.id, role: s.role.toLowerCase().replace('_', ' ') });
      const p = rng.chance(0.3) ? provider() : null;
      if (p) push({ providerId: p, role: 'provider liaison' });
      break;
    }
    case 'COLLATERAL_CONTACT': {
      const p = provider();
      if (p && rng.chance(0.6)) push({ providerId: p, role: 'provider' });
      else if (relations.length > 0) push({ relatedPersonId: rng.pick(relations).personId, role: 'collateral' });
      break;
    }
    case 'HOME_VISIT': {
      const home = relations.filter((r) => r.livesWith || r.relationship === 'CAREGIVER');
      if (home.length > 0 && rng.chance(0.4)) push({ relatedPersonId: rng.pick(home).personId, role: 'present at visit' });
      break;
    }
    case 'VIDEO_CALL':
      if (relations.length > 0 && rng.chance(0.2)) push({ relatedPersonId: rng.pick(relations).personId, role: 'joined call' });
      break;
    default:
      break;
  }
}
