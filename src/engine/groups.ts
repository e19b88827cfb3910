// A group's score from its tasks' scores, as lm-evaluation-harness's Group.aggregate does
// (lm_eval/api/group.py + aggregate_subtask_metrics and pooled_sample_stderr in lm_eval/api/metrics.py,
// commit 4e7e0d47): the children are the group's LEAF tasks (a subgroup is flattened, not averaged).
import { UsageError } from '../core/errors.js';

export interface GroupChild {
  /** The task's aggregated metric (a mean). */
  value: number;
  /** The task's sample count (the harness's `sample_len`). */
  n: number;
  /** The task's standard error of the metric; null when it has none (the harness's "N/A"). */
  stderr: number | null;
}

export interface GroupScore {
  value: number;
  /** Pooled standard error; null when a child has none or the pooled variance is undefined. */
  stderr: number | null;
}

/**
 * aggregate_subtask_metrics: Σ value·n / Σ n (every n counted as 1 when `weightBySize` is false).
 * The standard error is pooled_sample_stderr over the real sizes whatever `weightBySize` says,
 * as the harness does (its combined_sample_stderr is dead code there):
 * sqrt( Σ (n−1)·se²·n / (Σn − k) / Σn ).
 */
export function aggregateGroup(children: readonly GroupChild[], weightBySize = true): GroupScore {
  if (children.length === 0) throw new UsageError('a group needs at least one task with the metric to aggregate');
  children.forEach((c, i) => {
    if (!Number.isSafeInteger(c.n) || c.n < 0) throw new UsageError(`group child ${i}: n must be a non-negative integer (the task's sample count), got ${c.n}`);
  });
  // Left-to-right sums from 0, as Python's sum(), so the numbers match the harness to the last bit.
  let weighted = 0;
  let total = 0;
  for (const c of children) {
    const size = weightBySize ? c.n : 1;
    weighted += c.value * size;
    total += size;
  }
  return { value: weighted / total, stderr: pooledStderr(children) };
}

/** pooled_sample_stderr; null where the harness reports "N/A" (a child without one) or would divide by zero. */
function pooledStderr(children: readonly GroupChild[]): number | null {
  let pooled = 0;
  let total = 0;
  for (const c of children) {
    if (c.stderr === null) return null;
    pooled += (c.n - 1) * c.stderr ** 2 * c.n;
    total += c.n;
  }
  const dof = total - children.length;
  if (dof <= 0) return null;
  return Math.sqrt(pooled / dof / total);
}
