import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { closeTo } from '../../test/support/shared.js';
import {
  bcaBounds,
  biasCorrection,
  bootstrapInterval,
  bootstrapMean,
  jackknifeAcceleration,
  jackknifeScores,
  percentileBounds,
  resampleScores,
  sampleIndices,
} from './bootstrap.js';
import { buildStatsMatrix, columnSums, statsMatrixFromRows, type StatsScorer } from './stats-matrix.js';
import type { CorpusMetric, MetricResult } from '../metrics/types.js';

// Expected values come from an independent Python port of assay's Rng (SplitMix32 + xoshiro128**,
// Lemire index draws) feeding the same resamples to scipy 1.10.1
// `stats.bootstrap(..., n_resamples=0, bootstrap_result=<that distribution>, method='BCa'|'percentile')`,
// so every deterministic step (jackknife, bias, percentile levels, interpolation) is checked exactly.

const expectClose = (actual: number, expected: number, rel = 1e-9): void => {
  expect(closeTo(actual, expected, rel), `${actual} vs ${expected}`).toBe(true);
};

/** A small non-linear corpus metric: 100 * Σ matches / Σ totals. */
const ratio: StatsScorer = (s) => (100 * s[0]) / s[1];
const M = [3, 0, 5, 2, 7, 1, 4, 4, 0, 6];
const T = [5, 2, 9, 2, 10, 6, 4, 8, 3, 7];
const ratioMatrix = statsMatrixFromRows(
  M.map((m, i) => [m, T[i]]),
  2,
);
const X = [0.31, 1.77, 2.205, 0.013, 5.5, 3.14, 0.92, 4.41, 2.83, 1.18, 7.9, 0.57];

describe('sampleIndices', () => {
  it('draws the Lemire multiply-shift indices of the seeded stream', () => {
    const out = new Int32Array(7);
    sampleIndices(new Rng(7), 7, out);
    expect(Array.from(out)).toEqual([1, 3, 3, 1, 3, 3, 3]);
    const big = new Int32Array(5);
    sampleIndices(new Rng(99), 1000003, big);
    expect(Array.from(big)).toEqual([48410, 820796, 213922, 820462, 679795]);
  });
  it('is uniform: 60000 draws over 6 cells stay within 4 sigma of 10000', () => {
    const out = new Int32Array(60000);
    sampleIndices(new Rng(3), 6, out);
    const counts = [0, 0, 0, 0, 0, 0];
    for (const i of out) counts[i]++;
    expect(counts.reduce((a, b) => a + b, 0)).toBe(60000);
    // sd = sqrt(60000 * 1/6 * 5/6) = 91.3
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThanOrEqual(365);
  });
});

describe('resampling of statistics rows', () => {
  it('gives the resample means of the Python port of the same stream', () => {
    const r = bootstrapMean(X, { resamples: 200, seed: 2024, confidence: 0.9 });
    expectClose(r.bootstrapMean, 2.5021037500000003);
    const matrix = statsMatrixFromRows(
      X.map((x) => [x, 1]),
      2,
    );
    const [dist] = resampleScores([matrix], [(s) => s[0] / s[1]], 5, new Rng(2024));
    [2.2144166666666663, 2.8210833333333336, 2.655, 2.707333333333333, 2.677583333333333].forEach((e, i) => expectClose(dist[i], e));
  });
  it('shares one index sequence between matrices (paired resampling)', () => {
    const [a, b] = resampleScores([ratioMatrix, ratioMatrix], [ratio, ratio], 50, new Rng(1));
    expect(Array.from(b)).toEqual(Array.from(a));
    const [dist] = resampleScores([ratioMatrix], [ratio], 5, new Rng(7));
    [46.03174603174603, 56.52173913043478, 49.12280701754386, 67.53246753246754, 52.38095238095238].forEach((e, i) => expectClose(dist[i], e));
  });
});

describe('resampled sums equal sums over the drawn indices', () => {
  it('for integer columns packed several to a double, and for float, negative and wide columns', () => {
    const n = 257;
    const rng0 = new Rng(11);
    // Columns: small counts (packed), zeros, large integers (own lane), floats, negatives.
    const rows = Array.from({ length: n }, () => [rng0.intBelow(40), 0, rng0.intBelow(2 ** 30), rng0.nextFloat() * 7, -rng0.intBelow(5), rng0.intBelow(3)]);
    const a = statsMatrixFromRows(rows, 6);
    const b = statsMatrixFromRows(
      rows.map((r) => r.map((x, j) => (j === 0 ? 40 - x : x))),
      6,
    );
    const sums: Float64Array[] = [];
    const keep: StatsScorer = (s) => {
      sums.push(Float64Array.from(s));
      return 0;
    };
    resampleScores([a, b], [keep, keep], 3, new Rng(99));
    const rng = new Rng(99);
    const idx = new Int32Array(n);
    for (let r = 0; r < 3; r++) {
      sampleIndices(rng, n, idx);
      [a, b].forEach((m, s) => {
        const expected = new Float64Array(6);
        for (const i of idx) for (let j = 0; j < 6; j++) expected[j] += m.data[i * 6 + j];
        const got = sums[2 * r + s];
        for (let j = 0; j < 6; j++) {
          if (j === 3) expectClose(got[j], expected[j], 1e-12);
          else expect(got[j], `resample ${r} matrix ${s} column ${j}`).toBe(expected[j]);
        }
      });
    }
  });
});

describe('BCa building blocks (scipy _bca_interval)', () => {
  it('jackknife values leave one segment out of the summed statistics', () => {
    const jack = jackknifeScores(ratioMatrix, ratio);
    const expected = [
      56.86274509803921, 59.25925925925926, 57.4468085106383, 55.55555555555556, 54.34782608695652, 62.0, 53.84615384615385, 58.333333333333336,
      60.37735849056604, 53.06122448979592,
    ];
    expected.forEach((e, i) => expectClose(jack[i], e));
    expectClose(jackknifeAcceleration(jack), -0.009163308560059653, 1e-9);
  });
  it('bias correction uses the mean percentile of the estimate', () => {
    const [dist] = resampleScores([ratioMatrix], [ratio], 500, new Rng(7));
    expectClose(ratio(columnSums(ratioMatrix)), 57.142857142857146);
    expectClose(biasCorrection(dist, 57.142857142857146), -0.10799456940915406);
    // Ties count half: 2 of 4 strictly below, 3 of 4 at or below → Φ⁻¹(5/8).
    expectClose(biasCorrection([1, 2, 3, 4], 3), 0.31863936396437537);
  });
  it('acceleration is 0 for constant jackknife values (scipy: NaN) so constant data give [θ, θ]', () => {
    expect(jackknifeAcceleration([2, 2, 2])).toBe(0);
    const r = bootstrapMean([4, 4, 4, 4], { resamples: 100 });
    expect([r.low, r.estimate, r.high]).toEqual([4, 4, 4]);
  });
  it('gives NaN bounds when every resample lies above the estimate, as scipy', () => {
    const b = bcaBounds([5, 6, 7], 1, [1, 2, 3], 0.95);
    expect(b.bias).toBe(-Infinity);
    expect(Number.isNaN(b.low) && Number.isNaN(b.high)).toBe(true);
  });
});

describe('bootstrap intervals equal scipy.stats.bootstrap on the same resamples', () => {
  it('mean of per-item values, 90 %', () => {
    const bca = bootstrapMean(X, { resamples: 200, seed: 2024, confidence: 0.9 });
    expect({ method: bca.method, seed: bca.seed, n: bca.n, resamples: bca.resamples }).toEqual({ method: 'bca', seed: 2024, n: 12, resamples: 200 });
    expectClose(bca.estimate, 2.562333333333333);
    expectClose(bca.low, 1.6309635402134972);
    expectClose(bca.high, 4.105764038467425);
    expectClose(bca.standardError, 0.7266635730429851);
    const pct = bootstrapMean(X, { resamples: 200, seed: 2024, confidence: 0.9, method: 'percentile' });
    expectClose(pct.low, 1.4455166666666668);
    expectClose(pct.high, 3.8551541666666664);
  });
  it('a ratio-of-sums corpus metric, 95 %', () => {
    const bca = bootstrapInterval(ratioMatrix, ratio, { resamples: 500, seed: 7 });
    expectClose(bca.low, 35.0642300245767);
    expectClose(bca.high, 70.58823529411765);
    expectClose(bca.standardError, 8.398243655135502);
    expectClose(bca.acceleration ?? NaN, -0.009163308560059653);
    expectClose(bca.bias ?? NaN, -0.10799456940915406);
    const pct = bootstrapInterval(ratioMatrix, ratio, { resamples: 500, seed: 7, method: 'percentile' });
    expectClose(pct.low, 38.54458041958042);
    expectClose(pct.high, 72.32279693486589);
    expect(pct.bias).toBeUndefined();
    expect(percentileBounds([1, 2, 3, 4, 5], 0.5)).toEqual([2, 4]);
  });
  it('agrees with scipy (its own RNG, 100000 resamples) within Monte-Carlo error', () => {
    // scipy BCa, random_state=1, 100000 resamples: mean [1.6506666666666667, 3.8940671285237114]
    // (90 %), ratio [38.70967741935484, 71.69811320754717] (95 %).
    const mean = bootstrapMean(X, { resamples: 100000, seed: 1, confidence: 0.9 });
    expect(Math.abs(mean.low - 1.6506666666666667)).toBeLessThan(0.03);
    expect(Math.abs(mean.high - 3.8940671285237114)).toBeLessThan(0.03);
    const r = bootstrapInterval(ratioMatrix, ratio, { resamples: 100000, seed: 1 });
    expect(Math.abs(r.low - 38.70967741935484)).toBeLessThan(0.5);
    expect(Math.abs(r.high - 71.69811320754717)).toBeLessThan(0.5);
  });
});

describe('bootstrap over a CorpusMetric', () => {
  // A toy metric in the stats → sum → score shape: unigram matches over hypothesis length.
  const overlap: CorpusMetric<{ lower: boolean }, MetricResult> = {
    name: 'overlap',
    resolveOptions: (o) => ({ lower: o?.lower ?? false }),
    statsSize: () => 2,
    segmentStats(hyp, refs, o) {
      const norm = (s: string) => (o.lower ? s.toLowerCase() : s).split(' ').filter(Boolean);
      const ref = new Set(refs.flatMap(norm));
      const words = norm(hyp);
      return [words.filter((w) => ref.has(w)).length, words.length];
    },
    scoreFromStats: (s) => ({ score: s[1] === 0 ? 0 : (100 * s[0]) / s[1] }),
    sentenceScore(hyp, refs, o) {
      return this.scoreFromStats(this.segmentStats(hyp, refs, o), o);
    },
    signature: () => 'overlap',
  };
  it('builds the statistics matrix once and resamples its rows', () => {
    const hyps = ['a b c', 'A b', 'x y z w', 'c'];
    const refs = [['a b d', 'a b', 'x', 'c']];
    const m = buildStatsMatrix(overlap, hyps, refs, { lower: true });
    expect(m).toEqual({ n: 4, k: 2, data: Float64Array.from([2, 3, 2, 2, 1, 4, 1, 1]) });
    const viaRows = bootstrapInterval(
      statsMatrixFromRows(
        [
          [2, 3],
          [2, 2],
          [1, 4],
          [1, 1],
        ],
        2,
      ),
      (s) => (s[1] === 0 ? 0 : (100 * s[0]) / s[1]),
      { resamples: 300, seed: 5 },
    );
    const r = bootstrapInterval(m, (s) => overlap.scoreFromStats(s, { lower: true }).score, { resamples: 300, seed: 5 });
    expect(r).toEqual(viaRows);
    expectClose(r.estimate, 60);
    expect(() => buildStatsMatrix(overlap, hyps, [['a']], { lower: true })).toThrow('overlap: reference stream 1 has 1 segments but there are 4 hypotheses');
  });
  it('rejects bad options with a UsageError naming the valid range', () => {
    expect(() => bootstrapMean([1, 2], { resamples: 1 })).toThrow('bootstrap: resamples must be an integer >= 2, got 1');
    expect(() => bootstrapMean([1, 2], { confidence: 95 })).toThrow('bootstrap: confidence must be in (0, 1), got 95');
    expect(() => bootstrapMean([1])).toThrow('bootstrap: BCa needs at least 2 segments (the jackknife leaves one out)');
    expect(() => bootstrapMean([])).toThrow('bootstrap: no segments to resample');
  });
});
