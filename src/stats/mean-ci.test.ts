import { describe, expect, it } from 'vitest';
import { closeTo } from '../../test/support/shared.js';
import { UsageError } from '../core/errors.js';
import { clusteredMeanCi, mean, meanCi, numpySum, variance } from './mean-ci.js';

// Expected values printed by /usr/bin/python3 (numpy 1.24.2, scipy 1.10.1, statsmodels 0.13.5) for
// x = np.round(default_rng(5).normal(0.6, 0.3, 300), 3) (listed below):
// prettier-ignore
const X300 = [
  0.359, 0.203, 0.525, 0.726, 0.941, 0.633, 0.434, 0.365, 0.825, 1.09, 0.682, 0.23, 0.313, 1.08, 0.661, 0.08,
  0.575, 0.251, 0.411, 0.454, 0.386, 0.766, 0.581, 0.423, 0.723, 0.849, 0.107, 0.523, 0.306, 0.548, 0.213,
  0.606, 0.589, 0.509, 0.286, 0.481, 0.273, 0.193, 0.667, 0.267, 0.951, 0.815, 0.001, 0.682, 0.269, 0.61,
  0.613, 0.003, 0.53, 0.523, 0.889, 0.246, 0.821, 0.27, 0.501, 0.348, 1.035, 0.77, 1.33, 0.793, 0.853, 0.852,
  0.418, 0.579, 1.005, 0.481, 0.657, 0.594, 0.783, 0.491, 0.554, 0.673, 0.631, 0.341, 0.869, 0.21, 0.24, 0.215,
  0.89, 0.492, 0.309, 0.259, 0.726, 0.284, 0.218, 0.784, 0.241, 0.503, 0.598, 0.466, 0.584, 1.002, 0.445,
  0.222, 0.049, 0.539, 0.494, 0.68, 0.461, 0.456, 0.384, 0.444, 0.648, 0.486, 0.63, 1.17, 0.744, 0.127, 1.12,
  0.704, 0.318, 0.872, 0.605, 0.415, 0.41, 0.302, 0.614, 0.921, 0.502, 0.726, 1.163, 0.236, 0.677, 0.508,
  0.282, 0.292, 0.595, 0.73, 0.441, 0.616, 0.817, 0.689, 0.861, 0.738, 0.746, 1.148, 0.787, 0.639, 0.813,
  0.324, 0.499, 0.838, 0.789, 1.065, 0.603, 0.161, 1.184, 0.928, 0.282, 1.013, 0.61, 0.056, 0.474, 0.447,
  1.077, 0.362, 0.524, 0.517, 0.486, 0.326, 0.666, 0.923, 0.787, 0.322, 0.255, 0.636, 0.388, 0.411, 0.096,
  1.185, 0.875, 0.308, 0.872, 1.003, -0.117, 0.435, 0.484, 0.794, 0.564, 0.531, 0.582, 1.156, 1.248, 0.443,
  0.322, 1.408, 0.306, 0.428, 0.611, 0.745, 0.909, 0.717, 0.338, 0.752, 0.675, 1.163, 0.596, 0.199, 0.286,
  1.035, 0.438, -0.031, 0.426, 0.6, 0.957, 0.296, 0.8, 0.839, 0.39, 0.544, 1.131, 1.116, 0.857, 0.7, 0.941,
  0.558, 0.571, 0.342, 0.602, 0.575, 1.432, 0.542, 0.981, 0.996, 0.544, 0.951, -0.053, 0.628, 0.857, -0.119,
  0.252, 0.917, 0.523, 0.271, 0.488, 0.437, 0.817, 0.736, 0.516, 0.4, 0.584, 0.998, 0.705, 0.792, 0.555, 0.212,
  0.387, 0.795, 0.631, 0.329, 0.115, 0.633, 0.498, 0.495, 0.501, 0.685, 0.688, 0.889, 0.879, 1.0, 0.842, 0.499,
  0.584, 0.748, 0.507, 0.765, 0.946, 0.36, 0.069, 0.958, 0.605, 0.813, 0.2, 1.12, 0.822, 0.562, 0.494, 0.634,
  0.55, 0.516, 0.264, 0.979, 0.588, 0.622, 0.628, -0.107, 0.758, 0.501, 0.513, 0.621, 0.308, 0.853, 0.391,
  0.329, 0.341, 0.648, 0.824, 0.421, 0.147, 0.919,
];

function expectClose(actual: number, expected: number, rel = 1e-12): void {
  if (!closeTo(actual, expected, rel, 0)) expect.fail(`got ${actual}, expected ${expected}`);
}

describe('numpy-order sums and means', () => {
  it('np.sum / np.mean of 300 values, bit for bit', () => {
    expect(numpySum(X300)).toBe(176.385);
    expect(mean(X300)).toBe(0.58795);
  });
  it('pairwise order differs from a naive loop where it matters', () => {
    // np.sum([1e16] + [1.0]*9 + [-1e16] + [1.0]*140) == 131.0, while Python's sum() gives 140.0
    const v = [1e16, ...new Array<number>(9).fill(1), -1e16, ...new Array<number>(140).fill(1)];
    expect(numpySum(v)).toBe(131);
  });
});

describe('meanCi', () => {
  it('equals scipy ttest_1samp(x[:40], 0).confidence_interval(0.9)', () => {
    const r = meanCi(X300.slice(0, 40), 0.9);
    expect(r.mean).toBe(0.50335);
    expectClose(r.standardError, 0.03957794241292776);
    expectClose(r.low, 0.4366661095475571);
    expectClose(r.high, 0.5700338904524428);
    expect([r.n, r.df]).toEqual([40, 39]);
  });
  it('rejects bad input', () => {
    expect(() => meanCi([1])).toThrow(UsageError);
    expect(() => meanCi([1, Infinity])).toThrow(/finite/);
    expect(() => meanCi([1, 2], 1)).toThrow(/confidenceLevel/);
  });
});

describe('clusteredMeanCi (Miller 2024 eq. 4)', () => {
  const y = X300.map((v) => (v > 0.6 ? 1 : 0));
  const g = X300.map((_, i) => Math.floor(i / 7)); // 43 clusters of 7 (last of 6)
  it('CR1 standard error equals statsmodels OLS(y, 1).fit(cov_type="cluster").bse', () => {
    const r = clusteredMeanCi(y, g);
    expect(r.mean).toBe(0.46);
    expect(r.clusters).toBe(43);
    expectClose(r.standardError, 0.028445655976182756);
    // mean ± t.ppf(0.975, 42) · SE; scipy's t.ppf searches to 1e-8 relative (CDFLIB), our exact
    // quantile differs from it by ~4e-10, hence the looser tolerance on the bounds.
    expectClose(r.low, 0.4025943423125795, 2e-9);
    expectClose(r.high, 0.5174056576874205, 2e-9);
    expectClose(r.naiveStandardError, 0.028823067684915684);
  });
  it("'none' is the paper's formula as printed, with a normal critical value", () => {
    const r = clusteredMeanCi(y, g, { smallSample: 'none' });
    expectClose(r.standardError, 0.028112946799967054);
    expectClose(r.low, 0.404899636772774);
    expectClose(r.high, 0.515100363227226);
  });
  it('with one item per cluster CR1 reduces to the naive s/√n', () => {
    const r = clusteredMeanCi(y, y.map((_, i) => i));
    expectClose(r.standardError, 0.028823067684915684, 1e-12);
    expectClose(r.designEffect, 1, 1e-12);
    expectClose(variance(y), 0.028823067684915684 ** 2 * 300, 1e-12);
  });
  it('rejects bad input', () => {
    expect(() => clusteredMeanCi([1, 2], [1])).toThrow(UsageError);
    expect(() => clusteredMeanCi([1, 2], ['a', 'a'])).toThrow(/2 clusters/);
  });
});
