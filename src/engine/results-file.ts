// The run's results as one JSON file in lm-evaluation-harness's layout (lm_eval/evaluator_utils.py
// `_to_eval_results`, evaluator.py `simple_evaluate`, loggers/evaluation_tracker.py, at 4e7e0d4), so
// tools that read harness results find `results[task]["acc,none"]`; assay's own fields sit beside
// the harness's (`<metric>_ci,<filter>`, `<metric>_n,<filter>`, a top-level `assay`). Differences:
// NaN is written as null (JSON has no NaN; the harness writes a bare `NaN`), and there are no
// per-sample `task_hashes` (assay keeps task, data and template hashes under `assay.provenance`).
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AssayError } from '../core/errors.js';
import type { Aggregate, JsonValue, Run } from '../store/types.js';

export interface ResultsFileInput {
  run: Run;
  aggregates: Aggregate[];
  tags?: string[];
  /** Task name → its resolved config (e.g. a `TaskConfig`); gives `configs`, `versions`, `n-shot`, `higher_is_better` and the alias. */
  configs?: Record<string, unknown>;
  /**
   * Task name → documents in its evaluation split before any limit (harness `n-samples.original`).
   * When absent, `original` is the number of documents evaluated.
   */
  originalDocs?: Record<string, number>;
}

type JsonObject = { [key: string]: JsonValue };

/** lm-evaluation-harness's results JSON layout plus assay's fields. */
export function resultsFile(input: ResultsFileInput): Record<string, unknown> {
  const { run, aggregates } = input;
  const configs = input.configs ?? {};
  const tasks = taskOrder(run, aggregates);

  const results: { [task: string]: JsonObject } = {};
  const nSamples: { [task: string]: JsonObject } = {};
  const intervals: { [task: string]: JsonObject } = {};
  for (const task of tasks) {
    const own = aggregates.filter((a) => a.task === task);
    // The harness's sample_len is the length of one metric's item list; the metrics of a task
    // normally share it, and the largest n is the one that counts every evaluated document.
    const sampleLen = own.reduce((max, a) => Math.max(max, a.n), 0);
    const entry: JsonObject = { name: task, alias: alias(task, configs[task]), sample_len: sampleLen };
    const methods: JsonObject = {};
    for (const a of own) {
      const key = `${a.metric},${a.filter}`;
      entry[key] = finite(a.value);
      entry[`${a.metric}_stderr,${a.filter}`] = a.stderr === null ? 'N/A' : finite(a.stderr);
      entry[`${a.metric}_ci,${a.filter}`] = a.ciLow === null || a.ciHigh === null ? null : [finite(a.ciLow), finite(a.ciHigh)];
      entry[`${a.metric}_n,${a.filter}`] = a.n;
      methods[key] = { method: a.method, seed: a.seed };
    }
    results[task] = entry;
    const original = input.originalDocs?.[task];
    nSamples[task] = { original: original ?? sampleLen, effective: sampleLen };
    intervals[task] = methods;
  }

  const sorted = [...tasks].sort();
  const configsOut: JsonObject = {};
  const versions: JsonObject = {};
  const nShot: JsonObject = {};
  const higherIsBetter: JsonObject = {};
  for (const task of sorted) {
    const config = configs[task];
    if (config === undefined) {
      versions[task] = null;
      continue;
    }
    configsOut[task] = toJson(config);
    versions[task] = version(config);
    const shots = field(config, 'num_fewshot');
    nShot[task] = typeof shots === 'number' ? shots : 0;
    const directions = metricDirections(config);
    if (directions !== undefined) higherIsBetter[task] = directions;
  }

  const provenance = run.provenance;
  const colon = run.model.indexOf(':');
  const modelSource = colon > 0 ? run.model.slice(0, colon) : null;
  const modelName = colon > 0 ? run.model.slice(colon + 1) : run.model;
  const fewshotSeeds = new Set(provenance.tasks.map((t) => t.fewshotSeed).filter((s) => s !== null));

  return {
    results,
    group_subtasks: {},
    configs: configsOut,
    versions,
    'n-shot': nShot,
    higher_is_better: higherIsBetter,
    'n-samples': nSamples,
    config: {
      model: run.model,
      model_args: null,
      gen_kwargs: toJson(provenance.modelParams),
      random_seed: provenance.seed,
      fewshot_seed: fewshotSeeds.size === 1 ? [...fewshotSeeds][0] : null,
    },
    git_hash: provenance.gitCommit,
    date: Date.parse(run.createdAt) / 1000,
    task_hashes: {},
    model_source: modelSource,
    model_name: modelName,
    model_name_sanitized: modelName.replace(/["<>:/|\\?*[\]]+/g, '__'),
    total_evaluation_time_seconds: run.finishedAt === null ? null : pyFloatString((Date.parse(run.finishedAt) - Date.parse(run.createdAt)) / 1000),
    assay: {
      run_id: run.id,
      status: run.status,
      started: run.createdAt,
      finished: run.finishedAt,
      tags: input.tags ?? [],
      provenance: {
        model: provenance.model,
        model_params: toJson(provenance.modelParams),
        seed: provenance.seed,
        tool_version: provenance.toolVersion,
        git_commit: provenance.gitCommit,
        tasks: Object.fromEntries(
          provenance.tasks.map((t) => [
            t.task,
            { task_file_hash: t.taskFileHash, data_hash: t.dataHash, template_hash: t.templateHash, fewshot_seed: t.fewshotSeed },
          ]),
        ),
        ...(provenance.plan === undefined ? {} : { plan: toJson(provenance.plan) }),
      },
      totals:
        run.totals === null
          ? null
          : {
              samples: run.totals.samples,
              errors: run.totals.errors,
              cached: run.totals.cached,
              input_tokens: run.totals.inputTokens,
              output_tokens: run.totals.outputTokens,
              cost_usd: finite(run.totals.costUsd),
            },
      intervals,
    },
  };
}

/** The results file as written: 2-space indented JSON (as the harness), ending in a newline. */
export function resultsFileText(input: ResultsFileInput): string {
  return `${JSON.stringify(resultsFile(input), null, 2)}\n`;
}

/** Writes the results file atomically (a temporary file beside it, then rename), creating folders. */
export async function writeResultsFile(path: string, input: ResultsFileInput): Promise<void> {
  await writeFileAtomic(path, resultsFileText(input));
}

/** Writes `text` to `path` through a temporary file in the same folder, so readers never see half a file. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw new AssayError('IO', `cannot write ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Tasks in the run's order (the harness keeps task load order), then any only the aggregates name. */
function taskOrder(run: Run, aggregates: readonly Aggregate[]): string[] {
  const tasks = run.provenance.tasks.map((t) => t.task);
  for (const a of aggregates) if (!tasks.includes(a.task)) tasks.push(a.task);
  return tasks;
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** A plain JSON copy: NaN and ±Infinity become null, undefined members go (JSON.stringify's rules). */
function toJson(value: unknown): JsonValue {
  const text = JSON.stringify(value);
  return text === undefined ? null : (JSON.parse(text) as JsonValue);
}

function field(config: unknown, name: string): unknown {
  return typeof config === 'object' && config !== null ? (config as Record<string, unknown>)[name] : undefined;
}

function alias(task: string, config: unknown): string {
  const value = field(config, 'task_alias');
  return typeof value === 'string' && value !== '' ? value : task;
}

/** The harness's task VERSION: `metadata.version` of the task config (resolved configs also carry `version`). */
function version(config: unknown): JsonValue {
  const own = field(config, 'version');
  if (typeof own === 'number' || typeof own === 'string') return own;
  const meta = field(field(config, 'metadata'), 'version');
  return typeof meta === 'number' || typeof meta === 'string' ? meta : null;
}

function metricDirections(config: unknown): JsonObject | undefined {
  const list = field(config, 'metric_list');
  if (!Array.isArray(list)) return undefined;
  const out: JsonObject = {};
  for (const spec of list) {
    const metric = field(spec, 'metric');
    const higher = field(spec, 'higher_is_better');
    if (typeof metric === 'string') out[metric] = typeof higher === 'boolean' ? higher : null;
  }
  return out;
}

/**
 * Python's `str(float)` for a duration in whole milliseconds, as the harness writes
 * `total_evaluation_time_seconds` ("12.0", not "12"); in that range the two reprs agree otherwise.
 */
function pyFloatString(x: number): string {
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}
