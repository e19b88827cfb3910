// Percentile bootstrap intervals, computed as numpy's `np.percentile(x, q)` / pandas'
// `Series.quantile` do by default (linear interpolation between order statistics), which is how
// Chatbot Arena's notebooks turn bootstrap replicates into 95 % intervals.

/** The q-quantile (0 <= q <= 1) of `sorted` (ascending, no NaN), numpy's "linear" method. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const gamma = h - lo;
  const a = sorted[lo];
  const b = sorted[hi];
  // numpy's _lerp: interpolate from the nearer end, so results are exact at both ends.
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** A two-sided percentile interval of the finite replicates; NaN replicates are left out and counted. */
export interface PercentileInterval {
  low: number;
  high: number;
  /** Replicates that gave a finite value (and were used). */
  nValid: number;
}

export function percentileInterval(replicates: ArrayLike<number>, confidence = 0.95): PercentileInterval {
  const kept: number[] = [];
  for (let i = 0; i < replicates.length; i++) if (Number.isFinite(replicates[i])) kept.push(replicates[i]);
  const finite = Float64Array.from(kept).sort();
  // 0.95 -> exactly 0.025 / 0.975, as np.percentile(x, 2.5) sees it (1 - 0.95 is 0.05000000000000004).
  const tail = Math.round(((1 - confidence) / 2) * 1e12) / 1e12;
  return { low: quantileSorted(finite, tail), high: quantileSorted(finite, 1 - tail), nValid: finite.length };
}
