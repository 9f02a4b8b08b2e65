// A client's consents to share information: with their organization, referred providers,
// family, and the few sensitive categories.
import type { ConsentCategory, ConsentStatus } from '../generated/prisma/enums.js';
import type { Chunk, ClientCtx } from './context.js';
import { DAY, HOUR, REF, at, stamp } from './reference.js';
import type { StaffInfo } from './run.js';

export function addConsents(chunk: Chunk, client: ClientCtx): void {
  const { rng } = chunk;
  const recorder = client.pcm?.active ? client.pcm : client.org.supervisor;
  const start = client.firstActivity + rng.int(0, 3) * DAY;
  addConsent(chunk, client, 'GENERAL', { organizationId: client.org.id }, start, recorder, rng.weightedKey<ConsentStatus>({ ACTIVE: 85, REVOKED: 5, EXPIRED: 10 }));
  for (const referral of client.referredProviders.slice(0, 2)) {
    const category: ConsentCategory = referral.domain === 'SUBSTANCE_USE' ? 'SUBSTANCE_USE' : 'MENTAL_HEALTH';
    addConsent(chunk, client, category, { providerId: referral.providerId }, referral.at - HOUR, recorder, rng.weightedKey<ConsentStatus>({ ACTIVE: 75, REVOKED: 15, EXPIRED: 10 }));
  }
  const emergency = client.relations.find((r) => r.emergency && r.consentToShare);
  if (emergency && rng.chance(0.5)) addConsent(chunk, client, 'GENERAL', { relatedPersonId: emergency.personId }, start, recorder, rng.weightedKey<ConsentStatus>({ ACTIVE: 85, REVOKED: 15 }));
  if (client.org.setting === 'SCHOOL' && rng.chance(0.4)) addConsent(chunk, client, 'EDUCATION', { organizationId: client.org.id }, start, recorder, 'ACTIVE');
  if (client.org.setting === 'CORRECTIONAL' && rng.chance(0.5)) {
    const community = chunk.run.orgs.filter((o) => o.setting === 'COMMUNITY');
    addConsent(chunk, client, 'CRIMINAL_JUSTICE', { organizationId: rng.pick(community).id }, start, recorder, rng.weightedKey<ConsentStatus>({ ACTIVE: 80, REVOKED: 20 }));
  }
  if (rng.chance(0.01)) {
    const medical = chunk.run.providersByKind.get('MEDICAL') ?? [];
    if (medical.length > 0) addConsent(chunk, client, 'HIV', { providerId: rng.pick(medical).id }, start, recorder, 'ACTIVE');
  }
}

function addConsent(
  chunk: Chunk,
  client: ClientCtx,
  category: ConsentCategory,
  grantee: { organizationId?: string; providerId?: string; relatedPersonId?: string },
  start: number,
  recorder: StaffInfo,
  status: ConsentStatus,
): void {
  const { rng, rows } = chunk;
  const periodStart = Math.min(start, REF - DAY);
  // Expired consents ran for a year; revoked ones were withdrawn part-way.
  const periodEnd = status === 'EXPIRED' ? Math.min(REF - DAY, periodStart + 365 * DAY) : status === 'ACTIVE' && rng.chance(0.5) ? Math.max(REF + 30 * DAY, periodStart + 365 * DAY) : null;
  const revokedAt = status === 'REVOKED' ? rng.timeBetween(periodStart, REF) : null;
  rows.consent.push({
    id: rng.uuid(),
    clientId: client.id,
    category,
    granteeOrganizationId: grantee.organizationId ?? null,
    granteeProviderId: grantee.providerId ?? null,
    granteeRelatedPersonId: grantee.relatedPersonId ?? null,
    periodStart: at(periodStart),
    periodEnd: periodEnd === null ? null : at(periodEnd),
    status,
    recordedById: recorder.id,
    revokedAt: revokedAt === null ? null : at(revokedAt),
    revokedById: revokedAt === null ? null : recorder.id,
    note: status === 'REVOKED' ? 'Client withdrew consent.' : null,
    version: status === 'ACTIVE' ? 1 : 2,
    ...stamp(periodStart, revokedAt ?? (status === 'EXPIRED' ? periodEnd! : periodStart)),
  });
}
