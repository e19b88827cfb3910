import { describe, expect, it } from 'vitest';
import { passAtK } from '../engine/repeat-metrics.js';
import { flakiness, passHatK, repeatStats } from './repeat.js';

describe('passHatK', () => {
  it('is C(c, k) / C(n, k)', () => {
    expect(passHatK(5, 3, 2)).toBeCloseTo(3 / 10, 15);
    expect(passHatK(10, 8, 3)).toBeCloseTo(56 / 120, 15);
    expect(passHatK(4, 4, 4)).toBe(1);
    expect(passHatK(4, 1, 2)).toBe(0);
    expect(passHatK(4, 0, 1)).toBe(0);
  });
  it('equals pass@k at k = 1 (both are c / n) and never exceeds it', () => {
    expect(passHatK(7, 3, 1)).toBeCloseTo(passAtK(7, 3, 1), 15);
    expect(passHatK(5, 3, 2)).toBeCloseTo(0.3, 15);
    expect(passAtK(5, 3, 2)).toBeCloseTo(0.9, 15);
  });
  it('rejects impossible counts', () => {
    expect(() => passHatK(3, 4, 1)).toThrow('pass^k: need integers 1 <= k <= n and 0 <= c <= n; got n=3, c=4, k=1');
    expect(() => passHatK(3, 1, 4)).toThrow('pass^k: need integers 1 <= k <= n and 0 <= c <= n; got n=3, c=1, k=4');
  });
});

describe('flakiness', () => {
  it('is the minority share of outcomes, flaky when both occur', () => {
    expect(flakiness([true, true, true])).toEqual({ n: 3, passes: 3, rate: 0, flaky: false });
    expect(flakiness([false, false])).toEqual({ n: 2, passes: 0, rate: 0, flaky: false });
    expect(flakiness([true, false, true, true])).toEqual({ n: 4, passes: 3, rate: 0.25, flaky: true });
    expect(flakiness([true, false])).toEqual({ n: 2, passes: 1, rate: 0.5, flaky: true });
    expect(() => flakiness([])).toThrow('flakiness: no repeats to measure');
  });
});

describe('repeatStats', () => {
  it('reports pass@k, pass^k and flakiness together', () => {
    const s = repeatStats([true, false, true, true, false], [1, 2]);
    expect([s.n, s.passes, s.rate, s.flaky]).toEqual([5, 3, 0.4, true]);
    expect(s.passAtK[1]).toBeCloseTo(0.6, 15);
    expect(s.passAtK[2]).toBeCloseTo(0.9, 15);
    expect(s.passHatK[1]).toBeCloseTo(0.6, 15);
    expect(s.passHatK[2]).toBeCloseTo(0.3, 15);
    expect(() => repeatStats([true], [2])).toThrow('repeat k: need integers 1 <= k <= n and 0 <= c <= n; got n=1, c=1, k=2');
  });
});
