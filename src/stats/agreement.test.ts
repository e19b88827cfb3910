import { describe, expect, it } from 'vitest';
import { closeTo } from '../../test/support/shared.js';
import { InputError, UsageError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { computeAgreement, type RatingMatrix } from './agreement.js';
import { cohenKappa } from './cohen-kappa.js';
import { fleissKappa } from './fleiss-kappa.js';
import { krippendorffAlpha, type Rating } from './krippendorff-alpha.js';
import type { Label } from './labels.js';
import { percentileInterval, quantileSorted } from './percentile.js';

// Krippendorff (2011) 4 observers x 12 units, as items x annotators.
const K2011: Rating[][] = [
  [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
  [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
];
const matrixOf = (codersByUnits: Rating[][]): RatingMatrix => ({
  items: codersByUnits[0].map((_, u) => `u${u + 1}`),
  annotators: codersByUnits.map((_, c) => `c${c + 1}`),
  ratings: codersByUnits[0].map((_, u) => codersByUnits.map((row) => row[u])),
});

describe('percentiles as numpy.percentile (linear)', () => {
  it('matches numpy on a small sample', () => {
    // np.percentile([3.5, 1, 2, 10, -4, 7.25, 0.5], [2.5, 97.5, 50]) = -3.325, 9.587499999999999, 2.0
    const x = [3.5, 1.0, 2.0, 10.0, -4.0, 7.25, 0.5];
    const interval = percentileInterval(x);
    expect(interval.low).toBe(-3.325);
    expect(interval.high).toBe(9.587499999999999);
    expect(quantileSorted(Float64Array.from(x).sort(), 0.5)).toBe(2);
    expect(percentileInterval([5, Number.NaN])).toEqual({ low: 5, high: 5, nValid: 1 });
  });
});

describe('computeAgreement', () => {
  it('gives the library values and the published Krippendorff (2011) alphas', () => {
    const m = matrixOf(K2011);
    const nominal = computeAgreement(m, { metric: 'krippendorff', bootstrap: 0 });
    expect(nominal.value).toBe(krippendorffAlpha(K2011));
    expect(nominal.value).toBe(0.743421052631579);
    expect(nominal.n_items).toBe(11); // unit 12 has a single value
    expect(nominal.n_annotators).toBe(4);
    expect(nominal.ci).toBeNull();
    expect(nominal.signature).toBe('metric:krippendorff|level:nominal|boot:0|seed:12345|assay:0.1.0');
    expect(closeTo(computeAgreement(m, { metric: 'krippendorff', level: 'ordinal', bootstrap: 0 }).value, 0.8153875037548813)).toBe(true);
  });

  it("resamples items with the seeded Rng: cohen's interval equals a by-hand bootstrap", () => {
    const y1: Label[] = [1, 2, 3, 1, 2, 3, 3, 2, 1, 1, 3, 2];
    const y2: Label[] = [1, 3, 3, 2, 2, 1, 3, 2, 1, 2, 3, 3];
    const m: RatingMatrix = { items: y1.map((_, i) => `i${i}`), annotators: ['a', 'b'], ratings: y1.map((v, i) => [v, y2[i]]) };
    const result = computeAgreement(m, { metric: 'cohen', weights: 'linear', bootstrap: 200, seed: 7 });
    const rng = new Rng(7);
    const reps: number[] = [];
    for (let b = 0; b < 200; b++) {
      const idx = y1.map(() => rng.intBelow(y1.length));
      reps.push(cohenKappa(idx.map((i) => y1[i]), idx.map((i) => y2[i]), { weights: 'linear', labels: [1, 2, 3] }));
    }
    const finite = reps.filter(Number.isFinite).sort((a, b) => a - b);
    const q = (p: number) => {
      const h = (finite.length - 1) * p;
      const lo = Math.floor(h);
      const [a, b, g] = [finite[lo], finite[Math.min(lo + 1, finite.length - 1)], h - lo];
      return g >= 0.5 ? b - (b - a) * (1 - g) : a + (b - a) * g; // numpy's _lerp
    };
    expect(result.value).toBe(cohenKappa(y1, y2, { weights: 'linear' }));
    expect(result.ci).toEqual({ low: q(0.025), high: q(0.975), confidence: 0.95, method: 'percentile', n_boot: 200, n_valid: finite.length });
    expect(result.level).toBe('ordinal');
    expect(result.seed).toBe(7);
  });

  it('is reproducible for a seed and records it', () => {
    const m = matrixOf(K2011);
    const a = computeAgreement(m, { metric: 'krippendorff', level: 'interval', bootstrap: 300, seed: 99 });
    const b = computeAgreement(m, { metric: 'krippendorff', level: 'interval', bootstrap: 300, seed: 99 });
    expect(b).toEqual(a);
    expect(a.signature).toBe('metric:krippendorff|level:interval|boot:300|seed:99|assay:0.1.0');
  });

  it('fleiss builds the table from the sorted labels', () => {
    const m: RatingMatrix = { items: ['x', 'y', 'z'], annotators: ['a', 'b', 'c'], ratings: [['n', 'y', 'y'], ['n', 'n', 'n'], ['y', 'y', 'n']] };
    expect(computeAgreement(m, { metric: 'fleiss', bootstrap: 0 }).value).toBe(fleissKappa([[1, 2], [3, 0], [1, 2]]));
  });

  it('rejects data and options that cannot work, naming the source', () => {
    const m = matrixOf(K2011);
    expect(() => computeAgreement(m, { metric: 'cohen', source: 'r.csv' })).toThrow(new InputError("cohen's kappa compares exactly 2 annotators, found 4 (c1, c2, c3, c4); use fleiss or krippendorff for more", { file: 'r.csv' }));
    expect(() => computeAgreement(m, { metric: 'fleiss' })).toThrow(/same number of ratings for every item/);
    expect(() => computeAgreement({ items: ['a', 'b'], annotators: ['p', 'q'], ratings: [[1, null], [null, 2]] }, { metric: 'krippendorff' })).toThrow(/nothing to agree on/);
    expect(() => computeAgreement(m, { metric: 'fleiss', level: 'interval' })).toThrow(UsageError);
    expect(() => computeAgreement(m, { metric: 'krippendorff', weights: 'linear' })).toThrow(UsageError);
  });
});
