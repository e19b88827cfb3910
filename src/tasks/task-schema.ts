// The zod schema of task YAML files (lm-evaluation-harness TaskConfig field names, strict objects
// so an unknown key is an error with a "did you mean") and the harness's per-output-type defaults.
import { z } from 'zod';
import { DATA_FORMATS } from '../data/loaders.js';

export const OUTPUT_TYPES = ['multiple_choice', 'loglikelihood', 'loglikelihood_rolling', 'generate_until'] as const;
export type OutputType = (typeof OUTPUT_TYPES)[number];
export const FILTER_FUNCTIONS = ['regex', 'take_first', 'majority_vote', 'lowercase', 'uppercase', 'strip', 'remove_whitespace', 'map'] as const;
export type FilterFunction = (typeof FILTER_FUNCTIONS)[number];

// The file schema. Objects are strict so an unknown key is an error with a "did you mean".
const str = z.string();
const strOrList = z.union([str, z.array(str)], { error: 'expected a string or a list of strings' });
const split = str.nullable().optional();

const FILTER_STEP = z.strictObject({
  function: z.enum(FILTER_FUNCTIONS),
  regex_pattern: str.optional(),
  group_select: z.int().optional(),
  fallback: str.optional(),
  mapping_dict: z.record(str, z.unknown()).optional(),
  default_value: z.unknown().optional(),
});

export const METRIC = z.strictObject({
  metric: str,
  aggregation: str.optional(),
  higher_is_better: z.boolean().optional(),
  ignore_case: z.boolean().optional(),
  ignore_punctuation: z.boolean().optional(),
  regexes_to_ignore: z.array(str).optional(),
  ignore_numbers: z.boolean().optional(),
  /** metric: judge — an LLM judge grades each answer (src/judge). */
  judge: z
    .strictObject({
      kind: z.enum(['single', 'reference', 'geval', 'classify']),
      model: str.optional(),
      /** Several judge models graded together, combined by `combine`. */
      panel: z.array(str).min(2).optional(),
      combine: z.enum(['mean', 'median', 'majority']).optional(),
      template: str.optional(),
      scale: z.tuple([z.number(), z.number()]).optional(),
      choices: z.record(str, z.number()).optional(),
      reasoning: z.boolean().optional(),
      samples: z.number().int().positive().optional(),
      temperature: z.number().nonnegative().optional(),
      max_tokens: z.number().int().positive().optional(),
      structured: z.boolean().optional(),
      preset: str.optional(),
      criteria: str.optional(),
      /** Refuse to run unless `assay judge validate` stored a report for this judge (alpha at least this). */
      require_validation: z.union([z.boolean(), z.strictObject({ min_alpha: z.number().optional(), min_kappa: z.number().optional() })]).optional(),
    })
    .optional(),
  /** A name for the score when a task has several judges (default: the metric name). */
  name: str.optional(),
});

export const TASK_CONFIG_SCHEMA = z.strictObject({
  task: str,
  task_alias: str.optional(),
  tag: strOrList.optional(),
  group: strOrList.optional(),
  dataset_path: str.optional(),
  dataset_name: str.nullable().optional(),
  dataset_kwargs: z
    .strictObject({
      data_files: z.union([str, z.array(str), z.record(str, strOrList)], { error: 'expected a path, a list of paths, or {split: path}' }).optional(),
      // Accepted so harness files load unchanged; assay never runs dataset scripts.
      trust_remote_code: z.boolean().optional(),
    })
    .optional(),
  data: z
    .strictObject({
      path: str,
      format: z.enum(DATA_FORMATS).optional(),
      split: str.optional(),
      columns: z.array(str).optional(),
      fields: z.union([z.record(str, str), z.array(str)], { error: 'expected {newName: column} or a list of columns' }).optional(),
    })
    .optional(),
  test_split: split,
  validation_split: split,
  training_split: split,
  fewshot_split: split,
  doc_to_text: z.union([str, z.int()], { error: 'expected a template string or a field name' }).optional(),
  doc_to_target: z.union([str, z.int()], { error: 'expected a template string, a field name or an integer' }).optional(),
  doc_to_choice: strOrList.optional(),
  target_delimiter: str.optional(),
  fewshot_delimiter: str.optional(),
  description: str.optional(),
  num_fewshot: z.int().min(0).optional(),
  fewshot_config: z
    .strictObject({
      sampler: z.enum(['first_n', 'random']).optional(),
      samples: z.array(z.record(str, z.unknown())).optional(),
    })
    .optional(),
  output_type: z.enum(OUTPUT_TYPES).optional(),
  generation_kwargs: z
    .strictObject({
      until: strOrList.optional(),
      max_gen_toks: z.int().min(1).optional(),
      temperature: z.number().min(0).optional(),
      do_sample: z.boolean().optional(),
    })
    .optional(),
  filter_list: z.array(z.strictObject({ name: str, filter: z.array(FILTER_STEP).min(1) })).min(1).optional(),
  metric_list: z.array(METRIC).min(1).optional(),
  repeats: z.int().min(1).optional(),
  should_decontaminate: z.boolean().optional(),
  doc_to_decontamination_query: str.optional(),
  metadata: z.record(str, z.unknown()).optional(),
  cluster_field: str.optional(),
});
export type RawTaskConfig = z.infer<typeof TASK_CONFIG_SCHEMA>;

/** Metrics the harness uses when `metric_list` is absent (lm_eval/api/registry.py DEFAULT_METRIC_REGISTRY). */
export const DEFAULT_METRICS: Record<OutputType, string[]> = {
  loglikelihood: ['perplexity', 'acc'],
  loglikelihood_rolling: ['word_perplexity', 'byte_perplexity', 'bits_per_byte'],
  multiple_choice: ['acc', 'acc_norm'],
  generate_until: ['exact_match'],
};

/** Each built-in metric's default aggregation and direction (the harness's @register_metric). */
export const METRIC_DEFAULTS: Record<string, { aggregation: string; higher_is_better: boolean }> = {
  acc: { aggregation: 'mean', higher_is_better: true },
  acc_norm: { aggregation: 'mean', higher_is_better: true },
  acc_mutual_info: { aggregation: 'mean', higher_is_better: true },
  exact_match: { aggregation: 'mean', higher_is_better: true },
  perplexity: { aggregation: 'perplexity', higher_is_better: false },
  word_perplexity: { aggregation: 'weighted_perplexity', higher_is_better: false },
  byte_perplexity: { aggregation: 'weighted_perplexity', higher_is_better: false },
  bits_per_byte: { aggregation: 'bits_per_byte', higher_is_better: false },
  bleu: { aggregation: 'bleu', higher_is_better: true },
  chrf: { aggregation: 'chrf', higher_is_better: true },
  ter: { aggregation: 'ter', higher_is_better: false },
  f1: { aggregation: 'f1', higher_is_better: true },
  mcc: { aggregation: 'matthews_corrcoef', higher_is_better: true },
  acc_bytes: { aggregation: 'mean', higher_is_better: true },
  brier_score: { aggregation: 'brier_score', higher_is_better: false },
  rouge1: { aggregation: 'mean', higher_is_better: true },
  rouge2: { aggregation: 'mean', higher_is_better: true },
  rougeL: { aggregation: 'mean', higher_is_better: true },
  rougeLsum: { aggregation: 'mean', higher_is_better: true },
  judge: { aggregation: 'mean', higher_is_better: true },
};

/** Options each filter function accepts (lm_eval/filters/*.py constructor arguments). */
export const FILTER_OPTIONS: Record<FilterFunction, readonly string[]> = {
  regex: ['regex_pattern', 'group_select', 'fallback'],
  map: ['mapping_dict', 'default_value'],
  take_first: [],
  majority_vote: [],
  lowercase: [],
  uppercase: [],
  strip: [],
  remove_whitespace: [],
};
