import { describe, expect, it } from 'vitest';
import { passAtK, scoreRepeats } from './repeat-metrics.js';

describe('passAtK: Chen et al. 2021 estimate_pass_at_k', () => {
  // numpy: 1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1)) — values from /usr/bin/python3.
  it.each([
    [10, 3, 1, 0.30000000000000004],
    [10, 3, 5, 0.9166666666666666],
    [200, 13, 10, 0.4975511147306061],
    [5, 0, 1, 0],
    [5, 4, 2, 1],
    [3, 3, 3, 1],
  ])('n=%i c=%i k=%i', (n, c, k, expected) => {
    expect(passAtK(n, c, k)).toBeCloseTo(expected, 14);
  });
});

describe('scoreRepeats', () => {
  it('pass@k uses exact_match with the metric options; consistency the majority share', () => {
    const specs = [
      { metric: 'pass@1', aggregation: 'mean', higher_is_better: true, ignore_case: true },
      { metric: 'consistency', aggregation: 'mean', higher_is_better: true },
    ];
    expect(scoreRepeats(specs, ['Paris', 'paris', 'Lyon', 'paris'], 'PARIS')).toEqual({ 'pass@1': 0.75, consistency: 0.5 });
  });
});
