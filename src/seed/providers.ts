// Providers that clients are referred to, and the services each offers.
import type { ProviderKind } from '../generated/prisma/enums.js';
import { CULTURES, CULTURE_WEIGHTS, PAYERS, PLACE_WORDS, PRACTITIONER_TITLES, PROVIDER_NAMES, REGIONS, RELATED_KINDS, type Region, SERVICES } from './names.js';
import { STAFF_CULTURES, ascii, personName, phone, street } from './people.js';
import type { Random } from './random.js';
import { DAY, REF, stamp } from './reference.js';
import { type ProviderInfo, type Run, pushTo } from './run.js';
import type { Batch } from './tables.js';

const PROVIDER_COUNT = 150;
const PROVIDER_KIND_WEIGHTS: Readonly<Record<ProviderKind, number>> = {
  MEDICAL: 18, MENTAL_HEALTH: 16, SUBSTANCE_USE: 10, HOUSING: 14, EMPLOYMENT: 9, FINANCIAL: 8, LEGAL: 7,
  COUNSELLING: 12, EDUCATION: 8, FOOD: 10, TRANSPORT: 7, CHILDCARE: 6, OTHER: 5,
};
const PROVIDER_KINDS = Object.keys(PROVIDER_KIND_WEIGHTS) as ProviderKind[];

export function addProviders(run: Run, rng: Random, rows: Batch): void {
  const names = new Set<string>();
  for (let i = 0; i < PROVIDER_COUNT; i++) {
    // The first providers cover every kind in every region, so a need always finds local options.
    const combos = PROVIDER_KINDS.length * REGIONS.length;
    const kind = i < combos ? (PROVIDER_KINDS[i % PROVIDER_KINDS.length] as ProviderKind) : rng.weightedKey(PROVIDER_KIND_WEIGHTS);
    const region = i < combos ? (REGIONS[Math.floor(i / PROVIDER_KINDS.length)] as Region) : rng.pick(REGIONS);
    addProvider(run, rng, rows, kind, region, names);
  }
}

function addProvider(run: Run, rng: Random, rows: Batch, kind: ProviderKind, region: Region, names: Set<string>): void {
  const titles = PRACTITIONER_TITLES[kind];
  const isOrganization = !titles || rng.chance(0.8);
  const city = rng.pick(region.cities);
  let name = '';
  for (let attempt = 0; attempt < 10 && (!name || names.has(name)); attempt++) {
    if (isOrganization) {
      const place = rng.chance(0.6) ? rng.pick(region.cities) : rng.pick(PLACE_WORDS);
      name = rng.pick(PROVIDER_NAMES[kind]).replace('{place}', place);
    } else {
      const person = personName(rng, rng.weighted(STAFF_CULTURES));
      const title = rng.pick(titles ?? ['']);
      name = title === 'MD' || title === 'DO' ? `Dr. ${person.given} ${person.family}` : `${person.given} ${person.family}, ${title}`;
    }
  }
  if (names.has(name)) name = `${name} (${city})`;
  names.add(name);

  const id = rng.uuid();
  const created = REF - rng.int(200, 3000) * DAY;
  const languages = ['en', ...rng.sample(CULTURE_WEIGHTS.map(([c]) => CULTURES[c].language).filter((l) => l !== 'en'), rng.weighted([[0, 4], [1, 4], [2, 2], [3, 1]]))];
  rows.provider.push({
    id,
    name,
    kind,
    isOrganization,
    region: region.name,
    addressLine: street(rng),
    city,
    latitude: Math.round((region.latitude + rng.float(-0.08, 0.08)) * 1e5) / 1e5,
    longitude: Math.round((region.longitude + rng.float(-0.1, 0.1)) * 1e5) / 1e5,
    phone: phone(rng, region),
    email: `intake@${ascii(name).slice(0, 24)}.example.org`,
    languages,
    acceptingNewClients: rng.chance(0.85),
    active: rng.chance(0.96),
    ...stamp(created, created + rng.int(0, 150) * DAY),
  });
  const info: ProviderInfo = { id, kind, region: region.name, services: [] };
  addServices(rng, rows, info, created, isOrganization ? rng.int(1, 4) : rng.int(1, 2));
  run.providers.push(info);
  pushTo(run.providersByKindRegion, `${kind}|${region.name}`, info);
  for (const k of new Set(info.services.map((s) => s.type))) pushTo(run.providersByKind, k, info);
  if (!info.services.some((s) => s.type === kind)) pushTo(run.providersByKind, kind, info);
}

function addServices(rng: Random, rows: Batch, provider: ProviderInfo, created: number, count: number): void {
  const used = new Set<string>();
  for (let i = 0; i < count; i++) {
    const type = i === 0 || rng.chance(0.6) ? provider.kind : rng.pick(RELATED_KINDS[provider.kind]);
    const template = rng.pick(SERVICES[type]);
    if (used.has(template.name)) continue;
    used.add(template.name);
    const [low, high] = template.cost;
    const cost = high === 0 ? 0 : Math.round(rng.float(low, high) / 5) * 5;
    const capacity = rng.pick([8, 12, 20, 25, 40, 60, 100, 150]);
    const openSlots = rng.chance(0.2) ? 0 : rng.int(1, Math.max(1, Math.floor(capacity * 0.4)));
    const payers = cost === 0 ? ['No cost'] : rng.sample(PAYERS, rng.int(1, 4));
    const id = rng.uuid();
    rows.providerService.push({
      id,
      providerId: provider.id,
      serviceType: type,
      name: template.name,
      description: rng.chance(0.5) ? `${template.name} for adults and families in the ${provider.region} area.` : null,
      costPerUnit: cost,
      costUnit: template.unit,
      acceptedPayers: payers,
      capacity,
      openSlots,
      typicalWaitDays: rng.int(template.waitDays[0], template.waitDays[1]),
      active: rng.chance(0.95),
      ...stamp(created, created + rng.int(0, 400) * DAY),
    });
    provider.services.push({ id, type, cost: cost === 0 ? null : cost, unit: template.unit });
  }
}
