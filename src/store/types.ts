// The results store contract: runs, samples, scores, aggregates and tags, after inspect_ai's
// eval log (a sample that could not be scored is stored with its reason, never dropped) and
// lm-evaluation-harness's per-sample records keyed by (task, doc_id, repeat). Every method is
// async so a server database can implement the same interface; SQLiteStore is the first one.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export const RUN_STATUSES = ['running', 'finished', 'interrupted', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Where one task's numbers came from: enough to tell whether two runs are comparable. */
export interface TaskProvenance {
  task: string;
  /** SHA-256 of the task file (hex). */
  taskFileHash: string;
  /** SHA-256 of the evaluation data as read. */
  dataHash: string;
  /** SHA-256 of the prompt template(s). */
  templateHash: string;
  /** Seed of the few-shot sampler, or null when the task has no few-shot examples. */
  fewshotSeed: number | null;
}

/** What `createRun` records; stored as given and returned by `getRun`. */
export interface RunProvenance {
  /** Parsed-once model id, `provider:model`. */
  model: string;
  /** Generation parameters (temperature, max tokens, …) as passed to the provider. */
  modelParams: { [key: string]: JsonValue };
  tasks: TaskProvenance[];
  /** Run-level seed (sampling, bootstrap), or null when nothing random was drawn. */
  seed: number | null;
  toolVersion: string;
  /** `git rev-parse HEAD` of the tool, or null outside a checkout. */
  gitCommit: string | null;
  /** What the run was asked to do (task files, limits, provider options), so `--resume` can redo it. */
  plan?: JsonValue;
  /** The judges of `metric: judge` entries: task, metric, model, kind, template hash, parameters. */
  judges?: JsonValue[];
}

export interface RunTotals {
  samples: number;
  errors: number;
  cached: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface Run {
  /** Unique and sortable by creation time (ULID-like: 26 Crockford base-32 characters). */
  id: string;
  /** ISO 8601, UTC. */
  createdAt: string;
  finishedAt: string | null;
  status: RunStatus;
  model: string;
  provenance: RunProvenance;
  /** Null until `finishRun`. */
  totals: RunTotals | null;
}

export const SAMPLE_STATUSES = ['scored', 'error'] as const;
export type SampleStatus = (typeof SAMPLE_STATUSES)[number];

/** Identity of a sample within a run: appends are idempotent per key. */
export interface SampleKey {
  task: string;
  /** Index of the document in the task's evaluation split (integer ≥ 0). */
  docId: number;
  /** Which of the task's repeats (0-based). */
  repeat: number;
}

export interface Sample extends SampleKey {
  /** The document's fields as read from the data set. */
  inputs: JsonValue;
  /** The rendered prompt (chat prompts as their JSON text). */
  prompt: string;
  /** The model's output before filtering; null when the request failed. */
  rawResponse: string | null;
  /** The answer after the task's filters; null when the request failed. */
  filteredAnswer: string | null;
  /** One value per metric name; empty for an errored sample. */
  scores: { [metric: string]: number };
  status: SampleStatus;
  /** Why the sample is `error`; null when scored. */
  errorReason: string | null;
  latencyMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  /** Whether the response came from the response cache. */
  cached: boolean;
  /**
   * Per `"<metric>,<filter>"` key, what the metric's aggregation consumes (a number, or a pair
   * such as `[loglikelihood, words]` or `[reference, prediction]`); absent for an errored sample.
   */
  items?: { [key: string]: JsonValue };
}

export interface Aggregate {
  task: string;
  metric: string;
  /** Name of the filter pipeline the metric was computed after (harness's `filter`, e.g. `none`). */
  filter: string;
  value: number;
  n: number;
  stderr: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  /** How the interval was made (e.g. `bootstrap-percentile`, `wilson`). */
  method: string | null;
  /** Seed of the resampling, or null for closed-form intervals. */
  seed: number | null;
}

export interface AppendResult {
  /** Samples written by this call. */
  inserted: number;
  /** Samples whose key was already stored (a resumed run re-sending them). */
  skipped: number;
}

export interface SamplePage {
  samples: Sample[];
  /** Samples of this run and task in the store. */
  total: number;
}

export interface ListRunsFilter {
  model?: string;
  /** Runs that include this task. */
  task?: string;
  status?: RunStatus;
  tag?: string;
  limit?: number;
}

export interface FinishedKeysOptions {
  /** Also count errored samples as finished (default true); false lets a resume retry them. */
  includeErrors?: boolean;
}

export interface ResultStore {
  /** Records a new run with status `running`; returns its id. */
  createRun(provenance: RunProvenance): Promise<string>;
  /**
   * Writes a batch in one transaction: either every sample of the batch is stored or none is.
   * A key already stored is skipped, except that a scored sample replaces an errored one (a
   * retried request).
   */
  appendSamples(runId: string, samples: readonly Sample[]): Promise<AppendResult>;
  /** Keys already stored for the run, as `sampleKey()` strings, for resume. */
  finishedKeys(runId: string, options?: FinishedKeysOptions): Promise<Set<string>>;
  /** Stores aggregates, replacing any with the same (task, metric, filter). */
  setAggregates(runId: string, aggregates: readonly Aggregate[]): Promise<void>;
  aggregates(runId: string): Promise<Aggregate[]>;
  /** Ends a run: status must not be `running`. */
  finishRun(runId: string, status: Exclude<RunStatus, 'running'>, totals: RunTotals): Promise<void>;
  /** Sets an interrupted or failed run back to `running` (`--resume`); a finished run is refused. */
  resumeRun(runId: string): Promise<Run>;
  /** The run, or undefined when the id is unknown. */
  getRun(runId: string): Promise<Run | undefined>;
  /** Newest first. */
  listRuns(filter?: ListRunsFilter): Promise<Run[]>;
  /** The newest run of `model` that includes `task` with the given status (default `finished`). */
  latestRun(model: string, task: string, status?: RunStatus): Promise<Run | undefined>;
  /** Samples of one task of a run ordered by (docId, repeat). */
  samplePage(runId: string, task: string, offset: number, limit: number): Promise<SamplePage>;
  addTag(runId: string, tag: string): Promise<void>;
  /** The run's tags, sorted. */
  tags(runId: string): Promise<string[]>;
  close(): Promise<void>;
}

/** The string form of a sample key used by `finishedKeys`. */
export function sampleKey(key: SampleKey): string {
  return `${key.task}\u0000${key.docId}\u0000${key.repeat}`;
}
