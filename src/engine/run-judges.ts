// Judges in runs (`metric: judge`): built once per run on their own providers, graded one batch
// per judge per chunk, and refused when a task requires a validation the store does not hold.
import { UsageError } from '../core/errors.js';
import { createJudge } from '../judge/judge.js';
import type { Judge } from '../judge/types.js';
import type { Provider } from '../providers/types.js';
import type { JsonValue } from '../store/types.js';
import type { MetricSpec } from '../tasks/task-config.js';
import type { PreparedTask } from './prepare.js';
import type { RunDeps } from './runner.js';
import type { JudgeWork } from './sample-scoring.js';

/**
 * Grades the chunk's answers, one batch per judge. A verdict the judge could not give is kept
 * with its reason (items `"<key>#unscored"`), never turned into a score.
 */
export async function runJudges(work: readonly JudgeWork[], judges: ReadonlyMap<MetricSpec, Judge>, signal: AbortSignal | undefined): Promise<void> {
  const bySpec = new Map<MetricSpec, JudgeWork[]>();
  for (const w of work) {
    if (!bySpec.has(w.spec)) bySpec.set(w.spec, []);
    bySpec.get(w.spec)!.push(w);
  }
  await Promise.all(
    [...bySpec].map(async ([spec, list]) => {
      const judge = judges.get(spec)!;
      const verdicts = await judge.grade(
        list.map((w) => w.input),
        signal === undefined ? {} : { signal },
      );
      verdicts.forEach((verdict, i) => {
        const { sample, key } = list[i]!;
        sample.items ??= {};
        if (verdict.status === 'scored') {
          sample.scores[key] = verdict.score;
          sample.items[key] = verdict.score;
        } else sample.items[`${key}#unscored`] = verdict.reason;
      });
    }),
  );
}

/** The judges of the tasks' `metric: judge` entries, on their providers (checked like the model's). */
export async function openJudges(tasks: readonly PreparedTask[], deps: RunDeps): Promise<Map<MetricSpec, Judge>> {
  const judges = new Map<MetricSpec, Judge>();
  const providers = new Map<string, Provider>();
  for (const task of tasks) {
    for (const spec of task.judgeMetrics) {
      const settings = spec.judge!;
      if (deps.judgeProvider === undefined) throw new UsageError(`task "${task.name}" has a judge metric; give the runner a judgeProvider`);
      let provider = providers.get(settings.model);
      if (provider === undefined) {
        provider = await deps.judgeProvider(settings.model);
        await provider.check?.();
        providers.set(settings.model, provider);
      }
      const { criteria: _criteria, requireValidation, ...judgeSpec } = settings;
      const judge = createJudge(judgeSpec, provider);
      if (requireValidation !== undefined) await requireValidated(judge, requireValidation, task.name, deps);
      judges.set(spec, judge);
    }
  }
  return judges;
}

/** A task that requires a validated judge runs only when a stored validation report meets its minimums. */
async function requireValidated(judge: Judge, need: { minAlpha?: number; minKappa?: number }, task: string, deps: RunDeps): Promise<void> {
  const what = `task "${task}" requires a validated judge (${judge.identity.model}, ${judge.identity.kind}, template ${judge.identity.templateHash})`;
  const report = deps.judgeValidation === undefined ? undefined : await deps.judgeValidation(judge.identity);
  if (report === undefined) throw new UsageError(`${what}, and the store has no validation report for it; run \`assay judge validate\` with the same settings first`);
  for (const [name, min, value] of [
    ['Krippendorff alpha', need.minAlpha, report.alpha],
    ["Cohen's kappa", need.minKappa, report.kappa],
  ] as const) {
    if (min !== undefined && (value === null || value < min)) {
      throw new UsageError(`${what}: its validation of ${report.createdAt} has ${name} ${value === null ? 'n/a' : value.toFixed(4)}, below the required ${min}`);
    }
  }
}

/** Judge identities for the run's provenance: model, kind, template hash and parameters. */
export function judgeProvenance(tasks: readonly PreparedTask[], judges: ReadonlyMap<MetricSpec, Judge>): JsonValue[] {
  return tasks.flatMap((task) => task.judgeMetrics.map((spec) => ({ task: task.name, metric: spec.name ?? spec.metric, ...(judges.get(spec)!.identity as unknown as { [key: string]: JsonValue }) })));
}
