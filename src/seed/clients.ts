// One client: their cases and crises first (they decide the client's dates and risk), then the
// client row with relationships, identifiers and consents.
import type { Prisma } from '../generated/prisma/client.js';
import type { ClientStatus, Setting } from '../generated/prisma/enums.js';
import { buildCase, planCases } from './cases.js';
import { addConsents } from './consents.js';
import type { AgeGroup, Chunk, ClientCtx, Household, Relation } from './context.js';
import { addCrises } from './crises.js';
import { CULTURES } from './names.js';
import { maxRisk, needProfile } from './needs.js';
import { ascii, personName, phone } from './people.js';
import { DAY, REF, at, stamp } from './reference.js';
import type { OrgInfo, Run } from './run.js';

const IDENTIFIER_SYSTEM: Readonly<Record<Setting, { system: string; format: (n: number) => string } | null>> = {
  HOSPITAL: { system: 'MRN', format: (n) => `RGH${String(n).padStart(7, '0')}` },
  HOME_HEALTH: { system: 'MRN', format: (n) => `VHH${String(n).padStart(7, '0')}` },
  SCHOOL: { system: 'SCHOOL_ID', format: (n) => `S${String(n).padStart(7, '0')}` },
  CORRECTIONAL: { system: 'INMATE_NUMBER', format: (n) => `EC-${String(n).padStart(7, '0')}` },
  COMMUNITY: null,
  OTHER: null,
};

/** A unique, random-looking identifier value per (system, prefix). */
function nextIdentifier(run: Run, key: string, format: (n: number) => string): string {
  const seq = run.identifierSeq.get(key) ?? 0;
  run.identifierSeq.set(key, seq + 1);
  // 7919 is coprime with 10^7, so this permutes 0..9,999,999: unique and not sequential.
  return format((seq * 7919 + 1_000_003) % 10_000_000);
}

export function addClient(chunk: Chunk, h: Household, group: AgeGroup, relations: Relation[]): void {
  const { rng, rows } = chunk;
  chunk.remaining -= 1;
  const name = personName(rng, h.culture, undefined, group === 'child' ? h.family : rng.chance(0.8) ? h.family : undefined);
  const age = group === 'child' ? (h.org.setting === 'SCHOOL' ? rng.int(5, 18) : rng.int(0, 17)) : group === 'elder' ? rng.int(65, 97) : rng.int(19, 64);
  const dob = Math.floor((REF - age * 365.25 * DAY - rng.int(1, 364) * DAY) / DAY) * DAY;
  const status = rng.weightedKey<ClientStatus>(group === 'elder' ? { ACTIVE: 80, INACTIVE: 14, DECEASED: 6 } : { ACTIVE: 86, INACTIVE: 13, DECEASED: 1 });
  const client: ClientCtx = {
    id: rng.uuid(),
    org: h.org,
    region: h.address.region.name,
    born: dob,
    group,
    status,
    relations: normaliseRelations(relations),
    needs: needProfile(rng, h.org.setting, group),
    latestAssessment: null,
    openCrisisRisk: 'LOW',
    referredProviders: [],
    cases: [],
    firstActivity: REF,
    lastActivity: 0,
    pcm: null,
  };

  for (const plan of planCases(chunk, client)) client.cases.push(buildCase(chunk, client, plan));
  addCrises(chunk, client);
  addRelationships(chunk, client);
  addIdentifiers(chunk, client);
  addConsents(chunk, client);

  const language = h.culture !== 'en' && rng.chance(group === 'child' ? 0.4 : group === 'elder' ? 0.85 : 0.6) ? CULTURES[h.culture].language : 'en';
  const created = client.firstActivity - rng.int(0, 3) * DAY;
  const row: Prisma.ClientCreateManyInput = {
    id: client.id,
    organizationId: h.org.id,
    givenName: name.given,
    familyName: name.family,
    preferredName: (h.culture === 'zh' || h.culture === 'vi') && rng.chance(0.2) ? rng.pick(['Kevin', 'Amy', 'Tony', 'Lily', 'Vivian', 'Jimmy', 'Annie']) : null,
    dateOfBirth: at(dob),
    gender: name.gender,
    preferredLanguage: language,
    phone: group !== 'child' && rng.chance(0.9) ? phone(rng, h.address.region) : null,
    email: group === 'adult' && rng.chance(0.45) ? `${ascii(name.given)}${rng.int(1, 999)}@example.com` : null,
    addressLine: h.address.line,
    city: h.address.city,
    postalCode: h.address.postalCode,
    region: h.address.region.name,
    status,
    riskLevel: maxRisk(client.latestAssessment?.risk ?? 'LOW', client.openCrisisRisk),
    mergedIntoId: null,
    version: 1,
    ...stamp(created, Math.max(created, client.lastActivity)),
  };
  rows.client.push(row);
  if (chunk.remaining > 0 && rng.chance(0.006)) addMergedDuplicate(chunk, row);
}

/** A record registered twice and later merged: same person, a spelling variant, history kept. */
function addMergedDuplicate(chunk: Chunk, survivor: Prisma.ClientCreateManyInput): void {
  const { rng, rows } = chunk;
  chunk.remaining -= 1;
  const id = rng.uuid();
  const created = Math.min(REF - 2 * DAY, (survivor.createdAt as Date).getTime() + rng.int(1, 200) * DAY);
  const merged = rng.timeBetween(created, Math.min(REF, created + 60 * DAY));
  const given = survivor.givenName;
  rows.client.push({
    ...survivor,
    id,
    givenName: rng.chance(0.5) ? given.normalize('NFD').replace(/[\u0300-\u036f]/g, '') : given.slice(0, -1) + given.slice(-1).toLowerCase(),
    familyName: rng.chance(0.5) ? survivor.familyName.toUpperCase() : survivor.familyName,
    email: null,
    status: 'INACTIVE',
    riskLevel: 'LOW',
    mergedIntoId: survivor.id,
    version: 2,
    ...stamp(created, merged),
  });
  // The survivor's identifiers are among this household's rows, not yet taken by the writer.
  const identifier = rows.clientIdentifier.find((i) => i.clientId === survivor.id);
  if (identifier) rows.clientIdentifier.push({ ...identifier, id: rng.uuid(), clientId: id, ...stamp(created) });
}

function normaliseRelations(relations: Relation[]): Relation[] {
  const seen = new Set<string>();
  const out = relations.filter((r) => {
    const key = `${r.personId}|${r.relationship}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (out.length > 0 && !out.some((r) => r.emergency)) out[0] = { ...out[0]!, emergency: true };
  return out;
}

function addRelationships(chunk: Chunk, client: ClientCtx): void {
  const { rng, rows } = chunk;
  const since = client.firstActivity - rng.int(0, 30) * DAY;
  client.relations.forEach((r, i) => {
    const legalGuardian = client.group === 'child' && (i === 0 || (r.relationship === 'PARENT' && rng.chance(0.8)));
    rows.clientRelationship.push({
      id: rng.uuid(),
      clientId: client.id,
      relatedPersonId: r.personId,
      relationship: r.relationship,
      isEmergencyContact: r.emergency,
      isCaregiver: r.relationship === 'CAREGIVER' || (client.group === 'elder' && r.livesWith) || (client.group === 'child' && r.livesWith && i === 0),
      isLegalGuardian: legalGuardian,
      livesWithClient: r.livesWith,
      consentToShare: r.consentToShare || legalGuardian,
      startedAt: r.relationship === 'CAREGIVER' ? at(since) : null,
      endedAt: r.relationship === 'CAREGIVER' && client.status !== 'ACTIVE' ? at(Math.max(since, client.lastActivity)) : null,
      version: 1,
      ...stamp(since),
    });
  });
}

function addIdentifiers(chunk: Chunk, client: ClientCtx): void {
  const { run, rng, rows } = chunk;
  const orgs = new Set<OrgInfo>([client.org, ...client.cases.map((c) => c.org)]);
  for (const org of orgs) {
    const spec = IDENTIFIER_SYSTEM[org.setting];
    if (!spec) continue;
    rows.clientIdentifier.push({ id: rng.uuid(), clientId: client.id, system: spec.system, value: nextIdentifier(run, `${spec.system}|${org.tpl.key}`, spec.format), ...stamp(client.firstActivity) });
  }
  if (client.group !== 'child' && rng.chance(0.45)) {
    rows.clientIdentifier.push({ id: rng.uuid(), clientId: client.id, system: 'MEDICAID_ID', value: nextIdentifier(run, 'MEDICAID_ID', (n) => `WA${String(n).padStart(8, '0')}`), ...stamp(client.firstActivity) });
  }
}
