// A run's aggregates and totals, read back from the store page by page (so a resumed run's equal an
// unbroken run's), and the harness's group rows over leaf tasks.
import { ConfigError } from '../core/errors.js';
import type { Aggregate, ResultStore, RunTotals, Sample } from '../store/types.js';
import { aggregateItems } from './aggregate.js';
import { aggregateGroup } from './groups.js';
import type { PreparedTask } from './prepare.js';
import type { RunPlan } from './runner.js';
import { scoreFilters, scoreKey } from './sample-scoring.js';
import type { MetricItem } from './task-metrics.js';
import { krippendorffAlpha, type Rating } from '../stats/krippendorff-alpha.js';

export function emptyTotals(): RunTotals {
  return { samples: 0, errors: 0, cached: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
}

/** Aggregates and totals of a run, read back from the store page by page. */
export async function aggregateRun(
  store: ResultStore,
  runId: string,
  tasks: readonly PreparedTask[],
  plan: RunPlan,
  groups: readonly TaskGroup[] = [],
): Promise<{ aggregates: Aggregate[]; totals: RunTotals }> {
  const totals = emptyTotals();
  const aggregates: Aggregate[] = [];
  // Items per task and key, kept only when a group needs them (its interval pools its tasks' items).
  const kept = new Map<string, Map<string, { items: MetricItem[]; aggregation: string }>>();
  const PAGE = 2000;
  for (const task of tasks) {
    const config = task.config;
    const filters = scoreFilters(config);
    const keys = filters.flatMap((filter) => config.metric_list.map((spec) => ({ key: scoreKey(spec, filter), spec, filter })));
    const items = new Map<string, MetricItem[]>(keys.map((k) => [k.key, []]));
    // A judge panel's members' scores per sample, for the agreement between them.
    const panels = keys.filter((k) => k.spec.judge?.panel !== undefined).map((k) => ({ ...k, models: k.spec.judge!.panel!, ratings: k.spec.judge!.panel!.map((): Rating[] => []) }));
    const clusters = new Map<string, (string | number)[]>(keys.map((k) => [k.key, []]));
    for (let offset = 0; ; offset += PAGE) {
      const page = await store.samplePage(runId, task.name, offset, PAGE);
      for (const sample of page.samples) {
        totals.samples++;
        if (sample.status === 'error') totals.errors++;
        if (sample.cached) totals.cached++;
        totals.inputTokens += sample.inputTokens ?? 0;
        totals.outputTokens += sample.outputTokens ?? 0;
        totals.costUsd += sample.costUsd ?? 0;
        if (sample.status !== 'scored' || sample.items === undefined) continue;
        const cluster = clusterOf(sample, config.cluster_field, task.repeats);
        for (const { key } of keys) {
          const item = sample.items[key];
          if (item === undefined) continue;
          items.get(key)!.push(item as MetricItem);
          if (cluster !== null) clusters.get(key)!.push(cluster);
        }
        for (const p of panels) {
          const scores = p.models.map((m) => sample.items![`${p.key}@${m}`]);
          if (scores.every((x) => x === undefined)) continue;
          scores.forEach((x, j) => p.ratings[j]!.push(typeof x === 'number' ? x : null));
        }
      }
      if (offset + PAGE >= page.total) break;
    }
    for (const { key, spec, filter } of keys) {
      const list = items.get(key)!;
      if (list.length === 0) continue;
      const cl = clusters.get(key)!;
      const value = aggregateItems(spec.aggregation, list, {
        seed: plan.seed,
        bootstrapIters: plan.bootstrapIters,
        clusters: cl.length === list.length ? cl : null,
        meanInterval: plan.ciMethod ?? 'analytic',
      });
      aggregates.push({ task: task.name, metric: spec.name ?? spec.metric, filter, value: value.value, n: value.n, stderr: value.stderr, ciLow: value.ciLow, ciHigh: value.ciHigh, method: value.method, seed: value.seed });
      if (groups.length > 0) {
        if (!kept.has(task.name)) kept.set(task.name, new Map());
        kept.get(task.name)!.set(key, { items: list, aggregation: spec.aggregation });
      }
    }
    for (const p of panels) aggregates.push(...panelAgreementRow(task.name, p.spec.name ?? p.spec.metric, p.filter, p.spec.judge!.combine ?? 'mean', p.ratings));
  }
  aggregates.push(...groupAggregates(groups, aggregates, kept, plan));
  return { aggregates, totals };
}

/** A harness group (`group` + `aggregate_metric_list`): members are tasks or other groups. */
export interface TaskGroup {
  name: string;
  members: readonly string[];
  metrics: readonly string[];
  /** Default true: members weighted by their number of documents (MMLU). */
  weightBySize?: boolean;
}

/**
 * Group rows as the harness computes them (aggregate_subtask_metrics over the members' values,
 * pooled_sample_stderr over their standard errors), members before the groups that contain
 * them; the interval is assay's, over every document of the group's tasks together.
 */
function groupAggregates(groups: readonly TaskGroup[], taskRows: readonly Aggregate[], kept: Map<string, Map<string, { items: MetricItem[]; aggregation: string }>>, plan: RunPlan): Aggregate[] {
  const byName = new Map(groups.map((g) => [g.name, g]));
  const rows = new Map<string, Aggregate>(taskRows.map((a) => [`${a.task}\u0000${a.metric}\u0000${a.filter}`, a]));
  // Leaves may repeat through overlapping subgroups; each task counts once.
  const leaves = (name: string): string[] => [...new Set(byName.has(name) ? byName.get(name)!.members.flatMap(leaves) : [name])];
  const out: Aggregate[] = [];
  for (const group of byName.values()) {
    // The harness aggregates a group over its leaf tasks (get_subtask_list), not its subgroups' rows.
    const tasks = leaves(group.name);
    const inGroup = new Set(tasks);
    const filters = new Set(taskRows.filter((a) => inGroup.has(a.task)).map((a) => a.filter));
    for (const metric of group.metrics) {
      for (const filter of filters) {
        const children = tasks.map((m) => rows.get(`${m}\u0000${metric}\u0000${filter}`)).filter((a): a is Aggregate => a !== undefined);
        if (children.length === 0) continue;
        const { value, stderr } = aggregateGroup(children.map((c) => ({ value: c.value, n: c.n, stderr: c.stderr })), group.weightBySize ?? true);
        const pooled: MetricItem[] = [];
        let aggregation = 'mean';
        for (const leaf of tasks) {
          const entry = kept.get(leaf)?.get(`${metric},${filter}`);
          if (entry === undefined) continue;
          aggregation = entry.aggregation;
          for (const item of entry.items) pooled.push(item);
        }
        const interval = aggregation === 'mean' && pooled.length > 0 ? aggregateItems('mean', pooled, { seed: plan.seed, bootstrapIters: plan.bootstrapIters, meanInterval: plan.ciMethod ?? 'analytic' }) : null;
        const row: Aggregate = {
          task: group.name,
          metric,
          filter,
          value,
          n: children.reduce((sum, c) => sum + c.n, 0),
          stderr,
          ciLow: interval?.ciLow ?? null,
          ciHigh: interval?.ciHigh ?? null,
          method: interval === null ? null : `${interval.method} (pooled documents)`,
          seed: interval?.seed ?? null,
        };
        out.push(row);
      }
    }
  }
  return out;
}

/**
 * `<name>_agreement`: Krippendorff's alpha between a panel's judges over the samples (interval
 * data for mean/median panels, nominal for majority votes), as the judge library's panels report.
 */
function panelAgreementRow(task: string, name: string, filter: string, combine: 'mean' | 'median' | 'majority', ratings: Rating[][]): Aggregate[] {
  const n = ratings[0]?.length ?? 0;
  if (n === 0) return [];
  const level = combine === 'majority' ? 'nominal' : 'interval';
  let alpha: number | null;
  try {
    const a = krippendorffAlpha(ratings, level);
    alpha = Number.isFinite(a) ? a : null;
  } catch {
    alpha = null;
  }
  return [{ task, metric: `${name}_agreement`, filter, value: alpha ?? Number.NaN, n, stderr: null, ciLow: null, ciHigh: null, method: `krippendorff-alpha (${level})`, seed: null }];
}

/** The cluster of a sample: the task's cluster_field, else its document when documents repeat. */
function clusterOf(sample: Sample, field: string | null, repeats: number): string | number | null {
  if (field !== null) {
    const inputs = sample.inputs;
    const value = inputs !== null && typeof inputs === 'object' && !Array.isArray(inputs) ? inputs[field] : undefined;
    if (value === undefined) throw new ConfigError(`task "${sample.task}": cluster_field "${field}" is not a field of document ${sample.docId}`, { field: 'cluster_field' });
    return typeof value === 'number' ? value : JSON.stringify(value);
  }
  return repeats > 1 ? sample.docId : null;
}
