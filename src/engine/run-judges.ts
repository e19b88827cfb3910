// Judges in runs (`metric: judge`): built once per run on their own providers, graded one batch
// per judge per chunk, and refused when a task requires a validation the store does not hold.
import { UsageError } from '../core/errors.js';
import { createJudge } from '../judge/judge.js';
import { gradeWithPanel } from '../judge/panel.js';
import type { Judge, JudgeIdentity, JudgeInput, Verdict } from '../judge/types.js';
import type { Provider } from '../providers/types.js';
import type { JsonValue } from '../store/types.js';
import type { MetricSpec } from '../tasks/task-config.js';
import type { PreparedTask } from './prepare.js';
import type { RunDeps } from './runner.js';
import type { JudgeWork } from './sample-scoring.js';

/** One judge, or a panel of judges whose verdicts are combined (mean, median or majority). */
export interface RunJudge {
  identities: JudgeIdentity[];
  grade(inputs: readonly JudgeInput[], signal: AbortSignal | undefined): Promise<{ verdicts: Verdict[]; perJudge?: { model: string; verdicts: Verdict[] }[] }>;
}

function single(judge: Judge): RunJudge {
  return {
    identities: [judge.identity],
    grade: async (inputs, signal) => ({ verdicts: await judge.grade(inputs, signal === undefined ? {} : { signal }) }),
  };
}

function panel(judges: Judge[], combine: 'mean' | 'median' | 'majority'): RunJudge {
  return {
    identities: judges.map((j) => j.identity),
    async grade(inputs, signal) {
      const result = await gradeWithPanel(judges, inputs, combine, signal === undefined ? {} : { signal });
      return { verdicts: result.verdicts, perJudge: judges.map((j, i) => ({ model: j.identity.model, verdicts: result.perJudge[i]! })) };
    },
  };
}

/**
 * Grades the chunk's answers, one batch per judge. A verdict the judge could not give is kept
 * with its reason (items `"<key>#unscored"`), never turned into a score. A panel's members'
 * scores are kept too (items `"<key>@<model>"`), for the agreement between them.
 */
export async function runJudges(work: readonly JudgeWork[], judges: ReadonlyMap<MetricSpec, RunJudge>, signal: AbortSignal | undefined): Promise<void> {
  const bySpec = new Map<MetricSpec, JudgeWork[]>();
  for (const w of work) {
    if (!bySpec.has(w.spec)) bySpec.set(w.spec, []);
    bySpec.get(w.spec)!.push(w);
  }
  await Promise.all(
    [...bySpec].map(async ([spec, list]) => {
      const judge = judges.get(spec)!;
      const { verdicts, perJudge } = await judge.grade(
        list.map((w) => w.input),
        signal,
      );
      verdicts.forEach((verdict, i) => {
        const { sample, key } = list[i]!;
        sample.items ??= {};
        if (verdict.status === 'scored') {
          sample.scores[key] = verdict.score;
          sample.items[key] = verdict.score;
        } else sample.items[`${key}#unscored`] = verdict.reason;
        for (const member of perJudge ?? []) {
          const v = member.verdicts[i]!;
          sample.items[`${key}@${member.model}`] = v.status === 'scored' ? v.score : null;
        }
      });
    }),
  );
}

/** The judges of the tasks' `metric: judge` entries, on their providers (checked like the model's). */
export async function openJudges(tasks: readonly PreparedTask[], deps: RunDeps): Promise<Map<MetricSpec, RunJudge>> {
  const judges = new Map<MetricSpec, RunJudge>();
  const providers = new Map<string, Provider>();
  const providerOf = async (model: string, task: string): Promise<Provider> => {
    if (deps.judgeProvider === undefined) throw new UsageError(`task "${task}" has a judge metric; give the runner a judgeProvider`);
    let provider = providers.get(model);
    if (provider === undefined) {
      provider = await deps.judgeProvider(model);
      await provider.check?.();
      providers.set(model, provider);
    }
    return provider;
  };
  for (const task of tasks) {
    for (const spec of task.judgeMetrics) {
      const { criteria: _criteria, requireValidation, panel: models, combine, ...judgeSpec } = spec.judge!;
      const members: Judge[] = [];
      for (const model of models ?? [judgeSpec.model]) members.push(createJudge({ ...judgeSpec, model }, await providerOf(model, task.name)));
      if (requireValidation !== undefined) for (const judge of members) await requireValidated(judge, requireValidation, task.name, deps);
      judges.set(spec, models === undefined ? single(members[0]!) : panel(members, combine ?? 'mean'));
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
export function judgeProvenance(tasks: readonly PreparedTask[], judges: ReadonlyMap<MetricSpec, RunJudge>): JsonValue[] {
  return tasks.flatMap((task) =>
    task.judgeMetrics.flatMap((spec) =>
      judges.get(spec)!.identities.map((identity) => ({
        task: task.name,
        metric: spec.name ?? spec.metric,
        ...(spec.judge?.panel === undefined ? {} : { panel: spec.judge.combine ?? 'mean' }),
        ...(identity as unknown as { [key: string]: JsonValue }),
      })),
    ),
  );
}
