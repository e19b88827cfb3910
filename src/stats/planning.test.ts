import { describe, expect, it } from 'vitest';
import { closeTo } from '../../test/support/shared.js';
import { UsageError } from '../core/errors.js';
import {
  designEffect,
  pairedAccuracyMde,
  pairedAccuracySampleSize,
  pairedAccuracyVariance,
  pairedMeansMde,
  pairedMeansSampleSize,
  pairedPower,
} from './planning.js';

// Expected values computed with /usr/bin/python3 (scipy 1.10.1, statsmodels 0.13.5):
// z = norm.ppf(0.975) + norm.ppf(0.8) = 2.8015852181129683 and n = z² ω² / δ² (Miller 2024, sec. 5);
// statsmodels NormalIndPower().solve_power(es, alpha=0.05, power=0.8, ratio=0) solves the same
// equation counting the far rejection tail too, so it agrees to ~1e-5 relative.
function expectClose(actual: number, expected: number, rel = 1e-9): void {
  if (!closeTo(actual, expected, rel)) expect.fail(`got ${actual}, expected ${expected}`);
}

describe('paired means', () => {
  it('sample size for δ = 0.2 SD', () => {
    const plan = pairedMeansSampleSize(1, 0.2);
    expectClose(plan.nExact, 196.22199335872716);
    expect(plan.n).toBe(197);
    expectClose(plan.nExact, 196.2215127355966, 1e-5); // statsmodels solve_power
  });
  it('one-sided, power 0.9: (norm.ppf(.95) + norm.ppf(.9))² (1.5/0.3)²', () => {
    const plan = pairedMeansSampleSize(1.5, 0.3, { alternative: 'greater', power: 0.9 });
    expectClose(plan.nExact, 214.09618376669934);
    expect(plan.n).toBe(215);
  });
  it('MDE inverts the sample size', () => {
    expectClose(pairedMeansMde(1, 196.22199335872716).mde, 0.2);
  });
  it('power counts both tails like statsmodels NormalIndPower.power(ratio=0)', () => {
    expectClose(pairedPower(1, 0.2, 197), 0.8015506883204809);
    expectClose(pairedPower(2, 0.2, 500, { alternative: 'greater' }), 0.7228115956892014);
  });
});

describe('paired accuracies', () => {
  it('variance from discordance and from correlation', () => {
    expectClose(pairedAccuracyVariance(0.75, 0.7, { discordance: 0.2 }), 0.1975);
    expectClose(pairedAccuracyVariance(0.75, 0.7, { correlation: 0.5 }), 0.19906865167015567);
  });
  it('sample size for 75% vs 70% with 20% discordant items', () => {
    const plan = pairedAccuracySampleSize(0.75, 0.7, { discordance: 0.2 });
    expectClose(plan.nExact, 620.0614990135779);
    expect(plan.n).toBe(621);
    expectClose(plan.nExact, 620.0599805974896, 1e-5); // statsmodels solve_power, es = 0.05/√0.1975
  });
  it('sample size from the correlation of the 0/1 scores', () => {
    expectClose(pairedAccuracySampleSize(0.75, 0.7, { correlation: 0.5 }).nExact, 624.9863623352329);
  });
  it('clustering multiplies n by the design effect 1 + (m-1)·ICC', () => {
    expect(designEffect(5, 0.1)).toBeCloseTo(1.4, 15);
    const plan = pairedAccuracySampleSize(0.75, 0.7, { discordance: 0.2 }, { clusterSize: 5, icc: 0.1 });
    expectClose(plan.nExact, 868.086098619009);
    expect(plan.n).toBe(869);
  });
  it('MDE at n = 1000 from discordance 0.2 and from correlation 0.6 at 70% accuracy', () => {
    expectClose(pairedAccuracyMde(0.7, { discordance: 0.2 }, 1000).mde, 0.03962039811599345);
    expectClose(pairedAccuracyMde(0.7, { correlation: 0.6 }, 1000).mde, 0.03631269468616515);
    expectClose(pairedAccuracyMde(0.7, { discordance: 0.2 }, 1000, { clusterSize: 5, icc: 0.1 }).mde, 0.03962039811599345 * Math.sqrt(1.4));
  });
  it('rejects impossible inputs', () => {
    expect(() => pairedAccuracyVariance(0.75, 0.7, { discordance: 0.01 })).toThrow(/discordance/);
    expect(() => pairedAccuracySampleSize(0.7, 0.7, { discordance: 0.2 })).toThrow(UsageError);
    expect(() => pairedMeansSampleSize(1, 0.2, { power: 1 })).toThrow(/power/);
    expect(() => pairedMeansMde(1, 100, { icc: 2 })).toThrow(/icc/);
  });
});
