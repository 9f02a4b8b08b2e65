// An attacker for disclosure tests: from the published cells of a cube (detail cells and every
// margin; absent cells are zeros) and the fact that each margin is the sum of the cells it
// totals, which suppressed cells can be computed exactly? Linear algebra over the unknowns: x is
// determined when adding the unit row e_x to the equations does not raise their rank.
export const ROLLED = '*';

export interface PublishedCell {
  coords: string[];
  /** null: suppressed. */
  value: number | null;
}

function rank(rows: number[][]): number {
  const m = rows.map((row) => [...row]);
  let r = 0;
  const width = m[0]?.length ?? 0;
  for (let c = 0; c < width && r < m.length; c += 1) {
    let best = r;
    for (let i = r + 1; i < m.length; i += 1) if (Math.abs(m[i]![c]!) > Math.abs(m[best]![c]!)) best = i;
    if (Math.abs(m[best]![c]!) < 1e-9) continue;
    [m[r], m[best]] = [m[best]!, m[r]!];
    for (let i = r + 1; i < m.length; i += 1) {
      const f = m[i]![c]! / m[r]![c]!;
      for (let j = c; j < width; j += 1) m[i]![j]! -= f * m[r]![j]!;
    }
    r += 1;
  }
  return r;
}

export function recoverable(cells: readonly PublishedCell[]): string[][] {
  const key = (coords: readonly string[]) => JSON.stringify(coords);
  const byKey = new Map(cells.map((cell) => [key(cell.coords), cell]));
  const unknown = cells.filter((cell) => cell.value === null);
  const column = new Map(unknown.map((cell, i) => [key(cell.coords), i]));
  const equations: number[][] = [];
  for (const total of cells) {
    total.coords.forEach((value, p) => {
      if (value !== ROLLED) return;
      // total = sum of the present cells equal to it but for a value at position p.
      const children = cells.filter((cell) => cell.coords[p] !== ROLLED && cell.coords.every((v, i) => i === p || v === total.coords[i]));
      if (children.length === 0) return;
      const row = new Array<number>(unknown.length).fill(0);
      let touches = false;
      for (const [sign, cell] of [[1, total] as const, ...children.map((child) => [-1, child] as const)]) {
        const i = column.get(key(cell.coords));
        if (i !== undefined) { row[i]! += sign; touches = true; }
      }
      if (touches) equations.push(row);
    });
  }
  void byKey;
  const base = rank(equations);
  return unknown
    .filter((_, i) => {
      const unit = new Array<number>(unknown.length).fill(0);
      unit[i] = 1;
      return rank([...equations, unit]) === base;
    })
    .map((cell) => cell.coords);
}

/** The cube of a table of detail counts: every margin (sums), zero detail cells left out as SQL does. */
export function cubeOf(detail: ReadonlyArray<{ coords: string[]; n: number }>): Array<{ coords: string[]; n: number }> {
  const sums = new Map<string, { coords: string[]; n: number }>();
  for (const cell of detail) {
    if (cell.n === 0) continue;
    const width = cell.coords.length;
    for (let mask = 0; mask < 1 << width; mask += 1) {
      const coords = cell.coords.map((v, i) => ((mask >> i) & 1 ? ROLLED : v));
      const k = JSON.stringify(coords);
      const entry = sums.get(k) ?? { coords, n: 0 };
      entry.n += cell.n;
      sums.set(k, entry);
    }
  }
  return [...sums.values()];
}
