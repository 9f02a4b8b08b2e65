// Referrals to providers and the history of each, along the closed loop to its status.
import type { ConsentCategory, NeedDomain, ProviderKind, ReferralStatus, ReferralUrgency } from '../generated/prisma/enums.js';
import type { CaseCtx, Chunk } from './context.js';
import { ADVOCACY_NOTES, KINDS_FOR_NEED, REFERRAL_REASONS } from './names.js';
import type { Random } from './random.js';
import { DAY, HOUR, MINUTE, at, stamp } from './reference.js';
import { type ProviderInfo, type Run, chooseStatus } from './run.js';

/** The path a referral takes to reach each status (the closed loop). */
const REFERRAL_PATHS: Readonly<Record<ReferralStatus, readonly ReferralStatus[]>> = {
  DRAFT: ['DRAFT'],
  SENT: ['DRAFT', 'SENT'],
  ACCEPTED: ['DRAFT', 'SENT', 'ACCEPTED'],
  DECLINED: ['DRAFT', 'SENT', 'DECLINED'],
  SCHEDULED: ['DRAFT', 'SENT', 'ACCEPTED', 'SCHEDULED'],
  IN_PROGRESS: ['DRAFT', 'SENT', 'ACCEPTED', 'SCHEDULED', 'IN_PROGRESS'],
  COMPLETED: ['DRAFT', 'SENT', 'ACCEPTED', 'SCHEDULED', 'IN_PROGRESS', 'COMPLETED'],
  NO_SHOW: ['DRAFT', 'SENT', 'ACCEPTED', 'SCHEDULED', 'NO_SHOW'],
  CANCELLED: ['DRAFT', 'SENT', 'CANCELLED'],
};

const REFERRAL_WEIGHTS: Readonly<Record<'open' | 'early' | 'closed', Partial<Record<ReferralStatus, number>>>> = {
  open: { DRAFT: 5, SENT: 12, ACCEPTED: 10, DECLINED: 8, SCHEDULED: 12, IN_PROGRESS: 15, COMPLETED: 25, CANCELLED: 6, NO_SHOW: 7 },
  early: { DRAFT: 40, SENT: 40, ACCEPTED: 20 },
  closed: { COMPLETED: 55, DECLINED: 12, CANCELLED: 18, NO_SHOW: 15 },
};

const RESPONSE_DAYS: Readonly<Record<ReferralUrgency, number>> = { STAT: 1, ASAP: 2, URGENT: 5, ROUTINE: 10 };

/** Days from each status to the next one on the path. */
const STEP_DAYS: Readonly<Partial<Record<ReferralStatus, readonly [number, number]>>> = {
  DRAFT: [0, 3],
  SENT: [1, 14],
  ACCEPTED: [1, 10],
  SCHEDULED: [3, 30],
  IN_PROGRESS: [14, 90],
};

export function addReferrals(chunk: Chunk, c: CaseCtx): void {
  const { run, rng } = chunk;
  const stage = c.status === 'CLOSED' ? 'closed' : c.status === 'ACTIVE' || c.status === 'MONITORING' || c.status === 'ON_HOLD' ? 'open' : c.status === 'ASSESSMENT' ? 'early' : null;
  if (!stage) return;
  const quotas = [...(c.isCasey ? [run.caseyQuotas.referralStatus] : []), run.quotas.referralStatus];
  let count = stage === 'early' ? rng.weighted([[0, 50], [1, 50]]) : rng.weighted([[0, 15], [1, 35], [2, 30], [3, 15], [4, 5]]);
  if (stage === 'open' && quotas.some((q) => !q.complete)) count = Math.max(count, 2);
  const domains = [...c.client.needs].sort((a, b) => b[1] - a[1]).map(([d]) => d);
  for (let i = 0; i < count && domains.length > 0; i++) {
    const domain = domains[i % domains.length] as NeedDomain;
    const status = chooseStatus(rng, quotas, REFERRAL_WEIGHTS[stage]);
    addReferral(chunk, c, domain, status);
  }
}

function pickProvider(run: Run, rng: Random, domain: NeedDomain, region: string): { provider: ProviderInfo; kind: ProviderKind } {
  const kind = rng.pick(KINDS_FOR_NEED[domain]);
  const local = run.providersByKindRegion.get(`${kind}|${region}`);
  const pool = local && rng.chance(0.8) ? local : (run.providersByKind.get(kind) ?? run.providers);
  return { provider: rng.pick(pool), kind };
}

function addReferral(chunk: Chunk, c: CaseCtx, domain: NeedDomain, status: ReferralStatus): void {
  const { run, rng, rows } = chunk;
  const { provider, kind } = pickProvider(run, rng, domain, c.client.region);
  const service = provider.services.find((s) => s.type === kind) ?? provider.services[0] ?? null;
  const urgency = rng.weightedKey<ReferralUrgency>({ ROUTINE: 60, URGENT: 25, ASAP: 10, STAT: 5 });
  const path = REFERRAL_PATHS[status];
  const cancelledLate = status === 'CANCELLED' && rng.chance(0.3) ? ['DRAFT', 'SENT', 'ACCEPTED', 'CANCELLED'] as ReferralStatus[] : path;

  // Times of each step; squeezed into the case's window when they would overrun it.
  const gaps = cancelledLate.slice(0, -1).map((s) => rng.int(...(STEP_DAYS[s] ?? [1, 7])) * DAY + rng.int(0, 8 * 60) * MINUTE);
  const total = gaps.reduce((a, b) => a + b, 0);
  const latestEnd = c.end - HOUR;
  const earliest = Math.min(c.openedAt + DAY, latestEnd - gaps.length * MINUTE);
  const start = rng.timeBetween(earliest, Math.max(earliest, latestEnd - total));
  const scale = start + total > latestEnd ? Math.max(0, (latestEnd - start) / total) : 1;
  const times = [start];
  // At least a minute apart, so the history has one order.
  for (const gap of gaps) times.push(Math.max(times[times.length - 1]! + MINUTE, Math.round((times[times.length - 1]! + gap * scale) / MINUTE) * MINUTE));
  const when = (s: ReferralStatus) => {
    const i = cancelledLate.indexOf(s);
    return i >= 0 ? (times[i] as number) : null;
  };

  const id = rng.uuid();
  const sentAt = when('SENT');
  const scheduledAt = when('SCHEDULED');
  const appointmentAt = scheduledAt === null ? null : when('IN_PROGRESS') ?? when('NO_SHOW') ?? scheduledAt + rng.int(2, 21) * DAY;
  const sensitive: ConsentCategory | null = domain === 'MENTAL_HEALTH' ? 'MENTAL_HEALTH' : domain === 'SUBSTANCE_USE' ? 'SUBSTANCE_USE' : null;
  const shares = sensitive !== null && rng.chance(0.8);
  const units = service?.unit === 'month' ? rng.int(3, 6) : service?.unit === 'night' ? rng.int(7, 30) : rng.int(1, 12);
  const last = times[times.length - 1] as number;
  rows.referral.push({
    id,
    caseId: c.id,
    clientId: c.client.id,
    providerId: provider.id,
    serviceId: service?.id ?? null,
    reason: rng.pick(REFERRAL_REASONS[domain]),
    urgency,
    status,
    createdById: c.pcm.id,
    sharedCategories: shares && sensitive ? [sensitive] : [],
    estimatedCost: service?.cost ? service.cost * units : null,
    sentAt: sentAt === null ? null : at(sentAt),
    expectedResponseBy: sentAt === null ? null : at(sentAt + RESPONSE_DAYS[urgency] * DAY),
    acceptedAt: when('ACCEPTED') === null ? null : at(when('ACCEPTED')!),
    declinedAt: when('DECLINED') === null ? null : at(when('DECLINED')!),
    appointmentAt: appointmentAt === null ? null : at(appointmentAt),
    completedAt: when('COMPLETED') === null ? null : at(when('COMPLETED')!),
    advocacyNotes: rng.chance(0.2) ? rng.pick(ADVOCACY_NOTES) : null,
    outcomeNote: referralOutcome(rng, status),
    version: cancelledLate.length,
    ...stamp(start, last),
  });
  cancelledLate.forEach((to, i) => {
    const providerSide = to === 'ACCEPTED' || to === 'DECLINED' || to === 'IN_PROGRESS' || to === 'COMPLETED' || to === 'NO_SHOW';
    rows.referralEvent.push({
      id: rng.uuid(),
      referralId: id,
      // Provider-side changes are often relayed without a staff actor (portal, fax, phone).
      actorId: providerSide && rng.chance(0.4) ? null : c.pcm.id,
      at: at(times[i] as number),
      fromStatus: i === 0 ? null : (cancelledLate[i - 1] as ReferralStatus),
      toStatus: to,
      note: i === 0 ? 'Referral drafted' : providerSide ? `Provider update: ${to.toLowerCase().replace('_', ' ')}` : null,
      ...stamp(times[i] as number),
    });
  });
  c.referrals.push({ id, domain, providerId: provider.id, status, at: start });
  if (shares) c.client.referredProviders.push({ providerId: provider.id, domain, at: start });
}

function referralOutcome(rng: Random, status: ReferralStatus): string | null {
  switch (status) {
    case 'COMPLETED':
      return rng.pick(['Service completed; client satisfied.', 'Completed; provider sent summary.', 'Completed with follow-up recommended.']);
    case 'DECLINED':
      return rng.pick(['No capacity this quarter.', 'Client outside service area.', 'Client not eligible for program.']);
    case 'NO_SHOW':
      return rng.pick(['Client did not attend; rebooking offered.', 'Missed appointment; transport fell through.']);
    case 'CANCELLED':
      return rng.pick(['Client declined referral.', 'Need met elsewhere.', 'Referred to a closer provider instead.']);
    default:
      return null;
  }
}
