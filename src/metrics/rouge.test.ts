import { describe, expect, it } from 'vitest';
import { AssayError } from '../core/errors.js';
import { closeTo, readJsonl } from '../../test/support/shared.js';
import { rouge, rougeScore, rougeScoreMulti, rougeTokenize, type RougeOptions, type RougeScore, type RougeType } from './rouge.js';
import { corpusScore } from './types.js';

interface RougeCase {
  id: string;
  kind: 'score' | 'score_multi';
  target?: string;
  targets?: string[];
  prediction: string;
  options: { rouge_types: RougeType[]; use_stemmer: boolean; split_summaries: boolean };
  expected: Record<string, RougeScore>;
}

const cases = readJsonl<RougeCase>('reference', 'metrics', 'rouge.jsonl');

function toOptions(c: RougeCase): Partial<RougeOptions> {
  return { rougeTypes: c.options.rouge_types, useStemmer: c.options.use_stemmer };
}

function targetsOf(c: RougeCase): string[] {
  return c.kind === 'score' ? [c.target ?? ''] : (c.targets ?? []);
}

/** Exact-to-1e-9 comparison that reports which value differs. */
function expectScores(actual: Record<string, RougeScore>, expected: Record<string, RougeScore>): void {
  expect(Object.keys(actual)).toEqual(Object.keys(expected));
  for (const [type, want] of Object.entries(expected)) {
    for (const key of ['precision', 'recall', 'fmeasure'] as const) {
      const got = actual[type][key];
      expect(closeTo(got, want[key]), `${type}.${key}: ${got} vs ${want[key]}`).toBe(true);
    }
  }
}

describe('ROUGE reference vectors (rouge_score 0.1.2, nltk 3.8)', () => {
  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const scores =
      c.kind === 'score' ? rougeScore(c.target ?? '', c.prediction, toOptions(c)) : rougeScoreMulti(c.targets ?? [], c.prediction, toOptions(c));
    expectScores(scores, c.expected);
    // The CorpusMetric's sentence score of one pair is the same Score per type.
    const sentence = rouge.sentenceScore(c.prediction, targetsOf(c), rouge.resolveOptions(toOptions(c)));
    expectScores(sentence.types, c.expected);
    expect(sentence.score).toBe(sentence.types[c.options.rouge_types[0]].fmeasure);
  });

  it('scores a corpus as the mean of the per-pair scores', () => {
    for (const stem of [false, true]) {
      const chosen = cases.filter((c) => c.kind === 'score' && c.options.use_stemmer === stem).slice(0, 40);
      const options = toOptions(chosen[0]);
      const result = corpusScore(
        rouge,
        chosen.map((c) => c.prediction),
        [chosen.map((c) => c.target ?? '')],
        options,
      );
      for (const type of chosen[0].options.rouge_types) {
        for (const key of ['precision', 'recall', 'fmeasure'] as const) {
          const mean = chosen.reduce((sum, c) => sum + c.expected[type][key], 0) / chosen.length;
          expect(closeTo(result.types[type][key], mean), `${type}.${key}`).toBe(true);
        }
      }
      expect(result.score).toBe(result.types.rouge1.fmeasure);
    }
  });
});

describe('ROUGE details', () => {
  it('tokenizes as rouge-score: lower(), non-[a-z0-9] runs split, stems only tokens longer than 3', () => {
    expect(rougeTokenize("İstanbul café, 1,000.50 K\u212a-9 don't", false)).toEqual(['i', 'stanbul', 'caf', '1', '000', '50', 'kk', '9', 'don', 't']);
    expect(rougeTokenize('The runners were running quickly; flies die dying', true)).toEqual([
      'the',
      'runner',
      'were',
      'run',
      'quickli',
      'fli',
      'die',
      'die',
    ]);
    expect(rougeTokenize('  \n\t ', true)).toEqual([]);
  });

  it('takes, per type, the target with the highest fmeasure, the first on ties', () => {
    const opts = { rougeTypes: ['rouge1', 'rougeL'] as RougeType[] };
    expect(rougeScoreMulti(['a b c d', 'a'], 'a b', opts).rouge1).toEqual({ precision: 1, recall: 0.5, fmeasure: 0.6666666666666666 });
    expect(rougeScoreMulti(['a', 'a b c d'], 'a b', opts).rouge1).toEqual({ precision: 0.5, recall: 1, fmeasure: 0.6666666666666666 });
    // Types choose independently: rouge1 ties (first wins), rougeL prefers the in-order target.
    const mixed = rougeScoreMulti(['b a', 'a b'], 'a b', opts);
    expect(mixed.rouge1).toEqual({ precision: 1, recall: 1, fmeasure: 1 });
    expect(mixed.rougeL).toEqual({ precision: 1, recall: 1, fmeasure: 1 });
    expect(rougeScore('b a', 'a b', opts).rougeL).toEqual({ precision: 0.5, recall: 0.5, fmeasure: 0.5 });
  });

  it('computes rougeLsum over "\\n"-separated lines only, dropping empty lines', () => {
    const lsum = rougeScore('one two three\nfour five\n\n   \n', 'one three\r\nfour five six', { rougeTypes: ['rougeLsum'], useStemmer: true });
    expect(lsum.rougeLsum).toEqual({ precision: 0.8, recall: 0.8, fmeasure: 0.8000000000000002 });
  });

  it('scores empty texts 0 and identical one-token texts 1', () => {
    const opts = { rougeTypes: ['rouge2', 'rougeLsum', 'rougeL'] as RougeType[] };
    expect(rougeScore('', 'a b', opts)).toEqual({
      rouge2: { precision: 0, recall: 0, fmeasure: 0 },
      rougeLsum: { precision: 0, recall: 0, fmeasure: 0 },
      rougeL: { precision: 0, recall: 0, fmeasure: 0 },
    });
    expect(rougeScore('a', 'a', opts)).toEqual({
      rouge2: { precision: 0, recall: 0, fmeasure: 0 },
      rougeLsum: { precision: 1, recall: 1, fmeasure: 1 },
      rougeL: { precision: 1, recall: 1, fmeasure: 1 },
    });
  });

  it('lays out statistics as [p, r, f] per type then a count, and prints a signature', () => {
    const options = rouge.resolveOptions({ rougeTypes: ['rouge1', 'rougeL'], useStemmer: true });
    expect(rouge.statsSize(options)).toBe(7);
    expect(rouge.segmentStats('a b', ['a b c d'], options)).toEqual([1, 0.5, 0.6666666666666666, 1, 0.5, 0.6666666666666666, 1]);
    expect(rouge.signature(options, 1)).toBe('rouge:rouge1,rougeL|stem:yes|tok:rouge-score|version:0.1.2');
    expect(rouge.scoreFromStats([0, 0, 0, 0, 0, 0, 0], options).types.rouge1).toEqual({ precision: 0, recall: 0, fmeasure: 0 });
  });

  it('resolves defaults in one place and rejects bad options with a usage error', () => {
    expect(rouge.resolveOptions()).toEqual({ rougeTypes: ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'], useStemmer: false, splitSummaries: false });
    expect(rouge.resolveOptions({ rougeTypes: ['rougeL', 'rouge9', 'rougeL'] }).rougeTypes).toEqual(['rougeL', 'rouge9']);
    const bad: Partial<RougeOptions>[] = [
      { rougeTypes: [] },
      { rougeTypes: ['rouge0' as RougeType] },
      { rougeTypes: ['rougeX' as RougeType] },
      { rougeTypes: ['rouge10' as RougeType] },
      { splitSummaries: true as unknown as false },
      { useStemmer: 'yes' as unknown as boolean },
    ];
    for (const options of bad) {
      let caught: unknown;
      try {
        rouge.resolveOptions(options);
      } catch (error) {
        caught = error;
      }
      expect(caught instanceof AssayError && caught.code, JSON.stringify(options)).toBe('USAGE');
    }
    expect(() => rouge.segmentStats('a', [], rouge.resolveOptions())).toThrow(/no reference/);
  });
});
