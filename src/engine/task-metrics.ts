// Per-document metrics of a task, as lm-evaluation-harness's ConfigurableTask.process_results
// (lm_eval/api/task.py, v0.4) computes them, with HF evaluate's exact_match (lm_eval/api/metrics.py).
// Additions: rouge1/2/L/Lsum (HF evaluate's rouge, separately named) and a SQuAD token F1 for
// generate_until; multiple targets for bleu/chrf/ter are multi-reference (the harness fails there).
import { ConfigError, InputError, UsageError } from '../core/errors.js';
import { Registry } from '../core/registry.js';
import { unknownNameMessage } from '../core/suggest.js';
import { sentenceBleu } from '../metrics/bleu.js';
import { chrf } from '../metrics/chrf.js';
import { pyLower } from '../metrics/python-text.js';
import { rougeScoreMulti, type RougeType } from '../metrics/rouge.js';
import { squadScore } from '../metrics/squad.js';
import { ter } from '../metrics/ter.js';
import { numpySum } from '../stats/mean-ci.js';
import type { MetricSpec, OutputType } from '../tasks/task-config.js';
import { pyReSub, pyRegExp } from '../tasks/py-regex.js';

/** What one document produced, per output type (after the runner called the model). */
export type DocOutcome =
  | {
      kind: 'multiple_choice';
      choices: string[];
      gold: number | number[];
      logprobs: number[];
      isGreedy: boolean[];
      /** log P(choice) with an empty context, when a metric needs it (acc_mutual_info). */
      unconditionalLogprobs?: number[];
    }
  | { kind: 'loglikelihood'; logprob: number; isGreedy: boolean }
  | { kind: 'loglikelihood_rolling'; logprob: number; text: string }
  | { kind: 'generate_until'; answer: string | string[]; target: string | string[] };

/**
 * JSON-serialisable item the aggregation consumes (harness: the value process_results returns):
 * a number (mean-type metrics, perplexity's loglikelihood), [loglikelihood, words|bytes],
 * [gold, pred] (f1, mcc), [reference, prediction] or [references, prediction] (bleu, chrf, ter).
 */
export type MetricItem = number | [number, number] | [string, string] | [string, string[]] | [string[], string];

export interface MetricOutput {
  item: MetricItem;
  /** The per-sample value shown to users: the metric's aggregation over this one document (sentence score for bleu/chrf/ter). */
  score: number;
}

export interface TaskMetricDef {
  name: string;
  outputTypes: readonly OutputType[];
  aggregation: string;
  higherIsBetter: boolean;
  process(outcome: DocOutcome, spec: MetricSpec): MetricOutput;
}

type Outcome<K extends OutputType> = Extract<DocOutcome, { kind: K }>;

// ---------------------------------------------------------------------------------------------
// multiple_choice

/** numpy argmax: the first maximum, or the first NaN if there is one. */
function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) return i;
    if (values[i] > values[best]) best = i;
  }
  return best;
}

function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** The gold index (or indexes) with out-of-range labels replaced by -100, as process_results does. */
function goldIndexes(o: Outcome<'multiple_choice'>): number | number[] {
  const fix = (g: number): number => (Number.isInteger(g) && g >= 0 && g < o.choices.length ? g : -100);
  return Array.isArray(o.gold) ? o.gold.map(fix) : fix(o.gold);
}

function checkChoices(o: Outcome<'multiple_choice'>): void {
  if (o.choices.length === 0) throw new InputError('multiple_choice: the document has no choices');
  if (o.logprobs.length !== o.choices.length || o.isGreedy.length !== o.choices.length) {
    throw new InputError(
      `multiple_choice: ${o.choices.length} choices but ${o.logprobs.length} loglikelihoods and ${o.isGreedy.length} is_greedy flags (one per choice)`,
    );
  }
}

function predIsGold(pred: number, gold: number | number[]): number {
  return (Array.isArray(gold) ? gold.includes(pred) : pred === gold) ? 1 : 0;
}

/** Prediction after dividing each loglikelihood by a length (numpy division: x/0 is ±inf or NaN). */
function normalizedPred(o: Outcome<'multiple_choice'>, length: (choice: string) => number): number {
  return argmax(o.logprobs.map((ll, i) => ll / length(o.choices[i])));
}

function mcAccuracy(length: ((choice: string) => number) | null) {
  return (outcome: DocOutcome): MetricOutput => {
    const o = outcome as Outcome<'multiple_choice'>;
    checkChoices(o);
    const pred = length === null ? argmax(o.logprobs) : normalizedPred(o, length);
    const acc = predIsGold(pred, goldIndexes(o));
    return { item: acc, score: acc };
  };
}

/** acc_mutual_info: argmax of log P(choice | context) - log P(choice), as process_results. */
function mcMutualInfo(o: Outcome<'multiple_choice'>): MetricOutput {
  checkChoices(o);
  const u = o.unconditionalLogprobs;
  if (u === undefined || u.length !== o.logprobs.length) throw new InputError(`acc_mutual_info: needs one unconditional loglikelihood per choice (${o.choices.length}), got ${u === undefined ? 'none' : u.length}`);
  const acc = predIsGold(argmax(o.logprobs.map((ll, i) => ll - u[i]!)), goldIndexes(o));
  return { item: acc, score: acc };
}

function mcExactMatch(o: Outcome<'multiple_choice'>): MetricOutput {
  checkChoices(o);
  const gold = goldIndexes(o);
  const greedy = (g: number): boolean => g !== -100 && o.isGreedy[g];
  const em = (Array.isArray(gold) ? gold.some(greedy) : greedy(gold)) ? 1 : 0;
  return { item: em, score: em };
}

function singleGold(o: Outcome<'multiple_choice'>, metric: string): number {
  const gold = goldIndexes(o);
  if (Array.isArray(gold)) throw new InputError(`${metric}: needs one gold answer per document, got a list (${JSON.stringify(o.gold)})`);
  if (gold === -100) throw new InputError(`${metric}: gold ${JSON.stringify(o.gold)} is not the index of one of the ${o.choices.length} choices`);
  return gold;
}

/** Σ (softmax(lls) - onehot(gold))², numpy's order of operations. */
function brierScore(o: Outcome<'multiple_choice'>): MetricOutput {
  checkChoices(o);
  const gold = singleGold(o, 'brier_score');
  const max = Math.max(...o.logprobs);
  const e = o.logprobs.map((ll) => Math.exp(ll - max));
  const total = numpySum(e);
  const sq = e.map((x, i) => (x / total - (i === gold ? 1 : 0)) ** 2);
  const value = numpySum(sq);
  return { item: value, score: value };
}

/** (gold, pred) for sklearn's f1 / matthews_corrcoef aggregations. */
function goldPred(metric: string) {
  return (outcome: DocOutcome): MetricOutput => {
    const o = outcome as Outcome<'multiple_choice'>;
    checkChoices(o);
    if (Array.isArray(o.gold)) throw new InputError(`${metric}: needs one gold answer per document, got a list (${JSON.stringify(o.gold)})`);
    const gold = goldIndexes(o) as number;
    const pred = argmax(o.logprobs);
    return { item: [gold, pred], score: pred === gold ? 1 : 0 };
  };
}

// ---------------------------------------------------------------------------------------------
// loglikelihood_rolling

const PY_WHITESPACE_RUN = pyRegExp('\\s+');

/** `len(re.split(r"\s+", text))` (Python's `\s` on str is str.isspace()). */
export function countWords(text: string): number {
  return (text.match(PY_WHITESPACE_RUN)?.length ?? 0) + 1;
}

export function countBytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

// ---------------------------------------------------------------------------------------------
// generate_until

/** The prediction the harness scores: `results[0]`; a list left by the filters gives its first element. */
function prediction(o: Outcome<'generate_until'>): string {
  if (typeof o.answer === 'string') return o.answer;
  if (o.answer.length === 0) throw new InputError('generate_until: the filtered answer is an empty list');
  return o.answer[0];
}

const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
const DIGITS = /[0-9]/g;

/** numpy builds a `<U{max length}` array, dropping trailing NULs. */
function npStrArray(values: readonly string[]): { values: string[]; itemsize: number } {
  const out = values.map((v) => v.replace(/\0+$/, ''));
  return { values: out, itemsize: Math.max(1, ...out.map(codePointLength)) };
}

/** np.char.lower keeps the array's dtype, so a lower-case form that is longer (İ → i̇) is cut. */
function npLower(arr: { values: string[]; itemsize: number }): string[] {
  return arr.values.map((v) => {
    const lower = pyLower(v);
    return codePointLength(lower) <= arr.itemsize ? lower : Array.from(lower).slice(0, arr.itemsize).join('').replace(/\0+$/, '');
  });
}

export interface ExactMatchOptions {
  regexes_to_ignore?: readonly string[] | null;
  ignore_case?: boolean;
  ignore_punctuation?: boolean;
  ignore_numbers?: boolean;
}

/** HF evaluate `exact_match` (the harness's exact_match_hf_evaluate): mean of element-wise equality. */
export function exactMatchHf(predictions: readonly string[], references: readonly string[], options: ExactMatchOptions = {}): number {
  if (predictions.length !== references.length) {
    throw new InputError(`exact_match: ${predictions.length} predictions but ${references.length} references`);
  }
  let preds = npStrArray(predictions);
  let refs = npStrArray(references);
  for (const pattern of options.regexes_to_ignore ?? []) {
    const sub = (x: string): string => {
      try {
        return pyReSub(pattern, '', x);
      } catch (e) {
        throw new ConfigError(`exact_match: regexes_to_ignore entry ${JSON.stringify(pattern)} is not a valid Python regular expression (${(e as Error).message})`);
      }
    };
    preds = npStrArray(preds.values.map(sub));
    refs = npStrArray(refs.values.map(sub));
  }
  let p = preds.values;
  let r = refs.values;
  if (options.ignore_case) {
    p = npLower(preds);
    r = npLower(refs);
  }
  if (options.ignore_punctuation) {
    p = p.map((x) => x.replace(PUNCTUATION, ''));
    r = r.map((x) => x.replace(PUNCTUATION, ''));
  }
  if (options.ignore_numbers) {
    p = p.map((x) => x.replace(DIGITS, ''));
    r = r.map((x) => x.replace(DIGITS, ''));
  }
  let equal = 0;
  for (let i = 0; i < p.length; i++) if (p[i] === r[i]) equal++;
  return equal / p.length;
}

function exactMatchOptions(spec: MetricSpec): ExactMatchOptions {
  // ignore_numbers is passed through when the task config carries it.
  const extra = spec as MetricSpec & { ignore_numbers?: boolean };
  return {
    regexes_to_ignore: spec.regexes_to_ignore ?? null,
    ignore_case: spec.ignore_case ?? false,
    ignore_punctuation: spec.ignore_punctuation ?? false,
    ignore_numbers: extra.ignore_numbers ?? false,
  };
}

function generateExactMatch(o: Outcome<'generate_until'>, spec: MetricSpec): MetricOutput {
  const pred = prediction(o);
  const options = exactMatchOptions(spec);
  if (typeof o.target === 'string') {
    const em = exactMatchHf([pred], [o.target], options);
    return { item: em, score: em };
  }
  if (o.target.length === 0) throw new InputError('exact_match: the document has an empty list of targets');
  // Multiple targets: the prediction against every target, 1 if any matches.
  const em = exactMatchHf(o.target.map(() => pred), o.target, options) > 0 ? 1 : 0;
  return { item: em, score: em };
}

function targets(o: Outcome<'generate_until'>, metric: string): string[] {
  const list = typeof o.target === 'string' ? [o.target] : o.target;
  if (list.length === 0) throw new InputError(`${metric}: the document has an empty list of targets`);
  return list;
}

/** sacrebleu metrics: item [reference(s), prediction]; score = the default sentence score. */
function sacrebleuMetric(name: 'bleu' | 'chrf' | 'ter') {
  return (outcome: DocOutcome): MetricOutput => {
    const o = outcome as Outcome<'generate_until'>;
    const pred = prediction(o);
    const refs = targets(o, name);
    const item: MetricItem = typeof o.target === 'string' ? [o.target, pred] : [refs, pred];
    let score: number;
    if (name === 'bleu') score = sentenceBleu(pred, refs).score;
    else if (name === 'chrf') score = chrf.sentenceScore(pred, refs, chrf.resolveOptions({ nrefs: refs.length })).score;
    else score = ter.sentenceScore(pred, refs, ter.resolveOptions({ nrefs: refs.length })).score;
    return { item, score };
  };
}

/** HF evaluate `rouge` (use_stemmer=False): F-measure in [0, 1]; several targets → score_multi (best target). */
function rougeMetric(type: RougeType) {
  return (outcome: DocOutcome): MetricOutput => {
    const o = outcome as Outcome<'generate_until'>;
    const value = rougeScoreMulti(targets(o, type), prediction(o), { rougeTypes: [type], useStemmer: false })[type].fmeasure;
    return { item: value, score: value };
  };
}

function squadF1Metric(o: Outcome<'generate_until'>): MetricOutput {
  const value = squadScore(prediction(o), targets(o, 'f1')).f1;
  return { item: value, score: value };
}

// ---------------------------------------------------------------------------------------------
// The table

type Processors = Partial<{ [K in OutputType]: (outcome: Outcome<K>, spec: MetricSpec) => MetricOutput }>;

function def(name: string, aggregation: string, higherIsBetter: boolean, processors: Processors): TaskMetricDef {
  const outputTypes = Object.keys(processors) as OutputType[];
  return {
    name,
    outputTypes,
    aggregation,
    higherIsBetter,
    process(outcome, spec) {
      const fn = processors[outcome.kind] as ((o: DocOutcome, s: MetricSpec) => MetricOutput) | undefined;
      if (fn === undefined) {
        throw new ConfigError(`metric "${name}" does not apply to output_type ${outcome.kind} (it applies to ${outputTypes.join(', ')})`);
      }
      return fn(outcome, spec);
    },
  };
}

const rolling = (divisor: 'words' | 'bytes', perDoc: (ll: number, d: number) => number) => (o: Outcome<'loglikelihood_rolling'>): MetricOutput => {
  const d = divisor === 'words' ? countWords(o.text) : countBytes(o.text);
  return { item: [o.logprob, d], score: perDoc(o.logprob, d) };
};

export const BUILTIN_TASK_METRICS: Readonly<Record<string, TaskMetricDef>> = {
  acc: def('acc', 'mean', true, {
    multiple_choice: mcAccuracy(null),
    loglikelihood: (o) => ({ item: o.isGreedy ? 1 : 0, score: o.isGreedy ? 1 : 0 }),
  }),
  acc_norm: def('acc_norm', 'mean', true, { multiple_choice: mcAccuracy(codePointLength) }),
  acc_bytes: def('acc_bytes', 'mean', true, { multiple_choice: mcAccuracy(countBytes) }),
  acc_mutual_info: def('acc_mutual_info', 'mean', true, { multiple_choice: mcMutualInfo }),
  exact_match: def('exact_match', 'mean', true, { multiple_choice: mcExactMatch, generate_until: generateExactMatch }),
  brier_score: def('brier_score', 'brier_score', false, { multiple_choice: brierScore }),
  mcc: def('mcc', 'matthews_corrcoef', true, { multiple_choice: goldPred('mcc') }),
  f1: def('f1', 'f1', true, { multiple_choice: goldPred('f1'), generate_until: squadF1Metric }),
  perplexity: def('perplexity', 'perplexity', false, { loglikelihood: (o) => ({ item: o.logprob, score: Math.exp(-o.logprob) }) }),
  word_perplexity: def('word_perplexity', 'weighted_perplexity', false, { loglikelihood_rolling: rolling('words', (ll, d) => Math.exp(-ll / d)) }),
  byte_perplexity: def('byte_perplexity', 'weighted_perplexity', false, { loglikelihood_rolling: rolling('bytes', (ll, d) => Math.exp(-ll / d)) }),
  bits_per_byte: def('bits_per_byte', 'bits_per_byte', false, { loglikelihood_rolling: rolling('bytes', (ll, d) => -(ll / d) / Math.LN2) }),
  bleu: def('bleu', 'bleu', true, { generate_until: sacrebleuMetric('bleu') }),
  chrf: def('chrf', 'chrf', true, { generate_until: sacrebleuMetric('chrf') }),
  ter: def('ter', 'ter', false, { generate_until: sacrebleuMetric('ter') }),
  rouge1: def('rouge1', 'mean', true, { generate_until: rougeMetric('rouge1') }),
  rouge2: def('rouge2', 'mean', true, { generate_until: rougeMetric('rouge2') }),
  rougeL: def('rougeL', 'mean', true, { generate_until: rougeMetric('rougeL') }),
  rougeLsum: def('rougeLsum', 'mean', true, { generate_until: rougeMetric('rougeLsum') }),
};

export const taskMetricRegistry = new Registry<TaskMetricDef>('task metric', BUILTIN_TASK_METRICS);

export function registerTaskMetric(def: TaskMetricDef, options: { replace?: boolean } = {}): void {
  taskMetricRegistry.register(def.name, def, options);
}

/**
 * Every metric of the task's metric_list on one document. Unknown metric → UsageError with the
 * closest names; a metric not valid for the outcome kind → ConfigError.
 */
export function scoreDocument(outcome: DocOutcome, metrics: readonly MetricSpec[]): Record<string, MetricOutput> {
  const out: Record<string, MetricOutput> = {};
  for (const spec of metrics) {
    if (!taskMetricRegistry.has(spec.metric)) {
      throw new UsageError(unknownNameMessage('task metric', spec.metric, taskMetricRegistry.names()));
    }
    const metric = taskMetricRegistry.get(spec.metric);
    if (!metric.outputTypes.includes(outcome.kind)) {
      throw new ConfigError(`metric "${spec.metric}" does not apply to output_type ${outcome.kind} (it applies to ${metric.outputTypes.join(', ')})`);
    }
    out[spec.metric] = metric.process(outcome, spec);
  }
  return out;
}
