// A chunk of clients, household by household: the family or carers around them first, then the
// clients themselves (./clients.ts).
import type { Relationship, Setting } from '../generated/prisma/enums.js';
import { addClient } from './clients.js';
import type { AgeGroup, Chunk, Household, Relation } from './context.js';
import { CULTURES, CULTURE_WEIGHTS, type CultureKey, REGIONS } from './names.js';
import { type PersonName, ascii, personName, phone, postalCode, street } from './people.js';
import { Random } from './random.js';
import { DAY, REF, idTime, stamp } from './reference.js';
import type { Run } from './run.js';
import { type Batch, emptyBatch } from './tables.js';

/**
 * Generates chunk `index` of `size` clients a household at a time, yielding the chunk's rows after
 * each: the caller may take them away (encode and empty the arrays) or let them pile up. Taken
 * rows die young, which is most of what garbage collection cost when a whole chunk's objects were
 * kept until written. No generator looks back at rows of an earlier household.
 */
export function* generateChunk(run: Run, index: number, size: number): Generator<Batch, void, void> {
  const chunk: Chunk = { run, rng: new Random(`${run.seed}/clients/${index}`, idTime(index)), rows: emptyBatch(), caregivers: [], remaining: size };
  while (chunk.remaining > 0) {
    addHousehold(chunk);
    yield chunk.rows;
  }
}

const ORG_CULTURE_SHIFT: Readonly<Record<string, Partial<Record<CultureKey, number>>>> = {
  harbor: { so: 4, vi: 3, zh: 2 },
  eastgate: { es: 4 },
  westfield: { tl: 3, es: 3, ar: 2 },
};

function addHousehold(chunk: Chunk): void {
  const { run, rng } = chunk;
  const org = rng.weighted(run.orgs.map((o) => [o, o.tpl.weight] as const));
  const group = ageGroupFor(rng, org.setting);
  const shift = ORG_CULTURE_SHIFT[org.tpl.key] ?? {};
  const culture = rng.weighted(CULTURE_WEIGHTS.map(([c, w]) => [c, w + (shift[c] ?? 0)] as const));
  const region = rng.chance(0.8) ? org.region : rng.pick(REGIONS);
  const household: Household = {
    org,
    culture,
    family: rng.pick(CULTURES[culture].family),
    address: { region, city: rng.pick(region.cities), line: street(rng), postalCode: postalCode(rng, region) },
  };
  if (group === 'child') addChildHousehold(chunk, household);
  else if (group === 'elder') addElderHousehold(chunk, household);
  else addAdultHousehold(chunk, household);
}

function ageGroupFor(rng: Random, setting: Setting): AgeGroup {
  switch (setting) {
    case 'SCHOOL':
      return 'child';
    case 'CORRECTIONAL':
      return 'adult';
    case 'HOME_HEALTH':
      return rng.chance(0.8) ? 'elder' : 'adult';
    case 'HOSPITAL':
      return rng.weighted<AgeGroup>([['child', 10], ['adult', 50], ['elder', 40]]);
    default:
      return rng.weighted<AgeGroup>([['child', 15], ['adult', 65], ['elder', 20]]);
  }
}

/** Siblings who are clients share their parents (or the grandparent or guardian raising them). */
function addChildHousehold(chunk: Chunk, h: Household): void {
  const { rng } = chunk;
  const children = Math.min(chunk.remaining, rng.weighted([[1, 78], [2, 18], [3, 4]]));
  const raisedBy = rng.weightedKey<Relationship>({ PARENT: 85, GRANDPARENT: 10, GUARDIAN: 5 });
  const relations: Relation[] = [];
  if (raisedBy === 'PARENT') {
    relations.push(relatedPerson(chunk, h, 'PARENT', { livesWith: true, emergency: true, family: h.family, gender: rng.chance(0.85) ? 'female' : 'male', age: 38 }));
    if (rng.chance(0.55)) relations.push(relatedPerson(chunk, h, 'PARENT', { livesWith: rng.chance(0.8), emergency: false, family: rng.chance(0.7) ? h.family : undefined, age: 40 }));
    if (rng.chance(0.25)) relations.push(relatedPerson(chunk, h, 'GRANDPARENT', { livesWith: false, emergency: false, age: 68 }));
  } else {
    const family = raisedBy === 'GRANDPARENT' ? h.family : undefined;
    relations.push(relatedPerson(chunk, h, raisedBy, { livesWith: true, emergency: true, family, gender: rng.chance(0.8) ? 'female' : 'male', age: raisedBy === 'GRANDPARENT' ? 64 : 45 }));
  }
  for (let i = 0; i < children; i++) addClient(chunk, h, 'child', relations.map((r) => ({ ...r })));
}

function addAdultHousehold(chunk: Chunk, h: Household): void {
  const { rng } = chunk;
  const relations: Relation[] = [];
  if (rng.chance(0.4)) relations.push(relatedPerson(chunk, h, 'SPOUSE_PARTNER', { livesWith: rng.chance(0.85), emergency: true, age: 40 }));
  if (rng.chance(0.3)) relations.push(relatedPerson(chunk, h, 'PARENT', { livesWith: rng.chance(0.3), emergency: relations.length === 0, family: h.family, age: 62 }));
  if (rng.chance(0.25)) relations.push(relatedPerson(chunk, h, 'SIBLING', { livesWith: false, emergency: relations.length === 0, family: h.family, age: 38 }));
  if (rng.chance(0.15)) relations.push(relatedPerson(chunk, h, rng.chance(0.7) ? 'FRIEND' : 'NEIGHBOR', { livesWith: false, emergency: relations.length === 0, age: 40 }));
  // Sometimes two adult siblings are both clients and share the parent above.
  const clients = chunk.remaining >= 2 && relations.some((r) => r.relationship === 'PARENT') && rng.chance(0.12) ? 2 : 1;
  for (let i = 0; i < clients; i++) {
    const own = i === 0 ? relations : relations.filter((r) => r.relationship === 'PARENT');
    addClient(chunk, h, 'adult', own.map((r) => ({ ...r })));
  }
}

/** Older clients: adult children, a spouse, often a paid caregiver shared with another client. */
function addElderHousehold(chunk: Chunk, h: Household): void {
  const { rng } = chunk;
  const relations: Relation[] = [];
  const childrenCount = rng.weighted([[0, 25], [1, 45], [2, 30]]);
  for (let i = 0; i < childrenCount; i++) {
    relations.push(relatedPerson(chunk, h, 'CHILD', { livesWith: rng.chance(0.15), emergency: i === 0, family: rng.chance(0.6) ? h.family : undefined, age: 50 }));
  }
  const couple = chunk.remaining >= 2 && rng.chance(0.12);
  const spouse = !couple && rng.chance(0.4) ? relatedPerson(chunk, h, 'SPOUSE_PARTNER', { livesWith: true, emergency: childrenCount === 0, family: h.family, age: 78 }) : null;
  if (spouse) relations.push(spouse);
  const caregiver = rng.chance(h.org.setting === 'HOME_HEALTH' ? 0.6 : 0.25) ? paidCaregiver(chunk, h) : null;
  if (caregiver) relations.push(caregiver);
  if (rng.chance(0.15)) relations.push(relatedPerson(chunk, h, 'NEIGHBOR', { livesWith: false, emergency: relations.length === 0, age: 60 }));
  for (let i = 0; i < (couple ? 2 : 1); i++) {
    addClient(chunk, h, 'elder', relations.map((r) => ({ ...r })));
  }
}

/** Caregivers in the chunk serve up to three clients each. */
function paidCaregiver(chunk: Chunk, h: Household): Relation {
  const { rng } = chunk;
  const available = chunk.caregivers.filter((c) => c.clients < 3);
  if (available.length > 0 && rng.chance(0.6)) {
    const reused = rng.pick(available);
    reused.clients += 1;
    return { personId: reused.id, relationship: 'CAREGIVER', livesWith: false, emergency: false, consentToShare: true, name: reused.name };
  }
  const relation = relatedPerson(chunk, { ...h, culture: rng.weighted(CULTURE_WEIGHTS) }, 'CAREGIVER', { livesWith: false, emergency: false, age: 45 });
  relation.consentToShare = true;
  chunk.caregivers.push({ id: relation.personId, name: relation.name, clients: 1 });
  return relation;
}

export function relatedPerson(
  chunk: Chunk,
  h: Household,
  relationship: Relationship,
  options: { livesWith: boolean; emergency: boolean; family?: string; gender?: PersonName['gender']; age: number },
): Relation {
  const { rng } = chunk;
  const name = personName(rng, h.culture, options.gender ?? (rng.chance(0.5) ? 'female' : 'male'), options.family);
  const id = rng.uuid();
  const created = REF - rng.int(30, 2000) * DAY;
  const language = h.culture !== 'en' && rng.chance(options.age > 55 ? 0.8 : 0.5) ? CULTURES[h.culture].language : 'en';
  chunk.rows.relatedPerson.push({
    id,
    givenName: name.given,
    familyName: name.family,
    phone: rng.chance(0.92) ? phone(rng, h.address.region) : null,
    email: rng.chance(0.4) ? `${ascii(name.given)}.${ascii(name.family)}${rng.int(1, 99)}@example.com` : null,
    addressLine: options.livesWith ? h.address.line : rng.chance(0.5) ? street(rng) : null,
    preferredLanguage: language,
    ...stamp(created),
  });
  return { personId: id, relationship, livesWith: options.livesWith, emergency: options.emergency, consentToShare: rng.chance(0.6), name: `${name.given} ${name.family}` };
}
