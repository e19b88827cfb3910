import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { bleu } from '../metrics/bleu.js';
import { chrf } from '../metrics/chrf.js';
import type { CorpusMetric, MetricResult } from '../metrics/types.js';
import { closeTo, readJsonl } from '../../test/support/shared.js';
import { estimateCi, pairedMetricTest, pairedTest, pValueAbove, randomizationStats, type NamedStats, type PairedEntry, type PairedTestResult } from './paired.js';
import { buildStatsMatrix, statsMatrixFromRows, type StatsScorer } from './stats-matrix.js';

interface SignificanceCase {
  id: string;
  input: { refs: string[][]; systems: { name: string; hyps: string[] }[] };
  expected: Record<string, Record<string, { score: number; p_value: number | null; mean: number | null; ci: number | null }>>;
  expected_with_confidence?: SignificanceCase['expected'];
}

const bsCases = readJsonl<SignificanceCase>('reference', 'significance', 'paired_bootstrap.jsonl');
const arCases = readJsonl<SignificanceCase>('reference', 'significance', 'paired_ar.jsonl');

const expectClose = (actual: number | null, expected: number | null, what: string, rel = 1e-9): void => {
  if (expected === null) {
    expect(actual, what).toBeNull();
    return;
  }
  expect(actual, what).not.toBeNull();
  expect(closeTo(actual as number, expected, rel), `${what}: ${actual} vs ${expected}`).toBe(true);
};

/** Statistics are extracted once per corpus and metric, as sacrebleu caches them. */
const matrices = new Map<string, NamedStats[]>();

function runCase<O, R extends MetricResult>(
  c: SignificanceCase,
  metric: CorpusMetric<O, R>,
  method: 'bs' | 'ar',
  samples: number,
  arConfidence = 0,
): PairedTestResult {
  const opts = metric.resolveOptions();
  const key = `${c.id} ${metric.name}`;
  let systems = matrices.get(key);
  if (systems === undefined) {
    systems = c.input.systems.map((s) => ({ name: s.name, stats: buildStatsMatrix(metric, s.hyps, c.input.refs, opts) }));
    matrices.set(key, systems);
  }
  return pairedMetricTest(metric, opts, systems, { method, samples, arConfidence, seed: 12345 });
}

const entries = (r: PairedTestResult): PairedEntry[] => [r.baseline, ...r.systems];

describe('sacrebleu helpers', () => {
  it('estimate_ci: mean and half the width between sorted indices n//40 and n-1-n//40', () => {
    // numpy: scores = 1..100 shuffled → sorted[2] = 3, sorted[97] = 98.
    const scores = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1);
    expect(estimateCi(scores)).toEqual({ mean: 50.5, ci: 47.5 });
    // n = 39 → n//40 = 0: the full range.
    expect(estimateCi([3, 1, 2, ...Array.from({ length: 36 }, () => 2)])).toEqual({ mean: 78 / 39, ci: 1 });
  });
  it('_compute_p_value: strict >, plus one on both sides', () => {
    expect(pValueAbove([0.5, 1, 1.5, 2], 1)).toBe(3 / 5);
    expect(pValueAbove([0, 0, 0], 0)).toBe(1 / 4);
  });
});

describe('paired approximate randomization', () => {
  it('flips segments by the bits of the seeded stream, 32 coins per draw', () => {
    // 3 segments of one statistic each; A_t keeps the baseline's value where the coin is 1.
    const bl = statsMatrixFromRows([[1], [10], [100]], 1);
    const sys = statsMatrixFromRows([[2], [20], [200]], 1);
    const identity: StatsScorer = (s) => s[0];
    const rng = new Rng(12345);
    const stats = randomizationStats(identity, bl, sys, 5, rng);
    // Draws of Rng(12345): 518667457, 440444462, 4232892992, 3757857622, 3939018813; read from bit 0
    // their coins are 100, 011, 000, 011, 101 → A = 221, 112, 222, 112, 121 and B = 333 - A.
    expect(Array.from(stats)).toEqual([109, 109, 111, 109, 91]);
  });
});

// Expected values: sacrebleu 2.6.0's own `significance.PairedTest` (n_jobs=1, references cached,
// as the CLI) with numpy's `default_rng` replaced by an independent Python port of assay's Rng
// answering its `choice(n, (N, n))` / `integers(2, (N, n), dtype=bool)` calls, on the public
// reference corpora. So the whole procedure (float32 statistics, shared index matrix, p-value
// comparisons, CI indices, AR coin order, AR confidence resamples) is checked exactly.
const EXACT: Record<string, Record<string, (number | null)[][]>> = {
  'bs-case0-1000-0': {
    BLEU: [
      [64.88873715605918, null, 64.82392150802282, 6.98326331252505],
      [73.20065242768779, 0.04095904095904096, 72.99118669343204, 6.519799340648078],
      [63.783057138514785, 0.3086913086913087, 63.602644381188526, 6.69700876107046],
    ],
    chrF2: [
      [74.89016848660951, null, 74.8943497975438, 6.0625242238538775],
      [81.67910588344057, 0.056943056943056944, 81.63838859153155, 5.387885329686341],
      [76.46008284972592, 0.24475524475524477, 76.44110382164558, 5.286588479929094],
    ],
  },
  'bs-case1-500-0': {
    BLEU: [
      [51.75509900286192, null, 51.350931556790734, 4.182736670434771],
      [59.11035497728471, 0.001996007984031936, 59.06998372718936, 4.6216393254721275],
      [49.842549283671275, 0.13373253493013973, 49.445743533653086, 4.145616769331486],
      [38.67354261390618, 0.001996007984031936, 38.528776666234876, 4.237230451015471],
    ],
    chrF2: [
      [67.82256138746622, null, 67.71171877769174, 3.773220903639192],
      [73.09365231953173, 0.007984031936127744, 73.16557817766585, 3.864769023290833],
      [65.86880276909595, 0.1497005988023952, 65.89437636356594, 3.959282086223247],
      [57.81009503362659, 0.001996007984031936, 57.83502615664691, 4.230629852965752],
    ],
  },
  'ar-case0-2000-0': {
    BLEU: [
      [64.88873715605918, null, null, null],
      [73.20065242768779, 0.10394802598700649, null, null],
      [63.783057138514785, 0.8375812093953023, null, null],
    ],
    chrF2: [
      [74.89016848660951, null, null, null],
      [81.67910588344057, 0.12993503248375812, null, null],
      [76.46008284972592, 0.7461269365317341, null, null],
    ],
  },
  'ar-case1-1000-200': {
    BLEU: [
      [51.75509900286192, null, 51.32443107174109, 4.3380306987756185],
      [59.11035497728471, 0.000999000999000999, 58.983970312194735, 4.164314930368093],
      [49.842549283671275, 0.3886113886113886, 49.45555651164335, 4.246542445680497],
      [38.67354261390618, 0.000999000999000999, 38.56976919393564, 4.2446144931882905],
    ],
    chrF2: [
      [67.82256138746622, null, 67.62753097641682, 4.016971011605204],
      [73.09365231953173, 0.011988011988011988, 73.04948329944999, 3.4974498452077682],
      [65.86880276909595, 0.43156843156843155, 65.95474856930052, 3.7126018082293903],
      [57.81009503362659, 0.001998001998001998, 57.82826912611489, 4.075106423751986],
    ],
  },
};

describe('PairedTest equals sacrebleu 2.6.0 run on the same random stream', () => {
  for (const [key, byMetric] of Object.entries(EXACT)) {
    const [method, caseName, samples, conf] = key.split('-');
    it(key, () => {
      const c = bsCases[Number(caseName.slice(4))];
      for (const [name, metric] of [
        ['BLEU', bleu],
        ['chrF2', chrf],
      ] as const) {
        const r = runCase(c, metric as CorpusMetric<unknown, MetricResult>, method as 'bs' | 'ar', Number(samples), Number(conf));
        expect(r.systems.map((s) => s.name)).toEqual(c.input.systems.slice(1).map((s) => s.name));
        entries(r).forEach((e, i) => {
          const [score, p, mean, ci] = byMetric[name][i];
          expectClose(e.score, score, `${name} ${e.name} score`);
          expectClose(e.pValue, p, `${name} ${e.name} p`);
          // sacrebleu's chrF divides the float32 resampled statistics in float32 (prec, rec), ours in
          // float64: resampled chrF scores agree to ~1e-7 relative, BLEU's exactly.
          const rel = name === 'chrF2' ? 1e-6 : 1e-9;
          expectClose(e.mean, mean, `${name} ${e.name} mean`, rel);
          expectClose(e.ci, ci, `${name} ${e.name} ci`, rel);
        });
      }
    });
  }
});

// The public vectors were drawn with numpy's PCG64: scores must match exactly, p-values and
// bootstrap means/CIs only within Monte-Carlo error. Bounds are 4 standard errors of the
// difference of two independent estimates: p from N trials has sd sqrt(p(1-p)/N); a bootstrap
// mean from B resamples has sd s/sqrt(B) and a 2.5 %/97.5 % half-width about 2.7 s/sqrt(B)
// (normal order statistics), with s ≈ ci/1.96 the spread of the resampled scores.
describe('against the public sacrebleu vectors (numpy RNG), Monte-Carlo tolerance', () => {
  const metrics = { BLEU: bleu, chrF2: chrf } as Record<string, CorpusMetric<unknown, MetricResult>>;
  const check = (c: SignificanceCase, expected: SignificanceCase['expected'], method: 'bs' | 'ar', arConfidence: number): void => {
    const n = 10000;
    const b = method === 'bs' ? n : arConfidence;
    for (const [name, metric] of Object.entries(metrics)) {
      const r = runCase(c, metric, method, n, arConfidence);
      for (const e of entries(r)) {
        const x = expected[name][e.name];
        const what = `${c.id} ${name} ${e.name}`;
        expectClose(e.score, x.score, `${what} score`);
        if (x.p_value === null) expect(e.pValue).toBeNull();
        else {
          const tol = Math.max(0.002, 4 * Math.sqrt((2 * x.p_value * (1 - x.p_value)) / n));
          expect(Math.abs((e.pValue as number) - x.p_value), `${what} p ${e.pValue} vs ${x.p_value}`).toBeLessThanOrEqual(tol);
        }
        if (x.mean === null) expect([e.mean, e.ci]).toEqual([null, null]);
        else {
          const s = (x.ci as number) / 1.96;
          const meanTol = (4 * Math.SQRT2 * s) / Math.sqrt(b);
          expect(Math.abs((e.mean as number) - x.mean), `${what} mean ${e.mean} vs ${x.mean}`).toBeLessThanOrEqual(meanTol);
          expect(Math.abs((e.ci as number) - (x.ci as number)), `${what} ci ${e.ci} vs ${x.ci}`).toBeLessThanOrEqual(2.7 * meanTol);
        }
      }
    }
  };
  for (const c of bsCases) it(`${c.id}`, () => check(c, c.expected, 'bs', 0));
  for (const c of arCases) {
    it(`${c.id}`, () => check(c, c.expected, 'ar', 0));
    it(`${c.id} with n_ar_confidence=1000`, () => check(c, c.expected_with_confidence as SignificanceCase['expected'], 'ar', 1000));
  }
});

describe('pairedTest input checks', () => {
  const m = statsMatrixFromRows([[1, 2]], 2);
  const scorer: StatsScorer = (s) => s[0] / s[1];
  it('needs a baseline and a system of the same shape', () => {
    expect(() => pairedTest(scorer, [{ name: 'a', stats: m }], { method: 'bs' })).toThrow('paired test: need a baseline and at least one system, got 1 system(s)');
    const short = statsMatrixFromRows([], 2);
    expect(() => pairedTest(scorer, [{ name: 'a.txt', stats: m }, { name: 'b.txt', stats: short }], { method: 'bs' })).toThrow('b.txt has 0 segments but a.txt has 1');
    expect(() => pairedTest(scorer, [{ name: 'a', stats: m }, { name: 'b', stats: m }], { method: 'bs', samples: 0 })).toThrow(
      'paired test: the number of resamples must be an integer >= 1, got 0',
    );
  });
  it('reports the defaults: 1000 resamples, 10000 trials, seed 12345', () => {
    const two = [
      { name: 'a', stats: m },
      { name: 'b', stats: m },
    ];
    const bs = pairedTest(scorer, two, { method: 'bs' });
    expect({ samples: bs.samples, seed: bs.seed, segments: bs.segments, confidenceSamples: bs.confidenceSamples }).toEqual({
      samples: 1000,
      seed: 12345,
      segments: 1,
      confidenceSamples: 1000,
    });
    // Identical systems: no resample differs, so p = (0 + 1) / (N + 1).
    expect(bs.systems[0]).toEqual({ name: 'b', score: 0.5, pValue: 1 / 1001, mean: 0.5, ci: 0 });
    const ar = pairedTest(scorer, two, { method: 'ar' });
    expect(ar.samples).toBe(10000);
    expect(ar.systems[0]).toEqual({ name: 'b', score: 0.5, pValue: 1 / 10001, mean: null, ci: null });
  });
});
