// Expected values: lm-evaluation-harness @ 4e7e0d47, lm_eval/api/metrics.py aggregate_subtask_metrics
// and pooled_sample_stderr, run with /usr/bin/python3 (numpy) on the inputs below; 1e-9 relative.
import { describe, expect, it } from 'vitest';
import { closeTo } from '../../test/support/shared.js';
import { AssayError } from '../core/errors.js';
import { aggregateGroup, type GroupChild } from './groups.js';

interface Case {
  values: number[];
  sizes: number[];
  stderrs: number[];
  weight: boolean;
  value: number;
  stderr: number;
}

const HARNESS: Case[] = [
  { values: [0.25, 0.5, 0.75], sizes: [100, 135, 152], stderrs: [0.0435194139889244, 0.0431959932, 0.0352], weight: true, value: 0.5335917312661499, stderr: 0.023338187225588242 },
  { values: [0.25, 0.5, 0.75], sizes: [100, 135, 152], stderrs: [0.0435194139889244, 0.0431959932, 0.0352], weight: false, value: 0.5, stderr: 0.023338187225588242 },
  { values: [0.31, 0.47368421052631576], sizes: [2, 19], stderrs: [0.3301, 0.11768778828946262], weight: true, value: 0.45809523809523806, stderr: 0.11143599177921575 },
  { values: [0.6, 0.1, 0.9, 0.45], sizes: [10, 1000, 7, 333], stderrs: [0.16329931618554522, 0.009491579, 0.1133893419027682, 0.027277], weight: true, value: 0.19418518518518516, stderr: 0.009819164142028847 },
  { values: [0.6, 0.1, 0.9, 0.45], sizes: [10, 1000, 7, 333], stderrs: [0.16329931618554522, 0.009491579, 0.1133893419027682, 0.027277], weight: false, value: 0.5125000000000001, stderr: 0.009819164142028847 },
  { values: [0.123456789], sizes: [57], stderrs: [0.04444], weight: true, value: 0.123456789, stderr: 0.04444 },
];

const children = (c: Pick<Case, 'values' | 'sizes' | 'stderrs'>): GroupChild[] => c.values.map((value, i) => ({ value, n: c.sizes[i]!, stderr: c.stderrs[i]! }));

describe('aggregateGroup (aggregate_subtask_metrics + pooled_sample_stderr)', () => {
  it.each(HARNESS.map((c, i) => [i, c] as const))('case %i equals the harness', (_, c) => {
    const got = aggregateGroup(children(c), c.weight);
    expect(closeTo(got.value, c.value), `value ${got.value} vs ${c.value}`).toBe(true);
    expect(got.stderr).not.toBeNull();
    expect(closeTo(got.stderr!, c.stderr), `stderr ${got.stderr} vs ${c.stderr}`).toBe(true);
  });

  it('weights by size by default', () => {
    expect(aggregateGroup(children(HARNESS[0]!))).toEqual(aggregateGroup(children(HARNESS[0]!), true));
  });

  it('a child without a standard error ("N/A") gives the group none; the value is still aggregated', () => {
    expect(aggregateGroup([{ value: 0.5, n: 10, stderr: 0.1 }, { value: 1, n: 30, stderr: null }])).toEqual({ value: 0.875, stderr: null });
  });

  it('no standard error where the pooled variance divides by zero (every task of one document)', () => {
    expect(aggregateGroup([{ value: 1, n: 1, stderr: 0 }, { value: 0, n: 1, stderr: 0 }])).toEqual({ value: 0.5, stderr: null });
  });

  it('pools the variances with Σn − k degrees of freedom (two 0/1 tasks of mean 0.5)', () => {
    // Two tasks of 0/1 items with mean 0.5: sample variance n/(n-1)/4, so se² = 1/(4(n-1)).
    const se = (n: number) => Math.sqrt(1 / (4 * (n - 1)));
    const got = aggregateGroup([{ value: 0.5, n: 10, stderr: se(10) }, { value: 0.5, n: 30, stderr: se(30) }]);
    // Pooled: Σ n/4 / (40 - 2) / 40 = 10 / 38 / 40.
    expect(closeTo(got.stderr!, Math.sqrt(10 / 38 / 40))).toBe(true);
    expect(got.value).toBe(0.5);
  });

  it('rejects an empty group and bad sizes', () => {
    expect(() => aggregateGroup([])).toThrow(AssayError);
    expect(() => aggregateGroup([])).toThrow('a group needs at least one task with the metric to aggregate');
    expect(() => aggregateGroup([{ value: 1, n: 2.5, stderr: null }])).toThrow("group child 0: n must be a non-negative integer (the task's sample count), got 2.5");
  });
});
