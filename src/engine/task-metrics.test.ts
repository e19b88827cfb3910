// Expected values in the tables were produced by running lm-evaluation-harness's process_results
// expressions (lm_eval/api/task.py at 4e7e0d4) and its exact_match_hf_evaluate with numpy 1.24 /
// Python 3.11; sacrebleu, rouge and SQuAD values come from the shared reference vectors.
import { describe, expect, it } from 'vitest';
import { closeTo, readJsonl } from '../../test/support/shared.js';
import type { MetricSpec } from '../tasks/task-config.js';
import { countBytes, countWords, exactMatchHf, registerTaskMetric, scoreDocument, taskMetricRegistry, type DocOutcome, type ExactMatchOptions } from './task-metrics.js';

interface McCase {
  name: string;
  choices: string[];
  gold: number | number[];
  logprobs: number[];
  isGreedy: boolean[];
  expected: Record<string, number>;
}

interface EmCase {
  name: string;
  prediction: string;
  reference: string | string[];
  options: ExactMatchOptions;
  expected: number;
}

const MC_CASES: McCase[] = [
  { name: "tie-first", choices: [" A", " B", " C"], gold: 1, logprobs: [-1.5, -1.5, -2.0], isGreedy: [false, true, false], expected: {"acc": 0.0, "acc_norm": 0.0, "acc_bytes": 0.0, "exact_match": 1, "brier_score": 0.5812215179297352} },
  { name: "norm-flips", choices: [" yes", " absolutely not"], gold: 1, logprobs: [-2.0, -3.0], isGreedy: [true, false], expected: {"acc": 0.0, "acc_norm": 1.0, "acc_bytes": 1.0, "exact_match": 0, "brier_score": 1.068893290777046} },
  { name: "astral-len", choices: [" 😀😀", " ab"], gold: 0, logprobs: [-4.0, -3.5], isGreedy: [false, true], expected: {"acc": 0.0, "acc_norm": 0.0, "acc_bytes": 1.0, "exact_match": 0, "brier_score": 0.7749112380005201} },
  { name: "bytes-vs-chars", choices: [" été", " ete"], gold: 0, logprobs: [-3.0, -2.5], isGreedy: [false, false], expected: {"acc": 0.0, "acc_norm": 0.0, "acc_bytes": 1.0, "exact_match": 0, "brier_score": 0.7749112380005201} },
  { name: "gold-list", choices: [" a", " b", " c"], gold: [0, 2], logprobs: [-3.0, -2.0, -1.0], isGreedy: [false, false, true], expected: {"acc": 1.0, "acc_norm": 1.0, "acc_bytes": 1.0, "exact_match": 1} },
  { name: "gold-list-miss", choices: [" a", " b", " c"], gold: [0, 1], logprobs: [-3.0, -2.0, -1.0], isGreedy: [true, false, false], expected: {"acc": 0.0, "acc_norm": 0.0, "acc_bytes": 0.0, "exact_match": 1} },
  { name: "gold-out-of-range", choices: [" a", " b"], gold: 5, logprobs: [-1.0, -2.0], isGreedy: [true, false], expected: {"acc": 0.0, "acc_norm": 0.0, "acc_bytes": 0.0, "exact_match": 0} },
  { name: "empty-choice", choices: ["", " b"], gold: 1, logprobs: [-1.0, -2.0], isGreedy: [false, true], expected: {"acc": 0.0, "acc_norm": 1.0, "acc_bytes": 1.0, "exact_match": 1, "brier_score": 1.068893290777046} },
  { name: "zero-ll-empty-choice", choices: [" a", ""], gold: 0, logprobs: [-1.0, 0.0], isGreedy: [true, false], expected: {"acc": 0.0, "acc_norm": 0.0, "acc_bytes": 0.0, "exact_match": 1, "brier_score": 1.068893290777046} },
  { name: "four-way", choices: [" Paris", " London", " Berlin", " Madrid"], gold: 2, logprobs: [-7.25, -9.5, -6.125, -12.0], isGreedy: [false, false, true, false], expected: {"acc": 1.0, "acc_norm": 1.0, "acc_bytes": 1.0, "exact_match": 1, "brier_score": 0.12803026335789178} },
];

const EM_CASES: EmCase[] = [
  { name: "plain-equal", prediction: "42", reference: "42", options: {}, expected: 1.0 },
  { name: "plain-diff", prediction: " 42", reference: "42", options: {}, expected: 0.0 },
  { name: "ignore-case", prediction: "Paris", reference: "paris", options: {"ignore_case": true}, expected: 1.0 },
  { name: "ignore-case-dotted-I", prediction: "İ", reference: "i", options: {"ignore_case": true}, expected: 1.0 },
  { name: "ignore-case-dotted-I-longer", prediction: "İx", reference: "i̇x", options: {"ignore_case": true}, expected: 0.0 },
  { name: "ignore-punct", prediction: "\"Hello, world!\"", reference: "hello world", options: {"ignore_case": true, "ignore_punctuation": true}, expected: 1.0 },
  { name: "punct-unicode-kept", prediction: "«hello»", reference: "hello", options: {"ignore_punctuation": true}, expected: 0.0 },
  { name: "ignore-numbers", prediction: "abc123", reference: "abc", options: {"ignore_numbers": true}, expected: 1.0 },
  { name: "regexes", prediction: "The answer is 72.", reference: "72", options: {"regexes_to_ignore": ["The answer is ", "\\.$"]}, expected: 1.0 },
  { name: "regexes-then-case", prediction: "ANSWER: Yes", reference: "yes", options: {"regexes_to_ignore": ["(?i)answer:\\s*"], "ignore_case": true}, expected: 1.0 },
  { name: "trailing-nul", prediction: "ab\u0000", reference: "ab", options: {}, expected: 1.0 },
  { name: "empty-both", prediction: "", reference: "", options: {}, expected: 1.0 },
  { name: "multi-any", prediction: "b", reference: ["a", "B", "c"], options: {"ignore_case": true}, expected: 1.0 },
  { name: "multi-none", prediction: "z", reference: ["a", "b"], options: {}, expected: 0.0 },
];

const WORD_CASES = [
  { text: "hello world", words: 2, bytes: 11 },
  { text: "  leading and trailing  ", words: 5, bytes: 24 },
  { text: "", words: 1, bytes: 0 },
  { text: "tabs\tand\nnewlines\r\n", words: 4, bytes: 19 },
  { text: "ideographic　space and\u001cfile sep", words: 5, bytes: 32 },
  { text: "no​split﻿here", words: 1, bytes: 17 },
  { text: "emoji 😀 here", words: 3, bytes: 15 },
];

const spec = (metric: string, extra: Partial<MetricSpec> = {}): MetricSpec => ({ metric, aggregation: 'mean', higher_is_better: true, ...extra });

describe('multiple_choice (harness process_results)', () => {
  it.each(MC_CASES)('$name', ({ choices, gold, logprobs, isGreedy, expected }) => {
    const outcome: DocOutcome = { kind: 'multiple_choice', choices, gold, logprobs, isGreedy };
    const out = scoreDocument(outcome, Object.keys(expected).map((m) => spec(m)));
    for (const [metric, value] of Object.entries(expected)) {
      if (metric === 'brier_score') expect(closeTo(out[metric].score, value), `${metric}: ${out[metric].score} vs ${value}`).toBe(true);
      else expect(out[metric]).toEqual({ item: value, score: value });
    }
  });

  it('f1 and mcc give (gold, pred) items', () => {
    const outcome: DocOutcome = { kind: 'multiple_choice', choices: ['no', 'yes'], gold: 1, logprobs: [-0.5, -1], isGreedy: [true, false] };
    expect(scoreDocument(outcome, [spec('f1'), spec('mcc')])).toEqual({ f1: { item: [1, 0], score: 0 }, mcc: { item: [1, 0], score: 0 } });
  });

  it('checks that there is one loglikelihood per choice', () => {
    const outcome: DocOutcome = { kind: 'multiple_choice', choices: ['a', 'b'], gold: 0, logprobs: [-1], isGreedy: [true, false] };
    expect(() => scoreDocument(outcome, [spec('acc')])).toThrowError('multiple_choice: 2 choices but 1 loglikelihoods and 2 is_greedy flags (one per choice)');
  });
});

describe('loglikelihood and loglikelihood_rolling', () => {
  it('perplexity item is the loglikelihood, acc is is_greedy', () => {
    const out = scoreDocument({ kind: 'loglikelihood', logprob: -2.5, isGreedy: true }, [spec('perplexity'), spec('acc')]);
    expect(out).toEqual({ perplexity: { item: -2.5, score: Math.exp(2.5) }, acc: { item: 1, score: 1 } });
  });

  it.each(WORD_CASES)('words and bytes of $text', ({ text, words, bytes }) => {
    expect(countWords(text)).toBe(words);
    expect(countBytes(text)).toBe(bytes);
  });

  it('rolling items are [loglikelihood, words | bytes]', () => {
    const out = scoreDocument({ kind: 'loglikelihood_rolling', logprob: -20, text: 'été au lac' }, [spec('word_perplexity'), spec('byte_perplexity'), spec('bits_per_byte')]);
    expect(out.word_perplexity).toEqual({ item: [-20, 3], score: Math.exp(20 / 3) });
    expect(out.byte_perplexity).toEqual({ item: [-20, 12], score: Math.exp(20 / 12) });
    expect(out.bits_per_byte).toEqual({ item: [-20, 12], score: 20 / 12 / Math.LN2 });
  });
});

describe('generate_until exact_match (HF evaluate, as the harness calls it)', () => {
  it.each(EM_CASES)('$name', ({ prediction, reference, options, expected }) => {
    const out = scoreDocument({ kind: 'generate_until', answer: prediction, target: reference }, [spec('exact_match', options as Partial<MetricSpec>)]);
    expect(out.exact_match).toEqual({ item: expected, score: expected });
  });

  it('a list answer is scored by its first element', () => {
    const out = scoreDocument({ kind: 'generate_until', answer: ['4', '5'], target: '4' }, [spec('exact_match')]);
    expect(out.exact_match.item).toBe(1);
  });

  it('exactMatchHf is the mean over pairs', () => {
    expect(exactMatchHf(['a', 'b', 'c', 'd'], ['a', 'x', 'c', 'y'])).toBe(0.5);
  });

  it('a bad regexes_to_ignore entry is a ConfigError', () => {
    expect(() => exactMatchHf(['a'], ['a'], { regexes_to_ignore: ['('] })).toThrowError(/^exact_match: regexes_to_ignore entry "\(" is not a valid Python regular expression/);
  });
});

interface SentenceLine {
  id: string;
  hyp: string;
  refs: string[];
  options: Record<string, unknown>;
  expected: { score: number };
  level?: string;
}

const isDefault = (options: Record<string, unknown>, defaults: Record<string, unknown>): boolean =>
  Object.entries(defaults).every(([k, v]) => options[k] === v);

describe('generate_until sacrebleu metrics: item [ref, pred], score = default sentence score', () => {
  const cases: [string, string, Record<string, unknown>][] = [
    ['bleu', 'sentence_bleu.jsonl', { tokenize: '13a', smooth_method: 'exp', smooth_value: null, lowercase: false }],
    ['chrf', 'chrf.jsonl', { char_order: 6, word_order: 0, beta: 2, lowercase: false, whitespace: false, eps_smoothing: false }],
    ['ter', 'ter.jsonl', { normalized: false, no_punct: false, asian_support: false, case_sensitive: false }],
  ];
  for (const [metric, file, defaults] of cases) {
    const lines = readJsonl<SentenceLine>('reference', 'metrics', file).filter((l) => (l.level ?? 'sentence') === 'sentence' && isDefault(l.options, defaults));
    it(`${metric}: ${lines.length} default-option sentence vectors`, () => {
      expect(lines.length).toBeGreaterThanOrEqual(10);
      for (const line of lines) {
        const target = line.refs.length === 1 ? line.refs[0] : line.refs;
        const out = scoreDocument({ kind: 'generate_until', answer: line.hyp, target }, [spec(metric)])[metric];
        expect(out.item, line.id).toEqual([target, line.hyp]);
        expect(closeTo(out.score, line.expected.score), `${line.id}: ${out.score} vs ${line.expected.score}`).toBe(true);
      }
    });
  }
});

describe('generate_until rouge and SQuAD f1', () => {
  interface RougeLine {
    id: string;
    kind: string;
    target?: string;
    targets?: string[];
    prediction: string;
    options: { use_stemmer: boolean };
    expected: Record<string, { fmeasure: number }>;
  }
  const rougeLines = readJsonl<RougeLine>('reference', 'metrics', 'rouge.jsonl').filter((l) => !l.options.use_stemmer);
  it(`rouge1/rouge2/rougeL/rougeLsum = HF evaluate rouge F-measure (${rougeLines.length} vectors, no stemming)`, () => {
    for (const line of rougeLines) {
      const target = line.kind === 'score' ? (line.target as string) : (line.targets as string[]);
      const types = ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'];
      const out = scoreDocument({ kind: 'generate_until', answer: line.prediction, target }, types.map((t) => spec(t)));
      for (const t of types) expect(closeTo(out[t].score, line.expected[t].fmeasure), `${line.id} ${t}`).toBe(true);
    }
  });

  interface SquadLine {
    id: string;
    prediction: string;
    gold_answers: string[];
    expected: { f1: number };
  }
  const squadLines = readJsonl<SquadLine>('reference', 'metrics', 'squad.jsonl');
  it(`f1 = SQuAD token F1, max over targets (${squadLines.length} vectors)`, () => {
    for (const line of squadLines) {
      const out = scoreDocument({ kind: 'generate_until', answer: line.prediction, target: line.gold_answers }, [spec('f1')]);
      expect(closeTo(out.f1.score, line.expected.f1), line.id).toBe(true);
      expect(out.f1.item).toBe(out.f1.score);
    }
  });
});

describe('scoreDocument errors and registry', () => {
  it('an unknown metric is a UsageError naming the closest metrics', () => {
    expect(() => scoreDocument({ kind: 'loglikelihood', logprob: -1, isGreedy: false }, [spec('acc_nrom')])).toThrowError(
      expect.objectContaining({ code: 'USAGE', message: expect.stringContaining('acc_norm') }),
    );
  });

  it('a metric of another output type is a ConfigError', () => {
    expect(() => scoreDocument({ kind: 'loglikelihood', logprob: -1, isGreedy: false }, [spec('bleu')])).toThrowError(
      expect.objectContaining({ code: 'CONFIG', message: 'metric "bleu" does not apply to output_type loglikelihood (it applies to generate_until)' }),
    );
  });

  it('plug-ins register by name', () => {
    registerTaskMetric({
      name: 'answer_length',
      outputTypes: ['generate_until'],
      aggregation: 'mean',
      higherIsBetter: false,
      process: (o) => {
        const n = o.kind === 'generate_until' && typeof o.answer === 'string' ? o.answer.length : 0;
        return { item: n, score: n };
      },
    });
    expect(taskMetricRegistry.has('answer_length')).toBe(true);
    expect(scoreDocument({ kind: 'generate_until', answer: 'abc', target: 'x' }, [spec('answer_length')])).toEqual({ answer_length: { item: 3, score: 3 } });
    expect(() => registerTaskMetric({ ...taskMetricRegistry.get('acc') })).toThrowError('task metric "acc" is already registered (pass { replace: true } to override)');
  });

  it('built-in directions and aggregations follow the harness registry', () => {
    const summary = Object.fromEntries(taskMetricRegistry.names().filter((n) => n !== 'answer_length').map((n) => {
      const d = taskMetricRegistry.get(n);
      return [n, `${d.aggregation}/${d.higherIsBetter ? 'up' : 'down'}/${d.outputTypes.join('+')}`];
    }));
    expect(summary).toEqual({
      acc: 'mean/up/multiple_choice+loglikelihood',
      acc_bytes: 'mean/up/multiple_choice',
      acc_mutual_info: 'mean/up/multiple_choice',
      acc_norm: 'mean/up/multiple_choice',
      bits_per_byte: 'bits_per_byte/down/loglikelihood_rolling',
      bleu: 'bleu/up/generate_until',
      brier_score: 'brier_score/down/multiple_choice',
      byte_perplexity: 'weighted_perplexity/down/loglikelihood_rolling',
      chrf: 'chrf/up/generate_until',
      exact_match: 'mean/up/multiple_choice+generate_until',
      f1: 'f1/up/multiple_choice+generate_until',
      mcc: 'matthews_corrcoef/up/multiple_choice',
      perplexity: 'perplexity/down/loglikelihood',
      rouge1: 'mean/up/generate_until',
      rouge2: 'mean/up/generate_until',
      rougeL: 'mean/up/generate_until',
      rougeLsum: 'mean/up/generate_until',
      ter: 'ter/down/generate_until',
      word_perplexity: 'weighted_perplexity/down/loglikelihood_rolling',
    });
  });
});
