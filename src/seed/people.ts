// Names, contact details and addresses of people.
import { CULTURES, type CultureKey, REGIONS, type Region, STREETS } from './names.js';
import type { Random } from './random.js';

export interface PersonName {
  given: string;
  family: string;
  gender: 'female' | 'male' | 'non-binary';
  culture: CultureKey;
}

export function personName(rng: Random, culture: CultureKey, gender?: PersonName['gender'], family?: string): PersonName {
  const c = CULTURES[culture];
  const g = gender ?? rng.weighted<PersonName['gender']>([['female', 49], ['male', 49], ['non-binary', 2]]);
  const list = g === 'female' ? c.female : g === 'male' ? c.male : rng.chance(0.5) ? c.female : c.male;
  return { given: rng.pick(list), family: family ?? rng.pick(c.family), gender: g, culture };
}

export function ascii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[łŁ]/g, 'l')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

export function phone(rng: Random, region: Region): string {
  return `(${region.areaCode}) 555-${String(rng.int(0, 9999)).padStart(4, '0')}`;
}

export function street(rng: Random): string {
  const line = `${rng.int(10, 9899)} ${rng.pick(STREETS)}`;
  return rng.chance(0.3) ? `${line}, Apt ${rng.int(1, 30)}${rng.pick(['', 'A', 'B', 'C'])}` : line;
}

export function postalCode(rng: Random, region: Region): string {
  return `${region.postalPrefix}${String(rng.int(0, 99)).padStart(2, '0')}`;
}

export function regionNamed(name: string): Region {
  const region = REGIONS.find((r) => r.name === name);
  if (!region) throw new Error(`unknown region ${name}`);
  return region;
}

export const STAFF_CULTURES: readonly (readonly [CultureKey, number])[] = [['en', 64], ['es', 18], ['vi', 4], ['zh', 4], ['tl', 4], ['ar', 3], ['so', 1], ['pl', 2]];
