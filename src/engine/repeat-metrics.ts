// Metrics over a document's repeated generations: pass@k with the unbiased estimator of Chen et
// al. 2021 (HumanEval, "Evaluating Large Language Models Trained on Code", eq. 1, as their
// numpy `estimate_pass_at_k`), and self-consistency: the share of repeats that agree with the
// most common answer (Wang et al. 2023). Correctness per repeat is the harness's exact_match.
import { ConfigError } from '../core/errors.js';
import type { MetricSpec } from '../tasks/task-config.js';
import { majorityVote } from './filters.js';
import { scoreDocument } from './task-metrics.js';

const PASS_AT = /^pass@([1-9][0-9]*)$/;

/** Whether `metric` is computed across a document's repeats (pass@k, consistency). */
export function isRepeatMetric(metric: string): boolean {
  return PASS_AT.test(metric) || metric === 'consistency';
}

/** 1 - C(n-c, k) / C(n, k), as a stable product: 1 - prod(1 - k / i) for i in n-c+1..n. */
export function passAtK(n: number, c: number, k: number): number {
  if (n - c < k) return 1;
  let rest = 1;
  for (let i = n - c + 1; i <= n; i++) rest *= 1 - k / i;
  return 1 - rest;
}

/** Checks pass@k against the task's repeats before a run. */
export function checkRepeatMetric(spec: MetricSpec, repeats: number, task: string): void {
  const k = PASS_AT.exec(spec.metric)?.[1];
  if (k !== undefined && Number(k) > repeats) {
    throw new ConfigError(`task "${task}": ${spec.metric} needs at least ${k} generations per document; the task has repeats: ${repeats}`);
  }
  if (spec.metric === 'consistency' && repeats < 2) throw new ConfigError(`task "${task}": consistency needs repeats >= 2`);
}

/** The repeat metrics of one document from its filtered answers (one per repeat). */
export function scoreRepeats(specs: readonly MetricSpec[], answers: readonly (string | string[])[], target: string | string[]): Record<string, number> {
  const out: Record<string, number> = {};
  const n = answers.length;
  const texts = answers.map((a) => (typeof a === 'string' ? a : (a[0] ?? '')));
  for (const spec of specs) {
    if (spec.metric === 'consistency') {
      const top = majorityVote(texts);
      out.consistency = texts.filter((t) => t === top).length / n;
      continue;
    }
    const k = PASS_AT.exec(spec.metric)?.[1];
    if (k === undefined) continue;
    const { metric: _name, ...options } = spec;
    const correct = answers.filter((answer) => scoreDocument({ kind: 'generate_until', answer, target }, [{ ...options, metric: 'exact_match' }]).exact_match!.score === 1).length;
    out[spec.metric] = passAtK(n, correct, Number(k));
  }
  return out;
}
