// The run's results as one JSON file in lm-evaluation-harness's layout (lm_eval/evaluator_utils.py
// `_to_eval_results`, evaluator.py `simple_evaluate`, loggers/evaluation_tracker.py, at 4e7e0d4), so
// tools that read harness results find `results[task]["acc,none"]`; assay's own fields sit beside
// the harness's (`<metric>_ci,<filter>`, `<metric>_n,<filter>`, a top-level `assay`). Differences:
// NaN is written as null (JSON has no NaN; the harness writes a bare `NaN`), and there are no
// per-sample `task_hashes` (assay keeps task, data and template hashes under `assay.provenance`).
// The samples export beside it: JSON Lines or RFC 4180 CSV, streamed page by page from the store.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AssayError } from '../core/errors.js';
import type { Aggregate, JsonValue, ResultStore, Run, Sample } from '../store/types.js';

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
  /** Groups of the run (harness `group_subtasks`: group → its members). */
  groups?: readonly { name: string; members: readonly string[] }[];
}

type JsonObject = { [key: string]: JsonValue };

/** lm-evaluation-harness's results JSON layout plus assay's fields. */
export function resultsFile(input: ResultsFileInput): Record<string, unknown> {
  const { run, aggregates } = input;
  const configs = input.configs ?? {};
  const tasks = tasksOfRun(run, aggregates);

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
      // "N/A" when there is no standard error, as the harness writes it (its table prints it; a null would not format).
      entry[`${a.metric}_stderr,${a.filter}`] = a.stderr === null || !Number.isFinite(a.stderr) ? 'N/A' : a.stderr;
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
  // Provenance members beyond the fixed ones (e.g. the run's plan) are kept, under snake_case names.
  const { model: _model, modelParams: _params, tasks: _tasks, seed: _seed, toolVersion: _tool, gitCommit: _git, ...rest } = provenance;
  const extras = Object.fromEntries(Object.entries(rest).map(([key, value]) => [snakeName(key), toJson(value)]));
  const colon = run.model.indexOf(':');
  const modelSource = colon > 0 ? run.model.slice(0, colon) : null;
  const modelName = colon > 0 ? run.model.slice(colon + 1) : run.model;
  const fewshotSeeds = new Set(provenance.tasks.map((t) => t.fewshotSeed).filter((s) => s !== null));

  return {
    results,
    group_subtasks: Object.fromEntries((input.groups ?? []).map((g) => [g.name, [...g.members]])),
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
        ...extras,
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

/**
 * Writes `content` (text, or text chunks written as they come, with backpressure) to a temporary
 * file in the same folder and renames it over `path`, so readers never see half a file.
 */
export async function writeFileAtomic(path: string, content: string | AsyncIterable<string>): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    const stream = createWriteStream(tmp, { encoding: 'utf8' });
    const failed = new Promise<never>((_, reject) => stream.once('error', reject));
    failed.catch(() => undefined);
    const write = async (text: string): Promise<void> => {
      if (!stream.write(text)) await Promise.race([new Promise<void>((resolve) => stream.once('drain', () => resolve())), failed]);
    };
    try {
      if (typeof content === 'string') await write(content);
      else for await (const text of content) await write(text);
    } finally {
      await Promise.race([new Promise<void>((resolve) => stream.end(() => resolve())), failed]);
    }
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    if (error instanceof AssayError) throw error;
    throw new AssayError('IO', `cannot write ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** The run's tasks in its order (the harness keeps task load order), then any only the aggregates name. */
export function tasksOfRun(run: Run, aggregates: readonly Aggregate[]): string[] {
  const tasks = run.provenance.tasks.map((t) => t.task);
  for (const a of aggregates) if (!tasks.includes(a.task)) tasks.push(a.task);
  return tasks;
}

// ---- samples ---------------------------------------------------------------------------------

/**
 * Samples read per store page while exporting: a store page costs an OFFSET walk, so fewer,
 * larger pages are faster (100k samples: 10.5 s at 500, 6.6 s at 2000), and 2000 samples stay a
 * few megabytes in memory.
 */
export const EXPORT_PAGE_SIZE = 2000;

export interface SampleFileOptions {
  /** Tasks to export, in order (default: the run's tasks). */
  tasks?: readonly string[];
  /** Samples per store page (default EXPORT_PAGE_SIZE). */
  pageSize?: number;
}

/** A piece of an export file and how many samples it holds. */
export interface FileChunk {
  text: string;
  samples: number;
}

/** The fixed CSV columns; one column per metric follows, sorted by name. */
export const CSV_COLUMNS = [
  'run_id', 'task', 'doc_id', 'repeat', 'status', 'error_reason', 'filtered_answer', 'raw_response',
  'latency_ms', 'input_tokens', 'output_tokens', 'cost_usd', 'cached',
] as const;

/**
 * The run's samples as JSON Lines (every field, snake_case names, NaN as null) or CSV, one chunk
 * per store page, tasks in order and samples by (doc_id, repeat). CSV reads the samples twice:
 * once for the metric columns, which the header must name, then for the rows.
 */
export async function* sampleFileChunks(store: ResultStore, run: Run, format: 'jsonl' | 'csv', options: SampleFileOptions = {}): AsyncGenerator<FileChunk> {
  const tasks = options.tasks ?? tasksOfRun(run, []);
  const pages = () => samplePages(store, run.id, tasks, options.pageSize ?? EXPORT_PAGE_SIZE);
  if (format === 'jsonl') {
    for await (const page of pages()) {
      yield { text: page.map((s) => `${JSON.stringify(snakeCase({ runId: run.id, ...s }))}\n`).join(''), samples: page.length };
    }
    return;
  }
  const metricSet = new Set<string>();
  for await (const page of pages()) for (const s of page) for (const m of Object.keys(s.scores)) metricSet.add(m);
  const metrics = [...metricSet].sort();
  const fixed: readonly string[] = CSV_COLUMNS;
  // A metric named like a fixed column is written as `score:<name>`, so no header repeats.
  yield { text: csvLine([...CSV_COLUMNS, ...metrics.map((m) => (fixed.includes(m) ? `score:${m}` : m))]), samples: 0 };
  for await (const page of pages()) {
    let text = '';
    for (const s of page) {
      text += csvLine([
        run.id, s.task, s.docId, s.repeat, s.status, s.errorReason, s.filteredAnswer, s.rawResponse,
        s.latencyMs, s.inputTokens, s.outputTokens, s.costUsd, s.cached ? 'true' : 'false',
        ...metrics.map((m) => (m in s.scores ? s.scores[m] : null)),
      ]);
    }
    yield { text, samples: page.length };
  }
}

async function* samplePages(store: ResultStore, runId: string, tasks: readonly string[], pageSize: number): AsyncGenerator<Sample[]> {
  for (const task of tasks) {
    for (let offset = 0; ; offset += pageSize) {
      const { samples } = await store.samplePage(runId, task, offset, pageSize);
      if (samples.length > 0) yield samples;
      if (samples.length < pageSize) break;
    }
  }
}

/** One RFC 4180 record: CRLF-terminated; a field with a quote, comma, CR or LF is quoted, quotes doubled; null is empty. */
export function csvLine(fields: ReadonlyArray<string | number | null>): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = typeof value === 'number' ? String(value) : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function snakeName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** A record under the snake_case names the CSV columns and harness files use (`docId` → `doc_id`). */
function snakeCase(record: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [snakeName(key), value]));
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
