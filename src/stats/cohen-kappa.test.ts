import { describe, expect, it } from 'vitest';
import { closeTo, readJsonl } from '../../test/support/shared.js';
import { UsageError } from '../core/errors.js';
import { cohenKappa, cohenKappaCodes, type KappaWeights } from './cohen-kappa.js';
import type { Label } from './labels.js';

interface Case {
  id: string;
  input: { y1: Label[]; y2: Label[] };
  options: { weights: KappaWeights | null; labels: Label[] | null };
  expected: { kappa: number | null };
}

const cases = readJsonl<Case>('reference', 'stats', 'cohen_kappa.jsonl');

describe('cohenKappa = sklearn 1.2.1 cohen_kappa_score (every public vector, 1e-9 relative)', () => {
  it('has the public vectors', () => expect(cases.length).toBe(175));
  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const kappa = cohenKappa(c.input.y1, c.input.y2, c.options);
    const expected = c.expected.kappa ?? Number.NaN;
    expect(closeTo(kappa, expected), `${kappa} vs ${expected}`).toBe(true);
  });
});

describe('cohenKappa details', () => {
  it('orders string labels by code point as np.unique does (astral after BMP)', () => {
    expect(cohenKappaCodes(['b', '😀', 'a'], ['\uffff', 'a', 'b']).labels).toEqual(['a', 'b', '\uffff', '😀']);
  });
  it('weights use the label position, not its value', () => {
    // Same ratings relabelled 1,2,3 -> 1,10,100: identical weighted kappa.
    const y1 = [1, 2, 3, 1, 2, 3, 3];
    const y2 = [1, 3, 3, 2, 2, 1, 3];
    const map = (y: number[]) => y.map((v) => 10 ** (v - 1));
    expect(cohenKappa(map(y1), map(y2), { weights: 'quadratic' })).toBe(cohenKappa(y1, y2, { weights: 'quadratic' }));
    // By hand: confusion [[1,1,0],[0,1,1],[1,0,2]], margins 2,2,3 (n 7); sum |i-j| O = 4,
    // sum |i-j| E = 44/7, so kappa = 1 - 28/44 = 4/11 (sklearn: 0.36363636363636354).
    expect(closeTo(cohenKappa(y1, y2, { weights: 'linear' }), 4 / 11)).toBe(true);
    expect(closeTo(cohenKappa(y1, y2, { weights: 'quadratic' }), 0.38235294117647056)).toBe(true);
    expect(closeTo(cohenKappa(y1, y2), 0.34375)).toBe(true);
  });
  it('drops ratings outside an explicit label list, as sklearn does', () => {
    expect(cohenKappa([0, 1, 2, 1], [0, 1, 1, 1], { labels: [0, 1] })).toBe(1);
  });
  it('rejects unusable input', () => {
    expect(() => cohenKappa([1, 2], [1])).toThrow(UsageError);
    expect(() => cohenKappa([1, 'a'], [1, 1])).toThrow(/mix numbers and text/);
    expect(() => cohenKappa([1, 2], [1, 2], { labels: [5] })).toThrow(/must occur in the first rater/);
  });
});
