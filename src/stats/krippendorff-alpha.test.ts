import { describe, expect, it } from 'vitest';
import { closeTo, readJsonl } from '../../test/support/shared.js';
import { Rng } from '../core/rng.js';
import { UsageError } from '../core/errors.js';
import { type AlphaLevel, alphaFromUnits, alphaUnits, krippendorffAlpha, type Rating } from './krippendorff-alpha.js';

interface Case {
  id: string;
  input: { reliability_data: Rating[][] };
  options: { level_of_measurement: AlphaLevel };
  expected: { alpha: number | null };
  published?: { alpha: number; decimals: number };
  verified?: boolean;
}

const cases = readJsonl<Case>('reference', 'stats', 'krippendorff.jsonl');

describe('krippendorffAlpha = NLTK 3.8 AnnotationTask.alpha (every public vector, 1e-9 relative)', () => {
  it('has the public vectors', () => expect(cases.length).toBe(38));
  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const alpha = krippendorffAlpha(c.input.reliability_data, c.options.level_of_measurement);
    const expected = c.expected.alpha ?? Number.NaN;
    expect(closeTo(alpha, expected), `${alpha} vs ${expected}`).toBe(true);
    if (c.published && c.verified) {
      const f = 10 ** c.published.decimals;
      expect(Math.round(alpha * f) / f).toBe(c.published.alpha);
    }
  });
});

/** NLTK's loops, literally: Disagreement over label frequencies, per item and overall. */
function nltkAlpha(data: Rating[][], level: AlphaLevel): number {
  const units: number[][] = [];
  for (const row of data) row.forEach((v, u) => v !== null && (units[u] ??= []).push(v as number));
  const pairable = units.filter((u) => u && u.length >= 2);
  const all = new Map<number, number>();
  for (const u of pairable) for (const v of u) all.set(v, (all.get(v) ?? 0) + 1);
  const dist = (a: number, b: number): number => {
    if (level === 'nominal') return a === b ? 0 : 1;
    if (level === 'interval') return (a - b) ** 2;
    if (level === 'ratio') return a + b === 0 ? 0 : ((a - b) / (a + b)) ** 2;
    const [lo, hi] = a < b ? [a, b] : [b, a];
    let s = 0;
    for (const [g, n] of all) if (g >= lo && g <= hi) s += n;
    return (s - ((all.get(a) ?? 0) + (all.get(b) ?? 0)) / 2) ** 2;
  };
  const disagreement = (freq: Map<number, number>): number => {
    let total = 0;
    let pairs = 0;
    for (const n of freq.values()) total += n;
    for (const [j, nj] of freq) for (const [l, nl] of freq) pairs += nj * nl * dist(l, j);
    return pairs / (total * (total - 1));
  };
  let doTotal = 0;
  let n = 0;
  for (const u of pairable) {
    const freq = new Map<number, number>();
    for (const v of u) freq.set(v, (freq.get(v) ?? 0) + 1);
    doTotal += disagreement(freq) * u.length;
    n += u.length;
  }
  return 1 - doTotal / n / disagreement(all);
}

describe('coincidence-margin computation equals NLTK pairwise loops', () => {
  const rng = new Rng(20240611);
  for (const level of ['nominal', 'ordinal', 'interval', 'ratio'] as const) {
    it(`${level}: 40 random matrices with missing values and ties`, () => {
      for (let t = 0; t < 40; t++) {
        const coders = 2 + rng.intBelow(6);
        const nUnits = 3 + rng.intBelow(60);
        const nValues = 2 + rng.intBelow(7);
        const data = Array.from({ length: coders }, () =>
          Array.from({ length: nUnits }, (): Rating => (rng.nextFloat() < 0.2 ? null : rng.intBelow(nValues) * 1.5 + (level === 'ratio' ? 0 : -2))),
        );
        const ours = krippendorffAlpha(data, level);
        const ref = nltkAlpha(data, level);
        expect(closeTo(ours, ref, 1e-11), `${ours} vs ${ref}`).toBe(true);
      }
    });
  }
});

describe('krippendorffAlpha edge cases', () => {
  it('is 1 when every rating is the same value (NLTK: one annotation value)', () => {
    expect(krippendorffAlpha([[2, 2, null], [2, 2, 2]])).toBe(1);
  });
  it('is NaN where NLTK divides 0 by 0 (all pairable values equal, another value in a lone unit)', () => {
    expect(krippendorffAlpha([[1, 1, 5], [1, 1, null]])).toBeNaN();
  });
  it('accepts text labels at the nominal level only', () => {
    // Units (a,a) (a,b) (b,b): n = 6, D_o = 2/6, D_e = (36 - 18)/30, alpha = 1 - (1/3)/(3/5) = 4/9.
    expect(closeTo(krippendorffAlpha([['a', 'a', 'b'], ['a', 'b', 'b']]), 4 / 9)).toBe(true);
    expect(() => krippendorffAlpha([['a', 'b']], 'interval')).toThrow(UsageError);
  });
  it('bootstrap weights count units as repeats', () => {
    const data: Rating[][] = [[1, 2, 3, 4, null], [1, 3, 3, 5, 2], [2, 2, 3, 4, 2]];
    const units = alphaUnits(data, 'interval');
    const repeated: Rating[][] = data.map((row) => [row[0], row[0], row[2], row[3], row[4], row[4], row[4]]);
    expect(closeTo(alphaFromUnits(units, [2, 0, 1, 1, 3]), krippendorffAlpha(repeated, 'interval'), 1e-12)).toBe(true);
  });
});
