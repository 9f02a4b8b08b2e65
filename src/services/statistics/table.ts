// From the cube's rows (sql.ts) to the table `statistics` returns: one row per combination of
// period and dimension values, margins and grand total apart, each measure's cell with its
// suppression (suppression.ts) applied per count and carried to the rates and aggregates built
// on it.
import { COMPONENTS, FACTS, MEASURE_DEFS, type ComponentName, type Dimension, type FactName, type Measure, type TimeGrain } from './catalog.js';
import { factsOf, type StatisticsSqlRow } from './sql.js';
import { ROLLED_UP, suppressCells } from './suppression.js';

export interface StatisticsKey {
  dimension: Dimension;
  /** The value (an enum value, a region, or an entity's uuid); null: none recorded. */
  value: string | null;
  label: string | null;
  /** This row totals over the dimension. */
  total: boolean;
}

export interface StatisticsCell {
  measure: Measure;
  value: number | null;
  suppressed: boolean;
}

export interface StatisticsRow {
  period: Date | null;
  /** With a time grain: this row totals over the periods. */
  periodTotal: boolean;
  keys: StatisticsKey[];
  cells: StatisticsCell[];
}

export interface StatisticsTable {
  measures: readonly Measure[];
  dimensions: readonly Dimension[];
  timeGrain: TimeGrain | null;
  from: Date;
  to: Date;
  minCellSize: number;
  rows: StatisticsRow[];
  totals: StatisticsRow[];
}

interface Merged {
  coords: string[];
  period: Date | null;
  keys: StatisticsKey[];
  byFact: Map<FactName, StatisticsSqlRow['values']>;
}

const NONE = '\u0000none';

export function buildTable(
  request: { measures: readonly Measure[]; dimensions: readonly Dimension[]; timeGrain: TimeGrain | null; from: Date; to: Date },
  sqlRows: readonly StatisticsSqlRow[],
  minCellSize: number,
): StatisticsTable {
  const grain = request.timeGrain !== null;
  const width = (grain ? 1 : 0) + request.dimensions.length;
  const merged = new Map<string, Merged>();
  for (const row of sqlRows) {
    const rolled = (i: number) => ((row.g >> (width - 1 - i)) & 1) === 1;
    const coords: string[] = [];
    if (grain) coords.push(rolled(0) ? ROLLED_UP : (row.period?.toISOString() ?? NONE));
    const offset = grain ? 1 : 0;
    const keys = request.dimensions.map((dimension, i) => {
      const total = rolled(offset + i);
      coords.push(total ? ROLLED_UP : (row.keys[i] ?? NONE));
      return { dimension, value: total ? null : row.keys[i]!, label: total ? null : row.labels[i]!, total };
    });
    const id = JSON.stringify(coords);
    let entry = merged.get(id);
    if (!entry) merged.set(id, (entry = { coords, period: grain && !rolled(0) ? row.period : null, keys, byFact: new Map() }));
    entry.byFact.set(row.fact, row.values);
  }
  const entries = [...merged.values()].sort((a, b) => compareCoords(a.coords, b.coords));

  // Suppression per additive count, over the cells where its fact has a row.
  const suppressedBy = new Map<ComponentName, Map<Merged, boolean>>();
  for (const [fact, components] of factsOf(request.measures)) {
    const present = entries.filter((entry) => entry.byFact.has(fact));
    for (const component of components) {
      if (!COMPONENTS[component].additive) continue;
      const cells = present.map((entry) => ({ coords: entry.coords, n: countOf(entry, fact, component, grain) }));
      const flags = suppressCells(cells, minCellSize);
      suppressedBy.set(component, new Map(present.map((entry, i) => [entry, flags[i]!])));
    }
  }

  const rows: StatisticsRow[] = [];
  const totals: StatisticsRow[] = [];
  for (const entry of entries) {
    const cells = request.measures.map((measure) => cellOf(measure, entry, grain, suppressedBy));
    const out: StatisticsRow = { period: entry.period, periodTotal: grain && entry.coords[0] === ROLLED_UP, keys: entry.keys, cells };
    (entry.coords.includes(ROLLED_UP) ? totals : rows).push(out);
  }
  return { ...request, minCellSize, rows, totals };
}

/** A stock (open caseload) summed over periods is not a figure: it is left out. */
function countOf(entry: Merged, fact: FactName, component: ComponentName, grain: boolean): number | null {
  if (grain && FACTS[fact].openAt && entry.coords[0] === ROLLED_UP) return null;
  return Number(entry.byFact.get(fact)?.[component] ?? 0);
}

function cellOf(measure: Measure, entry: Merged, grain: boolean, suppressedBy: Map<ComponentName, Map<Merged, boolean>>): StatisticsCell {
  const def = MEASURE_DEFS[measure];
  const fact = COMPONENTS[def.kind === 'rate' ? def.denominator : def.value].fact;
  const values = entry.byFact.get(fact);
  const stockOverTime = grain && FACTS[fact].openAt && entry.coords[0] === ROLLED_UP;
  if (stockOverTime) return { measure, value: null, suppressed: false };
  if (def.guards.some((component) => suppressedBy.get(component)?.get(entry))) return { measure, value: null, suppressed: true };
  if (!values) return { measure, value: def.kind === 'count' ? 0 : null, suppressed: false };
  if (def.kind === 'rate') {
    const denominator = Number(values[def.denominator] ?? 0);
    return { measure, value: denominator > 0 ? Number(values[def.numerator] ?? 0) / denominator : null, suppressed: false };
  }
  const value = values[def.value];
  return { measure, value: value === null || value === undefined ? (def.kind === 'count' ? 0 : null) : Number(value), suppressed: false };
}

/** Periods in time order, totals last, then values in text order. */
function compareCoords(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i += 1) {
    if (a[i] === b[i]) continue;
    if (a[i] === ROLLED_UP) return 1;
    if (b[i] === ROLLED_UP) return -1;
    return a[i]! < b[i]! ? -1 : 1;
  }
  return 0;
}
