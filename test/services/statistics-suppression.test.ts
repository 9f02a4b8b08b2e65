// The suppression function over random tables: small counts are withheld, and no withheld
// count can be computed from the published cells and margins (statistics-attack.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROLLED_UP, suppressCells } from '../../src/services/statistics/suppression.js';
import { cubeOf, recoverable, ROLLED } from './statistics-attack.js';

const MIN = 11;

function run(detail: Array<{ coords: string[]; n: number }>) {
  const cube = cubeOf(detail);
  const flags = suppressCells(cube.map((cell) => ({ coords: cell.coords.map((v) => (v === ROLLED ? ROLLED_UP : v)), n: cell.n })), MIN);
  return { cube, flags, published: cube.map((cell, i) => ({ coords: cell.coords, value: flags[i] ? null : cell.n })) };
}

/** A table of `shape` (values per dimension) with counts mostly large, some small, some zero. */
const table = (shape: number[]) =>
  fc.array(fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 11, max: 60 }) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 10 }) }, { weight: 1, arbitrary: fc.constant(0) }), {
    minLength: shape.reduce((a, b) => a * b, 1),
    maxLength: shape.reduce((a, b) => a * b, 1),
  }).map((values) =>
    values.map((n, index) => {
      const coords: string[] = [];
      let rest = index;
      for (const size of shape) {
        coords.push(`v${rest % size}`);
        rest = Math.floor(rest / size);
      }
      return { coords, n };
    }),
  );

const shapes = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 8 })).map((s) => [...s]),
  fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 })).map((s) => [...s]),
  fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 })).map((s) => [...s]),
);

describe('suppressCells', () => {
  it('withholds every count from 1 to the threshold minus 1', () => {
    fc.assert(
      fc.property(shapes.chain(table), (detail) => {
        const { cube, flags } = run(detail);
        cube.forEach((cell, i) => {
          if (cell.n > 0 && cell.n < MIN) expect(flags[i]).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('leaves no withheld count computable from the published cells and margins', () => {
    fc.assert(
      fc.property(shapes.chain(table), (detail) => {
        const { published } = run(detail);
        expect(recoverable(published)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('the attacker is real: primary suppression alone gives cells away', () => {
    // One small cell in a row whose total is published: total minus the rest.
    const cube = cubeOf([
      { coords: ['a', 'x'], n: 3 }, { coords: ['a', 'y'], n: 20 },
      { coords: ['b', 'x'], n: 30 }, { coords: ['b', 'y'], n: 40 },
    ]);
    const primaryOnly = cube.map((cell) => ({ coords: cell.coords, value: cell.n < MIN ? null : cell.n }));
    expect(recoverable(primaryOnly)).toEqual([['a', 'x']]);
    const { published } = run([
      { coords: ['a', 'x'], n: 3 }, { coords: ['a', 'y'], n: 20 },
      { coords: ['b', 'x'], n: 30 }, { coords: ['b', 'y'], n: 40 },
    ]);
    expect(published.filter((cell) => cell.value === null).length).toBeGreaterThanOrEqual(4);
  });

  it('a suppressed cell bridging two suppressed cycles is caught by the audit', () => {
    // Rows a,b,c,d and columns w,x,y,z: two 2x2 blocks of small cells linked by one small cell.
    const n = (row: string, col: string) =>
      ({ 'a w': 2, 'a x': 3, 'b w': 4, 'b x': 5, 'c y': 2, 'c z': 3, 'd y': 4, 'd z': 5, 'b y': 6 } as Record<string, number>)[`${row} ${col}`] ?? 50;
    const detail = ['a', 'b', 'c', 'd'].flatMap((row) => ['w', 'x', 'y', 'z'].map((col) => ({ coords: [row, col], n: n(row, col) })));
    expect(recoverable(run(detail).published)).toEqual([]);
  });
});
