import { describe, expect, it } from 'vitest';
import { closeTo, readJsonl } from '../../test/support/shared.js';
import { UsageError } from '../core/errors.js';
import { aggregateRaters, type FleissMethod, fleissKappa } from './fleiss-kappa.js';

interface Case {
  id: string;
  input: { table: number[][]; raw: number[][] | null };
  options: { method: FleissMethod; n_categories?: number };
  expected: { kappa: number | null };
  published?: { kappa: number } | null;
}

const cases = readJsonl<Case>('reference', 'stats', 'fleiss_kappa.jsonl');

describe('fleissKappa = statsmodels 0.13.5 fleiss_kappa (every public vector, 1e-9 relative)', () => {
  it('has the public vectors', () => expect(cases.length).toBe(88));
  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    if (c.input.raw !== null) expect(aggregateRaters(c.input.raw, c.options.n_categories).table).toEqual(c.input.table);
    const kappa = fleissKappa(c.input.table, c.options.method);
    const expected = c.expected.kappa ?? Number.NaN;
    expect(closeTo(kappa, expected), `${kappa} vs ${expected}`).toBe(true);
  });
  it('reproduces the published Fleiss (1971) value 0.210', () => {
    const wiki = cases.find((c) => c.id === 'fleiss-public-wikipedia-fleiss') as Case;
    expect(Math.round(fleissKappa(wiki.input.table) * 1000) / 1000).toBe(0.21);
  });
});

describe('aggregateRaters', () => {
  it('uses the sorted distinct ratings as categories without nCategories', () => {
    expect(aggregateRaters([['b', 'a', 'b'], ['c', 'c', 'a']])).toEqual({ table: [[1, 2, 0], [1, 0, 2]], categories: ['a', 'b', 'c'] });
  });
  it('with nCategories, columns are 0..n-1 and other ratings are rejected', () => {
    expect(aggregateRaters([[0, 2], [2, 2]], 4)).toEqual({ table: [[1, 0, 1, 0], [0, 0, 2, 0]], categories: [0, 1, 2, 3] });
    expect(() => aggregateRaters([[0, 4]], 4)).toThrow(/integers 0..3/);
  });
});

describe('fleissKappa errors and resampling', () => {
  it('rejects unequal numbers of raters per subject', () => {
    expect(() => fleissKappa([[1, 1], [2, 1]])).toThrow(UsageError);
  });
  it('`rows` repeats subjects like a bigger table', () => {
    const table = [[2, 0, 1], [0, 3, 0], [1, 1, 1]];
    expect(fleissKappa(table, 'fleiss', [0, 0, 2])).toBe(fleissKappa([table[0], table[0], table[2]]));
  });
  it('randolph uses 1/categories as chance agreement', () => {
    // Perfect agreement in 2 of 3 subjects, 3 raters, 3 categories: P = (1 + 1 + 0)/3, Pe = 1/3.
    expect(closeTo(fleissKappa([[3, 0, 0], [0, 3, 0], [1, 1, 1]], 'randolph'), (2 / 3 - 1 / 3) / (1 - 1 / 3))).toBe(true);
  });
});
