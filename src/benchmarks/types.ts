// A built-in benchmark task: the harness's task YAML (parsed like any task file), its
// `!function` hooks in TypeScript, and a loader for the benchmark's original release files
// (the layout of a `--data-dir`), beside the Hugging Face data set the YAML names.
import type { TaskHooks, TaskSplitsSource } from '../engine/prepare.js';
import type { TaskConfig } from '../tasks/task-config.js';

export interface BenchmarkTask {
  /** The harness task name, e.g. `mmlu_astronomy`, `hellaswag`. */
  name: string;
  /** The harness YAML fields (its `dataset_path` names the Hugging Face data set). */
  config: TaskConfig;
  hooks?: TaskHooks;
  /**
   * Reads the original release files under `dataDir` (e.g. `dataDir/hellaswag/hellaswag_val.jsonl`)
   * into the documents the harness sees (the Hugging Face rows, after process_docs).
   */
  load(dataDir: string): Promise<TaskSplitsSource>;
  /** Hugging Face rows (after a Hub download) → the documents the harness sees (process_docs); identity when absent. */
  fromHub?: (rows: Record<string, unknown>[]) => Record<string, unknown>[];
}

/** A harness group: its score is the size-weighted mean of its tasks' (aggregate_metric_list, weight_by_size). */
export interface BenchmarkGroup {
  name: string;
  /** Task or group names. */
  members: string[];
  /** Metrics aggregated over the members, e.g. ['acc']. */
  metrics: string[];
}
