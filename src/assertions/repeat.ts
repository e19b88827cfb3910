// Statistics over a test's repeated runs (`repeat: n`): pass^k as τ-bench (Yao et al. 2024,
// "τ-bench", eq. 1: C(c, k) / C(n, k), the chance that k draws without replacement all pass)
// beside pass@k (src/engine/repeat-metrics.ts), and the test's flakiness.
import { UsageError } from '../core/errors.js';
import { passAtK } from '../engine/repeat-metrics.js';

function checkCounts(name: string, n: number, c: number, k: number): void {
  if (!Number.isInteger(n) || !Number.isInteger(c) || !Number.isInteger(k) || n < 1 || c < 0 || c > n || k < 1 || k > n) {
    throw new UsageError(`${name}: need integers 1 <= k <= n and 0 <= c <= n; got n=${n}, c=${c}, k=${k}`);
  }
}

/** pass^k = C(c, k) / C(n, k) = prod_{i=0}^{k-1} (c - i) / (n - i): all k sampled repeats pass. */
export function passHatK(n: number, c: number, k: number): number {
  checkCounts('pass^k', n, c, k);
  if (c < k) return 0;
  let p = 1;
  for (let i = 0; i < k; i++) p *= (c - i) / (n - i);
  return p;
}

export interface Flakiness {
  /** Repeats that ran. */
  n: number;
  /** Repeats that passed. */
  passes: number;
  /** Share of repeats with the minority outcome, min(passes, fails) / n: 0 stable, 0.5 a coin flip. */
  rate: number;
  /** Both outcomes occurred. */
  flaky: boolean;
}

/** How unstable a test is over its repeats (an empty list is an error: nothing ran). */
export function flakiness(results: readonly boolean[]): Flakiness {
  if (results.length === 0) throw new UsageError('flakiness: no repeats to measure');
  const passes = results.filter(Boolean).length;
  const fails = results.length - passes;
  return { n: results.length, passes, rate: Math.min(passes, fails) / results.length, flaky: passes > 0 && fails > 0 };
}

export interface RepeatStats extends Flakiness {
  /** pass@k per requested k (at least one of k repeats passes). */
  passAtK: Record<number, number>;
  /** pass^k per requested k (all k repeats pass). */
  passHatK: Record<number, number>;
}

/** pass@k, pass^k (for each k <= n) and flakiness of one test's repeated outcomes. */
export function repeatStats(results: readonly boolean[], ks: readonly number[] = [1]): RepeatStats {
  const base = flakiness(results);
  const at: Record<number, number> = {};
  const hat: Record<number, number> = {};
  for (const k of ks) {
    checkCounts('repeat k', base.n, base.passes, k);
    at[k] = passAtK(base.n, base.passes, k);
    hat[k] = passHatK(base.n, base.passes, k);
  }
  return { ...base, passAtK: at, passHatK: hat };
}
