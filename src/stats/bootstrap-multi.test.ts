import { describe, expect, it } from 'vitest';
import { bootstrapInterval } from './bootstrap.js';
import { bootstrapIntervals } from './bootstrap-multi.js';
import { statsMatrixFromRows, type StatsScorer } from './stats-matrix.js';

describe('bootstrapIntervals (several statistics, one resampling pass)', () => {
  const rows = Array.from({ length: 40 }, (_, i) => [(i * 7) % 5, (i * 3) % 4, 1 + (i % 3), 1]);
  const matrix = statsMatrixFromRows(rows, 4);
  const scorers: StatsScorer[] = [(s) => s[0] / s[3], (s) => s[1] / s[3], (s) => s[0] / s[2]];

  it.each(['bca', 'percentile'] as const)('gives exactly the per-statistic bootstrapInterval for the same seed (%s)', (method) => {
    const together = bootstrapIntervals(matrix, scorers, { resamples: 500, seed: 99, method });
    scorers.forEach((scorer, s) => {
      expect(together[s]).toEqual(bootstrapInterval(matrix, scorer, { resamples: 500, seed: 99, method }));
    });
    expect(together[0].estimate).toBe(rows.reduce((a, r) => a + r[0], 0) / 40);
    expect(together[0].seed).toBe(99);
  });
});
