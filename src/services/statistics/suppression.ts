// Disclosure control for one count over a cube of cells (detail cells and every margin).
//
// Primary: a count of 1 to minCell - 1 is suppressed (0 and absent cells are shown: they say
// nobody). Complementary: every published total is the sum of its line (the cells that differ
// from it in one rolled-up coordinate), an equation `total = sum(line)`. An equation with exactly
// one suppressed member gives that member away, so another member is suppressed too (the
// smallest non-zero cell of the line, else the total), until no equation has exactly one.
// That fixed point can still leave a cell derivable from several equations together (a suppressed
// cell bridging two suppressed cycles of a 2-D table), so an audit then solves the equations
// over the suppressed cells (reduced row echelon form) and suppresses one more cell next to any
// cell it can determine, and the whole repeats.
export interface SuppressionCell {
  /** One entry per grouping column: a value, or ROLLED_UP for a total over that column. */
  coords: readonly string[];
  /** The count; null when it is not published as a sum (a stock summed over time). */
  n: number | null;
}

export const ROLLED_UP = '\u0000*';

/** Largest group of linked suppressed cells the audit solves (it is cubic in their number). */
const AUDIT_LIMIT = 400;

interface Equation {
  total: number;
  line: number[];
}

function equationsOf(cells: readonly SuppressionCell[]): Equation[] {
  const index = new Map<string, number>();
  cells.forEach((cell, i) => index.set(JSON.stringify(cell.coords), i));
  const lines = new Map<string, Equation>();
  cells.forEach((cell, i) => {
    if (cell.n === null) return;
    cell.coords.forEach((value, position) => {
      if (value === ROLLED_UP) return;
      const parentCoords = [...cell.coords];
      parentCoords[position] = ROLLED_UP;
      const parentKey = JSON.stringify(parentCoords);
      const total = index.get(parentKey);
      if (total === undefined || cells[total]!.n === null) return;
      const key = `${position}|${parentKey}`;
      const equation = lines.get(key) ?? { total, line: [] };
      equation.line.push(i);
      lines.set(key, equation);
    });
  });
  return [...lines.values()];
}

/** Which cells to suppress. */
export function suppressCells(cells: readonly SuppressionCell[], minCell: number): boolean[] {
  const suppressed = cells.map((cell) => cell.n !== null && cell.n > 0 && cell.n < minCell);
  if (!suppressed.some(Boolean)) return suppressed;
  const equations = equationsOf(cells);
  const n = (i: number) => cells[i]!.n ?? 0;
  /** Suppresses the smallest published member of an equation (line before total); false if none. */
  const suppressPartner = (equation: Equation): boolean => {
    const open = equation.line.filter((i) => !suppressed[i]).sort((a, b) => (n(a) > 0 ? n(a) : Infinity) - (n(b) > 0 ? n(b) : Infinity) || a - b);
    const pick = open[0] ?? (suppressed[equation.total] ? undefined : equation.total);
    if (pick === undefined) return false;
    suppressed[pick] = true;
    return true;
  };
  for (let round = 0; round < cells.length + 1; round += 1) {
    // Fixed point of the one-suppressed-member rule.
    let changed = true;
    while (changed) {
      changed = false;
      for (const equation of equations) {
        const members = [equation.total, ...equation.line];
        if (members.filter((i) => suppressed[i]).length === 1 && suppressPartner(equation)) changed = true;
      }
    }
    const exposed = determinedCells(equations, suppressed);
    if (exposed.length === 0) break;
    let progressed = false;
    for (const cell of exposed) {
      const equation = nearestOpenEquation(equations, suppressed, cell);
      if (equation && suppressPartner(equation)) progressed = true;
    }
    if (!progressed) break;
  }
  return suppressed;
}

/**
 * The equation nearest to a suppressed cell (through equations of suppressed cells) that still
 * has a published member: suppressing one there adds an unknown to the cell's equations.
 */
function nearestOpenEquation(equations: readonly Equation[], suppressed: readonly boolean[], cell: number): Equation | undefined {
  const seen = new Set([cell]);
  const used = new Set<Equation>();
  let frontier = [cell];
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const equation of equations) {
      if (used.has(equation)) continue;
      const members = [equation.total, ...equation.line];
      if (!members.some((i) => frontier.includes(i))) continue;
      if (members.some((i) => !suppressed[i])) return equation;
      used.add(equation);
      for (const i of members) if (!seen.has(i)) (seen.add(i), next.push(i));
    }
    frontier = next;
  }
  return undefined;
}

/**
 * Suppressed cells that the published cells and the equations determine exactly: cell x is
 * determined when the unit vector e_x lies in the row space of the equations restricted to the
 * suppressed cells, that is, when the reduced row echelon form has a row with x alone.
 */
export function determinedCells(equations: readonly Equation[], suppressed: readonly boolean[]): number[] {
  const rows = equations
    .map((e) => {
      const row = new Map<number, number>();
      if (suppressed[e.total]) row.set(e.total, -1);
      for (const i of e.line) if (suppressed[i]) row.set(i, 1);
      return row;
    })
    .filter((row) => row.size > 0);
  // Connected groups of suppressed cells (union-find over the equations that link them).
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  for (const row of rows) {
    const members = [...row.keys()];
    for (const m of members) if (!parent.has(m)) parent.set(m, m);
    for (const m of members.slice(1)) parent.set(find(m), find(members[0]!));
  }
  const groups = new Map<number, Array<Map<number, number>>>();
  for (const row of rows) {
    const root = find(row.keys().next().value!);
    groups.set(root, [...(groups.get(root) ?? []), row]);
  }
  const determined: number[] = [];
  for (const group of groups.values()) {
    const variables = [...new Set(group.flatMap((row) => [...row.keys()]))];
    if (variables.length > AUDIT_LIMIT) continue;
    const column = new Map(variables.map((v, i) => [v, i]));
    const matrix = group.map((row) => {
      const dense = new Array<number>(variables.length).fill(0);
      for (const [v, coefficient] of row) dense[column.get(v)!] = coefficient;
      return dense;
    });
    for (const row of rref(matrix)) {
      const nonzero = row.flatMap((value, i) => (Math.abs(value) > 1e-9 ? [i] : []));
      if (nonzero.length === 1) determined.push(variables[nonzero[0]!]!);
    }
  }
  return determined;
}

function rref(matrix: number[][]): number[][] {
  const rows = matrix.map((row) => [...row]);
  const width = rows[0]?.length ?? 0;
  let lead = 0;
  for (let col = 0; col < width && lead < rows.length; col += 1) {
    let pivot = lead;
    for (let r = lead + 1; r < rows.length; r += 1) if (Math.abs(rows[r]![col]!) > Math.abs(rows[pivot]![col]!)) pivot = r;
    if (Math.abs(rows[pivot]![col]!) < 1e-9) continue;
    [rows[lead], rows[pivot]] = [rows[pivot]!, rows[lead]!];
    const divisor = rows[lead]![col]!;
    rows[lead] = rows[lead]!.map((value) => value / divisor);
    for (let r = 0; r < rows.length; r += 1) {
      if (r === lead || Math.abs(rows[r]![col]!) < 1e-9) continue;
      const factor = rows[r]![col]!;
      rows[r] = rows[r]!.map((value, i) => value - factor * rows[lead]![i]!);
    }
    lead += 1;
  }
  return rows.slice(0, lead);
}

export { equationsOf };
