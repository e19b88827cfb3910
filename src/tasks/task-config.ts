// Task YAML files with the field names and defaults of lm-evaluation-harness's TaskConfig
// (lm_eval/api/task.py, v0.4) plus a shorter assay form for local data (`data:`, `cluster_field`).
// Differences: Python `!function` hooks are refused, and unknown keys are errors, not warnings.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, visit, type Document, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { contentHash } from '../core/signature.js';
import { unknownNameMessage } from '../core/suggest.js';
import { DATA_FORMATS, formatFromPath, type DataFormat } from '../data/loaders.js';
import {
  DEFAULT_METRICS,
  FILTER_OPTIONS,
  METRIC,
  METRIC_DEFAULTS,
  type OutputType,
  type RawTaskConfig,
  TASK_CONFIG_SCHEMA,
} from './task-schema.js';

export { FILTER_FUNCTIONS, type FilterFunction, OUTPUT_TYPES, type OutputType } from './task-schema.js';


/** One step of a filter pipeline, with the harness's defaults filled in. */
export type FilterStep =
  | { function: 'regex'; regex_pattern: string; group_select: number; fallback: string }
  | { function: 'map'; mapping_dict: Readonly<Record<string, unknown>>; default_value: unknown }
  | { function: 'take_first' | 'majority_vote' | 'lowercase' | 'uppercase' | 'strip' | 'remove_whitespace' };

export interface FilterPipeline {
  name: string;
  filter: FilterStep[];
}

export interface MetricSpec {
  metric: string;
  aggregation: string;
  higher_is_better: boolean;
  /** exact_match options, only when given. */
  ignore_case?: boolean;
  ignore_punctuation?: boolean;
  regexes_to_ignore?: string[];
  ignore_numbers?: boolean;
  /** metric: judge — the judge's settings (relative template paths resolved against the task file). */
  judge?: {
    kind: 'single' | 'reference' | 'geval' | 'classify';
    /** The judge model; for a panel, its models joined with "+". */
    model: string;
    /** A panel's models (two or more), graded together and combined. */
    panel?: string[];
    combine?: 'mean' | 'median' | 'majority';
    template?: string;
    scale?: [number, number];
    choices?: Record<string, number>;
    reasoning?: boolean;
    samples?: number;
    temperature?: number;
    maxTokens?: number;
    structured?: boolean;
    preset?: string;
    criteria?: string;
    /** Require a stored `assay judge validate` report for this judge (with these minimums). */
    requireValidation?: { minAlpha?: number; minKappa?: number };
  };
  /** The score's name when it is not the metric's (several judges in one task). */
  name?: string;
}

/** Where documents come from: local files per split, or a Hugging Face data set reference. */
export type DatasetSource =
  | {
      kind: 'local';
      /** Split name → its files (absolute paths), in order. */
      splits: Readonly<Record<string, readonly DataFile[]>>;
      /** JSON only: the key of the array in a `{key: [...]}` file. */
      json_field?: string;
      /** CSV only: column names for a file without a header row. */
      columns?: string[];
      /** `{newName: column}` or a list of kept columns. */
      fields?: Readonly<Record<string, string>> | readonly string[];
    }
  | { kind: 'hub'; path: string; name: string | null };

/** A local data file and the loader format to read it with (`loadDataset`'s `format`). */
export interface DataFile {
  path: string;
  format: DataFormat;
}

export type DocField = string | number;

/** A validated task with every default resolved (see `resolveDefaults`). */
export interface TaskConfig {
  task: string;
  task_alias: string | null;
  tag: string[];
  group: string[];
  /** The YAML file (absolute) and its content hash (with any included files). */
  file: string;
  hash: string;
  dataset: DatasetSource;
  test_split: string | null;
  validation_split: string | null;
  training_split: string | null;
  fewshot_split: string | null;
  /** The split documents are evaluated on: test_split, else validation_split (as the harness). */
  eval_split: string;
  /** The split few-shot examples come from: fewshot_split, else training, else validation; null if none. */
  fewshot_source_split: string | null;
  doc_to_text: DocField | null;
  doc_to_target: DocField | null;
  doc_to_choice: string | string[] | null;
  target_delimiter: string;
  fewshot_delimiter: string;
  description: string;
  num_fewshot: number;
  fewshot_config: { sampler: 'first_n' | 'random'; samples: Record<string, unknown>[] | null };
  output_type: OutputType;
  /** Set for generate_until (greedy, until the few-shot delimiter, when the file gives none). */
  generation_kwargs: { until: string[]; max_gen_toks?: number; temperature: number; do_sample: boolean } | null;
  filter_list: FilterPipeline[];
  metric_list: MetricSpec[];
  repeats: number;
  should_decontaminate: boolean;
  doc_to_decontamination_query: string | null;
  metadata: Record<string, unknown>;
  version: number | null;
  cluster_field: string | null;
}

/** Reads and validates a task YAML file; `include:` paths are resolved beside it. */
export function loadTaskConfig(file: string): TaskConfig {
  return parseTaskConfig(readText(file, undefined), file);
}

/** Validates task YAML text; `file` names it in errors and anchors relative paths. */
export function parseTaskConfig(text: string, file: string): TaskConfig {
  const layers = readLayers(text, resolve(file), []);
  const merged: Record<string, unknown> = {};
  const owner = new Map<string, Layer>();
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer.value)) {
      if (key === 'include') continue;
      merged[key] = value;
      owner.set(key, layer);
    }
  }
  const main = layers[layers.length - 1];
  const parsed = TASK_CONFIG_SCHEMA.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const top = typeof issue.path[0] === 'string' ? issue.path[0] : undefined;
    throw issueError(issue, (top !== undefined ? owner.get(top) : undefined) ?? main);
  }
  const hash = contentHash(layers.map((l) => l.text).join('\0'));
  return resolveDefaults(parsed.data, main, hash, (key) => owner.get(key) ?? main);
}

// ---------------------------------------------------------------------------------------------

interface Layer {
  file: string;
  text: string;
  doc: Document.Parsed;
  lines: LineCounter;
  value: Record<string, unknown>;
}

function readText(file: string, from: Layer | undefined): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const where = from ? locate(from, ['include']) : { file };
    throw new ConfigError(`cannot read task file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, where, error);
  }
}

/** The file and its includes, innermost first, so later layers override earlier ones (as the harness). */
function readLayers(text: string, file: string, seen: string[]): Layer[] {
  if (seen.includes(file)) throw new ConfigError(`include cycle: ${[...seen, file].join(' -> ')}`, { file });
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const syntax = doc.errors[0];
  if (syntax !== undefined) {
    const pos = lines.linePos(syntax.pos[0]);
    throw new ConfigError(`YAML syntax error: ${syntax.message.split(' at line ')[0]} (${syntax.code})`, { file, line: pos.line, column: pos.col });
  }
  const layer: Layer = { file, text, doc, lines, value: {} };
  rejectPythonHooks(layer);
  if (!isMap(doc.contents)) {
    const pos = doc.contents?.range ? lines.linePos(doc.contents.range[0]) : { line: 1, col: 1 };
    throw new ConfigError('a task file must be a YAML mapping of fields (task: ..., doc_to_text: ...)', { file, line: pos.line, column: pos.col });
  }
  layer.value = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
  const include = layer.value.include;
  if (include === undefined) return [layer];
  const paths = typeof include === 'string' ? [include] : include;
  if (!Array.isArray(paths) || paths.some((p) => typeof p !== 'string')) {
    throw new ConfigError('expected a file path or a list of file paths', locate(layer, ['include']));
  }
  const layers: Layer[] = [];
  for (const p of paths as string[]) {
    const target = resolve(dirname(file), p);
    layers.push(...readLayers(readText(target, layer), target, [...seen, file]));
  }
  layers.push(layer);
  return layers;
}

function rejectPythonHooks(layer: Layer): void {
  visit(layer.doc, (_key, node, path) => {
    if ((isScalar(node) || isMap(node)) && node.tag === '!function') {
      // Ancestors (document, maps, pairs, sequences) then the node itself, to a field path.
      const chain: readonly unknown[] = [...path, node];
      const fieldPath: (string | number)[] = [];
      for (let i = 1; i < chain.length; i++) {
        const parent = chain[i - 1];
        const item = chain[i];
        if (isPair(item) && isScalar(item.key)) fieldPath.push(String(item.key.value));
        else if (isSeq(parent)) fieldPath.push(parent.items.indexOf(item));
      }
      const value = isScalar(node) ? String(node.value) : '';
      // The node's range starts at its value; point at the tag itself.
      const start = node.range?.[0] ?? 0;
      const tagAt = layer.text.lastIndexOf('!function', start);
      const pos = layer.lines.linePos(tagAt >= 0 ? tagAt : start);
      throw new ConfigError(
        `!function ${value}: Python hooks are not supported; write the field as a Jinja template over the document's fields`,
        { file: layer.file, line: pos.line, column: pos.col, field: fieldName(fieldPath) },
      );
    }
  });
}

function fieldName(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out;
}

/** file:line:column of the node at `path` (or of its key when `atKey`), falling back to the nearest parent. */
function locate(layer: Layer, path: readonly PropertyKey[], atKey?: string): { file: string; line: number; column: number; field?: string } {
  let node: YamlNode | null = null;
  for (let n = path.length; n >= 0 && node === null; n--) {
    const found: unknown = n === 0 ? layer.doc.contents : layer.doc.getIn(path.slice(0, n) as unknown[], true);
    if (found !== undefined && found !== null && typeof found === 'object' && 'range' in found) node = found as YamlNode;
  }
  let offset = node?.range?.[0] ?? 0;
  if (atKey !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === atKey);
    if (pair && isScalar(pair.key) && pair.key.range) offset = pair.key.range[0];
  }
  const pos = layer.lines.linePos(offset);
  const field = atKey !== undefined ? fieldName([...path, atKey]) : fieldName(path);
  return { file: layer.file, line: pos.line, column: pos.col, ...(field ? { field } : {}) };
}

function issueError(issue: z.core.$ZodIssue, layer: Layer): ConfigError {
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    const valid = keysAt(path);
    return new ConfigError(unknownNameMessage('field', key, valid), locate(layer, path, key));
  }
  if (issue.code === 'invalid_value' && issue.values.every((v) => typeof v === 'string')) {
    const got = layer.doc.getIn(path as unknown[]);
    return new ConfigError(unknownNameMessage('value', String(got), issue.values as string[]), locate(layer, path));
  }
  if (issue.code === 'invalid_type' && layer.doc.getIn(path as unknown[]) === undefined) {
    return new ConfigError(`missing required field (expected ${issue.expected})`, locate(layer, path));
  }
  return new ConfigError(issue.message, locate(layer, path));
}

/** The keys an object in the schema accepts at `path` (for "did you mean" suggestions). */
function keysAt(path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType = TASK_CONFIG_SCHEMA;
  for (const step of [...path, null]) {
    for (;;) {
      if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) schema = schema.unwrap() as z.ZodType;
      else if (schema instanceof z.ZodUnion) {
        const options = schema.options as z.ZodType[];
        schema = options.find((o) => (typeof step === 'number' ? o instanceof z.ZodArray : o instanceof z.ZodObject || o instanceof z.ZodRecord)) ?? options[0];
      } else break;
    }
    if (step === null) break;
    if (schema instanceof z.ZodObject) schema = (schema.shape as Record<string, z.ZodType>)[String(step)];
    else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
  }
  return schema instanceof z.ZodObject ? Object.keys(schema.shape as object) : [];
}

// ---------------------------------------------------------------------------------------------

/** Every default in one place: the harness's TaskConfig.__post_init__ and ConfigurableTask.__init__. */
function resolveDefaults(raw: RawTaskConfig, main: Layer, hash: string, layerOf: (key: string) => Layer): TaskConfig {
  const fail = (key: string, path: readonly PropertyKey[], message: string): never => {
    throw new ConfigError(message, locate(layerOf(key), path));
  };
  const output_type = raw.output_type ?? 'generate_until';
  const fewshot_delimiter = raw.fewshot_delimiter ?? '\n\n';

  let dataset: DatasetSource;
  let test_split = raw.test_split ?? null;
  if (raw.data !== undefined) {
    if (raw.dataset_path !== undefined) fail('data', ['data'], 'give either data (assay form) or dataset_path (harness form), not both');
    const d = raw.data;
    const path = resolve(dirname(layerOf('data').file), d.path);
    const format = d.format ?? guessFormat(path, layerOf('data'));
    test_split ??= 'test';
    dataset = { kind: 'local', splits: { [test_split]: [{ path, format }] }, ...(d.split ? { json_field: d.split } : {}), ...(d.columns ? { columns: d.columns } : {}), ...(d.fields ? { fields: d.fields } : {}) };
  } else if (raw.dataset_path === undefined) {
    throw new ConfigError('missing the data: give data: {path: ...} or dataset_path (with dataset_kwargs.data_files for local files)', { file: main.file, line: 1, column: 1 });
  } else if ((DATA_FORMATS as readonly string[]).includes(raw.dataset_path) || raw.dataset_path === 'text') {
    if (raw.dataset_path === 'text') fail('dataset_path', ['dataset_path'], `dataset_path "text" is not supported; valid local formats: ${DATA_FORMATS.join(', ')}`);
    const files = raw.dataset_kwargs?.data_files;
    if (files === undefined) fail('dataset_path', ['dataset_path'], `dataset_path "${raw.dataset_path}" needs dataset_kwargs.data_files (a path, a list, or {split: path})`);
    const base = dirname(layerOf('dataset_kwargs').file);
    // datasets' json builder reads JSON and JSON Lines alike; assay's loaders tell them apart by extension.
    const formatOf = (p: string): DataFormat => (raw.dataset_path === 'json' ? (/\.(jsonl|ndjson)$/i.test(p) ? 'jsonl' : 'json') : (raw.dataset_path as DataFormat));
    const list = (v: string | string[]): DataFile[] => (typeof v === 'string' ? [v] : v).map((p) => ({ path: resolve(base, p), format: formatOf(p) }));
    // As datasets.load_dataset: a bare path or list is the "train" split.
    const splits = typeof files === 'string' || Array.isArray(files) ? { train: list(files) } : Object.fromEntries(Object.entries(files ?? {}).map(([k, v]) => [k, list(v)]));
    dataset = { kind: 'local', splits };
  } else {
    dataset = { kind: 'hub', path: raw.dataset_path, name: raw.dataset_name ?? null };
  }

  const validation_split = raw.validation_split ?? null;
  const training_split = raw.training_split ?? null;
  const fewshot_split = raw.fewshot_split ?? null;
  const eval_split = test_split ?? validation_split;
  if (eval_split === null) throw new ConfigError('the task has no documents to evaluate: set test_split or validation_split', { file: main.file, line: 1, column: 1 });
  if (dataset.kind === 'local') {
    const known = Object.keys(dataset.splits);
    for (const [key, split] of [['test_split', test_split], ['validation_split', validation_split], ['training_split', training_split], ['fewshot_split', fewshot_split]] as const) {
      if (split !== null && !known.includes(split)) fail(key, [key], unknownNameMessage('split', split, known));
    }
  }
  const fewshot_source_split = fewshot_split ?? training_split ?? validation_split;
  const num_fewshot = raw.num_fewshot ?? 0;
  const samples = raw.fewshot_config?.samples ?? null;
  if (num_fewshot > 0 && fewshot_source_split === null && samples === null) {
    fail('num_fewshot', ['num_fewshot'], `num_fewshot is ${num_fewshot} but there is no few-shot source: set fewshot_split, training_split or validation_split, or fewshot_config.samples`);
  }
  if (output_type === 'multiple_choice' && raw.doc_to_choice === undefined) {
    fail('output_type', ['output_type'], 'output_type multiple_choice needs doc_to_choice');
  }

  let generation_kwargs: TaskConfig['generation_kwargs'] = null;
  const g = raw.generation_kwargs;
  if (g !== undefined) {
    if (output_type !== 'generate_until') fail('generation_kwargs', ['generation_kwargs'], `generation_kwargs applies only to output_type generate_until (this task is ${output_type})`);
    generation_kwargs = {
      until: g.until === undefined ? [fewshot_delimiter] : typeof g.until === 'string' ? [g.until] : g.until,
      ...(g.max_gen_toks !== undefined ? { max_gen_toks: g.max_gen_toks } : {}),
      temperature: g.temperature ?? 0,
      do_sample: g.do_sample ?? false,
    };
  } else if (output_type === 'generate_until') {
    generation_kwargs = { until: [fewshot_delimiter], temperature: 0, do_sample: false };
  }

  const filter_list: FilterPipeline[] = (raw.filter_list ?? [{ name: 'none', filter: [{ function: 'take_first' as const }] }]).map((pipeline, i) => ({
    name: pipeline.name,
    filter: pipeline.filter.map((step, j): FilterStep => {
      const allowed = FILTER_OPTIONS[step.function];
      for (const key of Object.keys(step)) {
        if (key !== 'function' && !allowed.includes(key)) {
          fail('filter_list', ['filter_list', i, 'filter', j, key], `option ${key} does not apply to filter function ${step.function} (${allowed.length ? `valid: ${allowed.join(', ')}` : 'it takes no options'})`);
        }
      }
      if (step.function === 'regex') {
        return { function: 'regex', regex_pattern: step.regex_pattern ?? '#### (\\-?[0-9\\.\\,]+)', group_select: step.group_select ?? 0, fallback: step.fallback ?? '[invalid]' };
      }
      if (step.function === 'map') {
        if (step.mapping_dict === undefined) fail('filter_list', ['filter_list', i, 'filter', j], 'filter function map needs mapping_dict');
        return { function: 'map', mapping_dict: step.mapping_dict ?? {}, default_value: step.default_value ?? null };
      }
      return { function: step.function };
    }),
  }));

  const metric_list: MetricSpec[] = (raw.metric_list ?? DEFAULT_METRICS[output_type].map((metric): z.infer<typeof METRIC> => ({ metric }))).map((m, i) => {
    const known = METRIC_DEFAULTS[m.metric] ?? { aggregation: 'mean', higher_is_better: true };
    const spec: MetricSpec = { metric: m.metric, aggregation: m.aggregation ?? known.aggregation, higher_is_better: m.higher_is_better ?? known.higher_is_better };
    if (m.ignore_case !== undefined) spec.ignore_case = m.ignore_case;
    if (m.ignore_punctuation !== undefined) spec.ignore_punctuation = m.ignore_punctuation;
    if (m.regexes_to_ignore !== undefined) spec.regexes_to_ignore = m.regexes_to_ignore;
    if (m.ignore_numbers !== undefined) spec.ignore_numbers = m.ignore_numbers;
    if (m.name !== undefined) spec.name = m.name;
    if (m.judge !== undefined) {
      const { max_tokens, template, require_validation, model, panel, ...rest } = m.judge;
      if ((model === undefined) === (panel === undefined)) fail('metric_list', ['metric_list', i, 'judge'], 'a judge needs either model: PROVIDER:MODEL or panel: [MODEL, MODEL, ...], not both');
      const required = require_validation === undefined || require_validation === false ? undefined : require_validation === true ? {} : { ...(require_validation.min_alpha === undefined ? {} : { minAlpha: require_validation.min_alpha }), ...(require_validation.min_kappa === undefined ? {} : { minKappa: require_validation.min_kappa }) };
      spec.judge = {
        ...rest,
        model: model ?? panel!.join('+'),
        ...(panel === undefined ? {} : { panel }),
        ...(max_tokens === undefined ? {} : { maxTokens: max_tokens }),
        ...(template === undefined ? {} : { template: resolve(dirname(main.file), template) }),
        ...(required === undefined ? {} : { requireValidation: required }),
      };
    }
    return spec;
  });

  const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : v);
  const metadata = raw.metadata ?? {};
  return {
    task: raw.task,
    task_alias: raw.task_alias ?? null,
    tag: list(raw.tag),
    group: list(raw.group),
    file: main.file,
    hash,
    dataset,
    test_split,
    validation_split,
    training_split,
    fewshot_split,
    eval_split,
    fewshot_source_split,
    doc_to_text: raw.doc_to_text ?? null,
    doc_to_target: raw.doc_to_target ?? null,
    doc_to_choice: raw.doc_to_choice ?? null,
    target_delimiter: raw.target_delimiter ?? ' ',
    fewshot_delimiter,
    description: raw.description ?? '',
    num_fewshot,
    fewshot_config: { sampler: raw.fewshot_config?.sampler ?? 'random', samples },
    output_type,
    generation_kwargs,
    filter_list,
    metric_list,
    repeats: raw.repeats ?? 1,
    should_decontaminate: raw.should_decontaminate ?? false,
    doc_to_decontamination_query: raw.doc_to_decontamination_query ?? null,
    metadata,
    version: typeof metadata.version === 'number' ? metadata.version : null,
    cluster_field: raw.cluster_field ?? null,
  };
}

function guessFormat(path: string, layer: Layer): DataFormat {
  try {
    return formatFromPath(path);
  } catch {
    throw new ConfigError(`cannot tell the format of ${path} from its extension; set data.format to one of ${DATA_FORMATS.join(', ')}`, locate(layer, ['data', 'path']));
  }
}
