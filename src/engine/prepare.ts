// One task made ready to run: its documents loaded (local files or the Hub), limited, and a
// per-document request builder, as lm-evaluation-harness's ConfigurableTask does between
// download() and build_all_requests(); plus the hashes that make its numbers traceable.
import { AssayError, ConfigError, InputError, isAssayError } from '../core/errors.js';
import { closestNames } from '../core/suggest.js';
import { contentHash } from '../core/signature.js';
import { fieldMapper, mapFields } from '../data/fields.js';
import { fileContentHash, loadDataset, readJsonlObjects, type DataRecord } from '../data/loaders.js';
import { pyStr } from '../tasks/py-values.js';
import { createRequestBuilder, TaskDocs, type Doc, type DocFunction, type RequestRecord, type TaskSpec } from '../tasks/requests.js';
import type { MetricSpec, TaskConfig } from '../tasks/task-config.js';
import type { TaskProvenance } from '../store/types.js';
import { aggregationRegistry } from './aggregate.js';
import { checkRepeatMetric, isRepeatMetric } from './repeat-metrics.js';
import { taskMetricRegistry, type DocOutcome, type MetricOutput } from './task-metrics.js';

/** The harness evaluator's default `--fewshot_seed`. */
export const DEFAULT_FEWSHOT_SEED = 1234;

export interface PrepareOptions {
  /** Evaluate only the first N documents (the harness's `--limit`). */
  limit?: number;
  /** Overrides the task's `num_fewshot`. */
  numFewshot?: number;
  /** Few-shot sampler seed (default 1234, as the harness). */
  fewshotSeed?: number;
  /** Overrides the task's `repeats`. */
  repeats?: number;
  /** Loads the split of a Hugging Face data set (`dataset_path: owner/name`). */
  hub?: (path: string, name: string | null, split: string) => Promise<{ records: DataRecord[]; hash: string }>;
  /** Documents from elsewhere than the config's data set (built-in benchmarks' release files). */
  splits?: () => Promise<TaskSplitsSource>;
  /** `!function` hooks written in TypeScript. */
  hooks?: TaskHooks;
  /**
   * Read local JSON Lines eval files twice instead of holding them: once now (every record
   * checked and counted), then document by document while the run goes (`documents()`), so a
   * run's memory does not grow with the data set. Ignored where documents must be held (few-shot
   * examples drawn from the eval split, other formats, the Hub, `splits`).
   */
  stream?: boolean;
}

/** A task's documents when they do not come from its config's data set. */
export interface TaskSplitsSource {
  eval: DataRecord[];
  /** The few-shot pool (when the task takes few-shot examples). */
  fewshot?: DataRecord[];
  /** Whether the few-shot pool is the eval split (the eval document is then never its own example). */
  sameSplit: boolean;
  /** Content hash of what was read. */
  hash: string;
  locate?: (i: number) => { file: string; line?: number };
}

/** lm-evaluation-harness's `!function` hooks, in TypeScript. */
export interface TaskHooks {
  docToText?: DocFunction;
  docToTarget?: DocFunction;
  docToChoice?: DocFunction;
  /**
   * process_results: scores one document in place of the metric_list's per-document metrics.
   * It returns one entry per metric_list metric (aggregated with the entry's aggregation).
   */
  processResults?: (doc: Doc, outcome: DocOutcome) => Record<string, MetricOutput>;
}

/** What one document asks of the model (before repeats). */
export type DocRequest = RequestRecord | { doc_id: number; rolling: string };

export interface PreparedTask {
  config: TaskConfig;
  name: string;
  /** Documents evaluated, in split order (after `limit`); empty when `streamed` (use `documents()`). */
  docs: Doc[];
  /** Number of documents evaluated (after `limit`). */
  docCount: number;
  /** Whether the documents are read from disk as the run goes rather than held. */
  streamed: boolean;
  /** The documents in order, with where each came from. */
  documents(): AsyncGenerator<{ doc: Doc; origin?: { file: string; line?: number } }>;
  /** The request of one document; call in doc order (the random few-shot sampler draws in sequence). */
  requestFor(docId: number, doc: Doc, origin?: { file: string; line?: number }): DocRequest;
  /** Size of the evaluation split before `limit`. */
  splitSize: number;
  numFewshot: number;
  repeats: number;
  taskDocs: TaskDocs;
  /** Builds the request of `docs[docId]`; call in doc order (the random few-shot sampler draws in sequence). */
  request(docId: number): DocRequest;
  /** Choice texts of a document (multiple_choice tasks and generate_until tasks with doc_to_choice). */
  choices(doc: Doc): string[] | undefined;
  /** The reference answer(s) of a document as the harness's process_results takes them. */
  target(doc: Doc): string | string[];
  provenance: TaskProvenance;
  /** The metric_list entries scored per document (all but pass@k, consistency and judges). */
  perDocumentMetrics: MetricSpec[];
  /** `metric: judge` entries: graded by a judge model after generation. */
  judgeMetrics: MetricSpec[];
  /** Whether multiple-choice documents also need log P(choice) with an empty context (acc_mutual_info). */
  needsUnconditional: boolean;
  /** The task's own process_results, when it has one. */
  processResults?: (doc: Doc, outcome: DocOutcome) => Record<string, MetricOutput>;
}

/** The part of a TaskConfig that decides prompts, as a TaskSpec for the request builder. */
export function taskSpec(config: TaskConfig): TaskSpec {
  const outputType = config.output_type === 'loglikelihood_rolling' ? 'loglikelihood' : config.output_type;
  return {
    name: config.task,
    outputType,
    docToText: config.doc_to_text ?? '',
    docToTarget: config.doc_to_target ?? '',
    ...(config.doc_to_choice === null ? {} : { docToChoice: config.doc_to_choice }),
    description: config.description,
    targetDelimiter: config.target_delimiter,
    fewshotDelimiter: config.fewshot_delimiter,
    ...(config.generation_kwargs === null ? {} : { until: config.generation_kwargs.until }),
  };
}

/** sha256 (12 hex) of everything that shapes a prompt. */
export function templateHash(config: TaskConfig): string {
  return contentHash(
    JSON.stringify([
      config.output_type,
      config.doc_to_text,
      config.doc_to_target,
      config.doc_to_choice,
      config.description,
      config.target_delimiter,
      config.fewshot_delimiter,
      config.generation_kwargs,
      config.fewshot_config,
    ]),
  );
}

interface LoadedSplit {
  records: DataRecord[];
  hash: string;
  /** Where record i came from (file and, for JSON Lines and CSV, line). */
  locate?: (i: number) => { file: string; line?: number };
}

async function loadSplit(config: TaskConfig, split: string, options: PrepareOptions): Promise<LoadedSplit> {
  const source = config.dataset;
  if (source.kind === 'hub') {
    if (options.hub === undefined) throw new ConfigError(`task "${config.task}": data set ${source.path} is on the Hugging Face Hub and no Hub loader is configured`, { file: config.file });
    return options.hub(source.path, source.name, split);
  }
  const files = source.splits[split];
  if (files === undefined) {
    const known = Object.keys(source.splits);
    throw new ConfigError(`task "${config.task}": split "${split}" has no data files; the task names ${known.length > 0 ? known.map((s) => `"${s}"`).join(', ') : 'none'}`, {
      file: config.file,
      field: 'dataset_kwargs.data_files',
    });
  }
  const records: DataRecord[] = [];
  const hashes: string[] = [];
  const parts: { start: number; file: string; lines: number[] | undefined }[] = [];
  for (const file of files) {
    const loaded = await loadDataset(file.path, { format: file.format, ...(source.json_field === undefined ? {} : { split: source.json_field }), ...(source.columns === undefined ? {} : { columns: source.columns }) });
    hashes.push(loaded.hash);
    parts.push({ start: records.length, file: file.path, lines: loaded.lines });
    const rows = source.fields === undefined ? loaded.records : mapFields(loaded, source.fields);
    for (const row of rows) records.push(row);
  }
  const locate = (i: number) => {
    const part = parts.findLast((p) => p.start <= i)!;
    const line = part.lines?.[i - part.start];
    return line === undefined ? { file: part.file } : { file: part.file, line };
  };
  return { records, hash: hashes.length === 1 ? hashes[0]! : contentHash(hashes.join('\0')), locate };
}

interface StreamedSplit {
  /** Records in the split (before `limit`). */
  total: number;
  /** Records evaluated (after `limit`). */
  count: number;
  hash: string;
  first: { doc: DataRecord; origin: { file: string; line: number } } | undefined;
  documents(): AsyncGenerator<{ doc: DataRecord; origin: { file: string; line: number } }>;
}

/** Local JSON Lines files checked and counted now, read again record by record later. */
async function streamSplit(config: TaskConfig, split: string, limit: number | undefined): Promise<StreamedSplit | undefined> {
  const source = config.dataset;
  if (source.kind !== 'local') return undefined;
  const files = source.splits[split];
  if (files === undefined || files.length === 0 || files.some((f) => f.format !== 'jsonl')) return undefined;
  const mappers = files.map((f) => (source.fields === undefined ? undefined : fieldMapper(source.fields, f.path)));
  async function* read(limit: number | undefined): AsyncGenerator<{ doc: DataRecord; origin: { file: string; line: number } }> {
    let n = 0;
    for (const [f, file] of files!.entries()) {
      const map = mappers[f];
      let index = 0;
      for await (const { line, value } of readJsonlObjects(file.path)) {
        if (limit !== undefined && n >= limit) return;
        yield { doc: map === undefined ? value : map(value, index++, line), origin: { file: file.path, line } };
        n++;
      }
    }
  }
  let total = 0;
  let first: StreamedSplit['first'];
  for await (const record of read(undefined)) {
    if (total === 0) first = record;
    total++;
  }
  const hashes = await Promise.all(files.map((f) => fileContentHash(f.path)));
  const count = limit === undefined ? total : Math.min(total, limit);
  return { total, count, hash: hashes.length === 1 ? hashes[0]! : contentHash(hashes.join('\0')), first: count > 0 ? first : undefined, documents: () => read(limit) };
}

function positiveInt(value: number | undefined, field: string, task: TaskConfig, min: number): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < min)) {
    throw new ConfigError(`task "${task.task}": ${field} must be an integer >= ${min}, got ${value}`, { file: task.file, field });
  }
}

/** A prompt that cannot be built, with the task, the document and (for a missing field) the fields it has. */
function documentError(error: unknown, config: TaskConfig, docId: number, doc: Doc, origin: { file: string; line?: number } | undefined): unknown {
  if (!isAssayError(error)) return error;
  const missing = /'([^']+)' is undefined/.exec(error.message)?.[1];
  const fields = Object.keys(doc);
  let hint = '';
  if (missing !== undefined) {
    const close = closestNames(missing, fields);
    hint = `; the document has ${fields.length > 0 ? fields.join(', ') : 'no fields'}${close.length > 0 ? ` (did you mean ${close.map((c) => `"${c}"`).join(' or ')}?)` : ''}`;
  }
  const from = origin === undefined ? '' : ` (${origin.file}${origin.line === undefined ? '' : `:${origin.line}`})`;
  return new AssayError(error.code, `task "${config.task}", document ${docId}${from}: ${error.message}${hint}`, { location: { file: config.file }, cause: error });
}

/** Metrics, aggregations and filter pipelines are checked before any document is read. */
export function checkTaskScoring(config: TaskConfig, repeats: number = config.repeats): void {
  const at = (field: string) => ({ file: config.file, field });
  config.metric_list.forEach((spec, i) => {
    if (spec.metric === 'judge') {
      if (config.output_type !== 'generate_until') throw new ConfigError(`task "${config.task}": metric judge grades generated answers; it needs output_type generate_until`, at(`metric_list[${i}].metric`));
      if (spec.judge === undefined) throw new ConfigError(`task "${config.task}": metric judge needs its settings: judge: {kind: single|reference|geval|classify, model: PROVIDER:MODEL}`, at(`metric_list[${i}].judge`));
      return;
    }
    if (spec.judge !== undefined) throw new ConfigError(`task "${config.task}": judge settings belong to metric: judge, not ${spec.metric}`, at(`metric_list[${i}].judge`));
    if (isRepeatMetric(spec.metric)) {
      if (config.output_type !== 'generate_until') throw new ConfigError(`task "${config.task}": ${spec.metric} scores repeated generations; it needs output_type generate_until`, at(`metric_list[${i}].metric`));
      return;
    }
    let def;
    try {
      def = taskMetricRegistry.get(spec.metric);
    } catch (error) {
      throw new ConfigError(`task "${config.task}": ${(error as Error).message}`, at(`metric_list[${i}].metric`));
    }
    if (!def.outputTypes.includes(config.output_type)) {
      throw new ConfigError(`task "${config.task}": metric ${spec.metric} does not apply to output_type ${config.output_type} (it scores ${def.outputTypes.join(', ')})`, at(`metric_list[${i}].metric`));
    }
    try {
      aggregationRegistry.get(spec.aggregation);
    } catch (error) {
      throw new ConfigError(`task "${config.task}": ${(error as Error).message}`, at(`metric_list[${i}].aggregation`));
    }
  });
  for (const spec of config.metric_list) if (isRepeatMetric(spec.metric)) checkRepeatMetric(spec, repeats, config.task);
  config.filter_list.forEach((pipeline, i) => {
    const first = pipeline.filter.findIndex((step) => step.function === 'take_first');
    if (first >= 0 && first < pipeline.filter.length - 1) {
      throw new ConfigError(`task "${config.task}": filter pipeline "${pipeline.name}" has ${pipeline.filter[first + 1]!.function} after take_first, which already reduced the responses to one; put take_first last`, at(`filter_list[${i}].filter[${first + 1}]`));
    }
  });
}

/** Loads a task's documents and readies its requests. */
export async function prepareTask(config: TaskConfig, options: PrepareOptions = {}): Promise<PreparedTask> {
  if (options.hooks?.processResults === undefined) checkTaskScoring(config, options.repeats ?? config.repeats);
  positiveInt(options.limit, 'limit', config, 0);
  positiveInt(options.numFewshot, 'num_fewshot', config, 0);
  positiveInt(options.repeats, 'repeats', config, 1);
  const source = options.splits === undefined ? undefined : await options.splits();
  const numFewshot = options.numFewshot ?? config.num_fewshot;
  const fewshotFromEval = numFewshot > 0 && config.fewshot_config.samples === null && config.fewshot_source_split === config.eval_split;
  const streamed = options.stream === true && source === undefined && !fewshotFromEval ? await streamSplit(config, config.eval_split, options.limit) : undefined;
  const evalSplit: LoadedSplit =
    streamed !== undefined
      ? { records: [], hash: streamed.hash }
      : source === undefined
        ? await loadSplit(config, config.eval_split, options)
        : { records: source.eval, hash: source.hash, ...(source.locate === undefined ? {} : { locate: source.locate }) };
  const fewshotSeed = options.fewshotSeed ?? DEFAULT_FEWSHOT_SEED;
  let fewshotDocs: Doc[] | undefined;
  const sameSplit = source?.sameSplit ?? (config.fewshot_source_split === config.eval_split && config.fewshot_config.samples === null);
  if (numFewshot > 0) {
    if (config.fewshot_config.samples !== null) fewshotDocs = config.fewshot_config.samples;
    else if (source !== undefined) {
      if (source.fewshot === undefined && !source.sameSplit) throw new ConfigError(`task "${config.task}": num_fewshot ${numFewshot} needs few-shot examples, and its data has no few-shot split`, { file: config.file, field: 'num_fewshot' });
      fewshotDocs = source.fewshot ?? source.eval;
    } else if (config.fewshot_source_split === null) {
      throw new ConfigError(`task "${config.task}": num_fewshot ${numFewshot} needs few-shot examples: set fewshot_split (or training_split / validation_split) or fewshot_config.samples`, { file: config.file, field: 'num_fewshot' });
    } else fewshotDocs = sameSplit ? evalSplit.records : (await loadSplit(config, config.fewshot_source_split, options)).records;
  }
  const docs = options.limit === undefined ? evalSplit.records : evalSplit.records.slice(0, options.limit);
  const hooks = options.hooks ?? {};
  const spec: TaskSpec = {
    ...taskSpec(config),
    ...(hooks.docToText === undefined ? {} : { docToText: hooks.docToText }),
    ...(hooks.docToTarget === undefined ? {} : { docToTarget: hooks.docToTarget }),
    ...(hooks.docToChoice === undefined ? {} : { docToChoice: hooks.docToChoice }),
  };
  const taskDocs = new TaskDocs(spec);
  const build = createRequestBuilder(spec, streamed === undefined ? docs[0] : streamed.first?.doc, {
    numFewshot,
    ...(fewshotDocs === undefined ? {} : { fewshotDocs }),
    sampler: config.fewshot_config.sampler === 'first_n' ? 'first_n' : 'default',
    seed: fewshotSeed,
    sameSplit,
  });
  const where = (docId: number) => ({ file: config.file, field: `doc ${docId}` });
  const choices = (doc: Doc) => taskDocs.choices(doc)?.map((c) => pyStr(c));
  const requestFor = (docId: number, doc: Doc, origin?: { file: string; line?: number }): DocRequest => {
    try {
      // construct_requests: loglikelihood_rolling scores doc_to_target(doc) alone.
      if (config.output_type === 'loglikelihood_rolling') return { doc_id: docId, rolling: pyStr(taskDocs.target(doc)) };
      return build(doc, docId);
    } catch (error) {
      throw documentError(error, config, docId, doc, origin ?? evalSplit.locate?.(docId));
    }
  };
  const requestOf = (docId: number): DocRequest => {
    const doc = docs[docId];
    if (doc === undefined) throw new InputError(`task "${config.task}" has no document ${docId}`, where(docId));
    return requestFor(docId, doc);
  };
  // The first document is built now, so a template that cannot render fails before the run starts.
  const firstDoc = streamed === undefined ? (docs.length > 0 ? { doc: docs[0]!, origin: evalSplit.locate?.(0) } : undefined) : streamed.first;
  const first = firstDoc === undefined ? undefined : requestFor(0, firstDoc.doc, firstDoc.origin);
  async function* documents(): AsyncGenerator<{ doc: Doc; origin?: { file: string; line?: number } }> {
    if (streamed !== undefined) {
      yield* streamed.documents();
      return;
    }
    for (let i = 0; i < docs.length; i++) {
      const origin = evalSplit.locate?.(i);
      yield origin === undefined ? { doc: docs[i]! } : { doc: docs[i]!, origin };
    }
  }
  return {
    config,
    name: config.task,
    docs,
    docCount: streamed?.count ?? docs.length,
    streamed: streamed !== undefined,
    documents,
    requestFor: (docId, doc, origin) => (docId === 0 && first !== undefined ? first : requestFor(docId, doc, origin)),
    splitSize: streamed?.total ?? evalSplit.records.length,
    numFewshot,
    repeats: options.repeats ?? config.repeats,
    taskDocs,
    request: (docId) => (docId === 0 && first !== undefined ? first : requestOf(docId)),
    choices,
    target(doc) {
      // process_results (generate_until): an int target picks a choice; a list is several golds.
      const gold = taskDocs.target(doc);
      const list = choices(doc);
      if (list !== undefined && typeof gold !== 'string' && !Array.isArray(gold)) {
        const i = Number(gold);
        if (!Number.isInteger(i) || i < 0 || i >= list.length) throw new ConfigError(`task "${config.task}": doc_to_target gave ${pyStr(gold)}, not an index into ${list.length} choices`, { file: config.file });
        return list[i]!;
      }
      if (Array.isArray(gold)) return gold.map((g) => pyStr(g));
      return pyStr(gold);
    },
    perDocumentMetrics: config.metric_list.filter((m) => !isRepeatMetric(m.metric) && m.metric !== 'judge'),
    judgeMetrics: config.metric_list.filter((m) => m.metric === 'judge'),
    needsUnconditional: config.output_type === 'multiple_choice' && config.metric_list.some((m) => m.metric === 'acc_mutual_info'),
    ...(hooks.processResults === undefined ? {} : { processResults: hooks.processResults }),
    provenance: {
      task: config.task,
      taskFileHash: config.hash,
      dataHash: evalSplit.hash,
      templateHash: templateHash(config),
      fewshotSeed: numFewshot > 0 ? fewshotSeed : null,
    },
  };
}
