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
  const frac = h - lo;
  return frac === 0 ? sorted[lo] : sorted[lo] + frac * (sorted[hi] - sorted[lo]);
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
  const tail = (1 - confidence) / 2;
  return { low: quantileSorted(finite, tail), high: quantileSorted(finite, 1 - tail), nValid: finite.length };
}
