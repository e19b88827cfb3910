import { describe, expect, it } from 'vitest';
import { closeTo, readJsonl } from '../../test/support/shared.js';
import { AssayError, InputError, UsageError } from '../core/errors.js';
import {
  bleu,
  bleuCorpusScore,
  bleuCorpusStats,
  closestRefLength,
  prepareBleuReferences,
  sentenceBleu,
  type BleuOptions,
  type BleuResult,
  type BleuSmoothMethod,
} from './bleu.js';
import { corpusScore } from './types.js';

interface RefOptions {
  tokenize: string;
  smooth_method: BleuSmoothMethod;
  smooth_value: number | null;
  lowercase: boolean;
  force?: boolean;
  use_effective_order?: boolean;
}

interface Expected {
  score: number;
  counts: number[];
  totals: number[];
  precisions: number[];
  bp: number;
  sys_len: number;
  ref_len: number;
  signature: string;
  raw_counts?: number[];
  raw_totals?: number[];
}

interface CorpusCase {
  id: string;
  hyps: string[];
  refs: string[][];
  options: RefOptions;
  expected: Expected;
}

interface SentenceCase {
  id: string;
  hyp: string;
  refs: string[];
  options: RefOptions;
  expected: Expected;
}

function toOptions(o: RefOptions): Partial<BleuOptions> {
  return {
    tokenize: o.tokenize,
    smoothMethod: o.smooth_method,
    smoothValue: o.smooth_value,
    lowercase: o.lowercase,
    force: o.force ?? false,
  };
}

/** Every field sacrebleu reports: floats at 1e-9 relative, integers and the signature exactly. */
function expectMatches(actual: BleuResult, expected: Expected): void {
  expect(closeTo(actual.score, expected.score), `score ${actual.score} vs ${expected.score}`).toBe(true);
  expect(actual.counts).toEqual(expected.counts);
  expect(actual.totals).toEqual(expected.totals);
  expect(actual.precisions.length).toBe(expected.precisions.length);
  actual.precisions.forEach((p, i) => expect(closeTo(p, expected.precisions[i]), `precision ${i + 1}: ${p} vs ${expected.precisions[i]}`).toBe(true));
  expect(closeTo(actual.bp, expected.bp), `bp ${actual.bp} vs ${expected.bp}`).toBe(true);
  expect(actual.sysLen).toBe(expected.sys_len);
  expect(actual.refLen).toBe(expected.ref_len);
  expect(actual.signature).toBe(expected.signature);
  if (expected.raw_counts) expect(actual.rawCounts).toEqual(expected.raw_counts);
  if (expected.raw_totals) expect(actual.rawTotals).toEqual(expected.raw_totals);
}

const corpusCases = readJsonl<CorpusCase>('reference', 'metrics', 'bleu.jsonl');
const sentenceCases = readJsonl<SentenceCase>('reference', 'metrics', 'sentence_bleu.jsonl');

describe('corpus BLEU reference vectors (sacrebleu 2.6.0 BLEU.corpus_score)', () => {
  it('has the public set', () => {
    expect(corpusCases.length).toBe(60);
  });

  it.each(corpusCases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    expectMatches(bleuCorpusScore(c.hyps, c.refs, toOptions(c.options)), c.expected);
  });

  it.each(corpusCases.map((c) => [c.id, c] as const))('%s through the CorpusMetric interface', (_id, c) => {
    const nrefs = c.refs.length;
    const result = corpusScore(bleu, c.hyps, c.refs, { ...toOptions(c.options), nrefs });
    expectMatches(result, c.expected);
  });
});

describe('sentence BLEU reference vectors (sacrebleu.sentence_bleu, effective order)', () => {
  it('has the public set', () => {
    expect(sentenceCases.length).toBe(200);
  });

  it.each(sentenceCases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    expect(c.options.use_effective_order).toBe(true);
    expectMatches(sentenceBleu(c.hyp, c.refs, toOptions(c.options)), c.expected);
    // The CorpusMetric's sentenceScore is sacrebleu's BLEU(effective_order=True).sentence_score.
    const opts = bleu.resolveOptions({ ...toOptions(c.options), effectiveOrder: true });
    expectMatches(bleu.sentenceScore(c.hyp, c.refs, opts), c.expected);
  });
});

describe('statistics', () => {
  const opts = bleu.resolveOptions({});

  it('follow sacrebleu order [sys_len, ref_len, matches 1..4, totals 1..4]', () => {
    expect(bleu.statsSize(opts)).toBe(10);
    // hyp: the cat the cat on the mat (7), ref: the cat is on the mat (6)
    expect(bleu.segmentStats('the cat the cat on the mat', ['the cat is on the mat'], opts)).toEqual([7, 6, 5, 3, 1, 0, 7, 6, 5, 4]);
  });

  it('clip each n-gram by its largest count in any single reference', () => {
    // "the" x3 in hyp; ref 1 has it twice, ref 2 once: the clip is 2, not 3 (values from sacrebleu).
    expect(bleu.segmentStats('the the the', ['the cat the', 'the dog'], opts)).toEqual([3, 3, 2, 0, 0, 0, 3, 2, 1, 0]);
  });

  it('pick the closest reference length, the shorter on a tie', () => {
    expect(closestRefLength(5, [3, 7])).toBe(3);
    expect(closestRefLength(5, [7, 3])).toBe(3);
    expect(closestRefLength(5, [9, 6, 4])).toBe(4);
    expect(closestRefLength(0, [2, 0])).toBe(0);
  });

  it('lowercase and right-strip before tokenizing (Python semantics)', () => {
    const lc = bleu.resolveOptions({ lowercase: true });
    // 'İ'.lower() is 'i̇' (2 code points) in Python and JS; U+0085 is trailing whitespace to Python.
    expect(bleu.segmentStats('İstanbul Ok\u0085', ['i̇stanbul ok'], lc)).toEqual([2, 2, 2, 1, 0, 0, 2, 1, 0, 0]);
    expect(bleu.segmentStats('İstanbul Ok', ['i̇stanbul ok'], opts).slice(2, 4)).toEqual([0, 0]);
  });

  it('leave their inputs untouched and reuse prepared references across systems', () => {
    const refs = [['a b c d', 'x y'], ['a b c e', null]];
    const prepared = prepareBleuReferences(refs, opts);
    const first = bleuCorpusStats(['a b c d', 'x y'], prepared, opts);
    const second = bleuCorpusStats(['a b c d', 'x y'], prepared, opts);
    expect(second).toEqual(first);
    expect(first.stats).toEqual([
      [4, 4, 4, 3, 2, 1, 4, 3, 2, 1],
      [2, 2, 2, 1, 0, 0, 2, 1, 0, 0],
    ]);
    expect(refs).toEqual([['a b c d', 'x y'], ['a b c e', null]]);
  });
});

describe('references', () => {
  it('drop null references per segment and report a variable count as nrefs:var', () => {
    const result = bleuCorpusScore(['a b c d', 'e f g h'], [['a b c d', 'e f g h'], ['a b c x', null]]);
    expect(result.signature).toBe('nrefs:var|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0');
    expect(result.score).toBe(Math.exp((4 * Math.log(100)) / 4));
  });

  it('count an empty-string reference (length 0) but not a null one', () => {
    // hyp length 1: closest of [0, 3] is 0 (diff 1 < 2), so ref_len 0 and no brevity penalty.
    const withEmpty = bleuCorpusScore(['a'], [['a b c'], ['']]);
    expect([withEmpty.sysLen, withEmpty.refLen, withEmpty.bp]).toEqual([1, 0, 1]);
    expect(withEmpty.signature.startsWith('nrefs:2|')).toBe(true);
    const withNull = bleuCorpusScore(['a'], [['a b c'], [null]]);
    expect([withNull.sysLen, withNull.refLen]).toEqual([1, 3]);
    expect(withNull.signature.startsWith('nrefs:1|')).toBe(true);
  });

  it('reject a segment without any reference and streams of unequal length', () => {
    expect(() => bleuCorpusScore(['a', 'b'], [['a', null]])).toThrow(InputError);
    expect(() => bleuCorpusScore(['a', 'b'], [['a', null]])).toThrow('segment 2 has no reference');
    expect(() => bleuCorpusScore(['a', 'b'], [['a', 'b'], ['a']])).toThrow(
      'bleu: reference stream 2 has 1 segments, expected 2 (one per hypothesis)',
    );
    expect(() => bleuCorpusScore([], [[]])).toThrow(InputError);
  });
});

describe('scores', () => {
  const score = (stats: number[], options: Partial<BleuOptions>): BleuResult => bleu.scoreFromStats(stats, bleu.resolveOptions(options));

  it('are 0 with zero precisions and raw counts when nothing matches (sacrebleu #141)', () => {
    const r = score([3, 4, 0, 0, 0, 0, 3, 2, 1, 0], { smoothMethod: 'add-k' });
    expect([r.score, r.counts, r.totals, r.precisions]).toEqual([0, [0, 0, 0, 0], [3, 2, 1, 0], [0, 0, 0, 0]]);
    expect(r.bp).toBe(Math.exp(1 - 4 / 3));
  });

  it('add k to counts and totals of orders >= 2 in the reported lists (add-k)', () => {
    const r = score([4, 4, 3, 1, 0, 0, 4, 3, 2, 1], { smoothMethod: 'add-k', smoothValue: 0.5 });
    expect(r.counts).toEqual([3, 1.5, 0.5, 0.5]);
    expect(r.totals).toEqual([4, 3.5, 2.5, 1.5]);
    expect(r.rawCounts).toEqual([3, 1, 0, 0]);
    expect(r.rawTotals).toEqual([4, 3, 2, 1]);
    expect(r.precisions).toEqual([75, (100 * 1.5) / 3.5, (100 * 0.5) / 2.5, (100 * 0.5) / 1.5]);
  });

  it('halve the precision at each further zero-match order (exp), or floor it (floor)', () => {
    const exp = score([4, 4, 3, 0, 0, 0, 4, 3, 2, 1], { smoothMethod: 'exp' });
    expect(exp.precisions).toEqual([75, 100 / (2 * 3), 100 / (4 * 2), 100 / (8 * 1)]);
    const floor = score([4, 4, 3, 0, 0, 0, 4, 3, 2, 1], { smoothMethod: 'floor' });
    expect(floor.precisions).toEqual([75, (100 * 0.1) / 3, (100 * 0.1) / 2, (100 * 0.1) / 1]);
    const none = score([4, 4, 3, 0, 0, 0, 4, 3, 2, 1], { smoothMethod: 'none' });
    expect(none.precisions).toEqual([75, 0, 0, 0]);
    // log(0) is floored at -9999999999, so the score underflows to exactly 0.
    expect(none.score).toBe(0);
  });

  it('average only orders with hypothesis n-grams under effective order', () => {
    const stats = [2, 2, 2, 1, 0, 0, 2, 1, 0, 0];
    expect(score(stats, { effectiveOrder: true }).score).toBe(Math.exp((Math.log(100) + Math.log(100)) / 2));
    // Without it the two empty orders contribute log(0) = -9999999999 each: exp(-5e9) = 0.
    expect(score(stats, { effectiveOrder: false }).score).toBe(0);
  });

  it('apply the brevity penalty exp(1 - r/c), 0 for an empty system', () => {
    expect(score([3, 6, 3, 2, 1, 0, 3, 2, 1, 0], { effectiveOrder: true }).bp).toBe(Math.exp(1 - 6 / 3));
    expect(score([0, 6, 0, 0, 0, 0, 0, 0, 0, 0], {}).bp).toBe(0);
    expect(score([7, 6, 3, 2, 1, 0, 7, 6, 5, 4], {}).bp).toBe(1);
  });
});

describe('signature', () => {
  const sig = (options: Partial<BleuOptions>, nrefs: number | 'var' = 1): string => bleu.signature(bleu.resolveOptions(options), nrefs);

  it('matches sacrebleu field for field', () => {
    expect(sig({})).toBe('nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0');
    expect(sig({ lowercase: true, effectiveOrder: true, tokenize: 'intl', smoothMethod: 'none' }, 3)).toBe(
      'nrefs:3|case:lc|eff:yes|tok:intl|smooth:none|version:2.6.0',
    );
    expect(sig({ smoothMethod: 'floor' })).toBe('nrefs:1|case:mixed|eff:no|tok:13a|smooth:floor[0.10]|version:2.6.0');
    expect(sig({ smoothMethod: 'floor', smoothValue: 0.2 })).toBe('nrefs:1|case:mixed|eff:no|tok:13a|smooth:floor[0.20]|version:2.6.0');
    expect(sig({ smoothMethod: 'add-k' })).toBe('nrefs:1|case:mixed|eff:no|tok:13a|smooth:add-k[1.00]|version:2.6.0');
    expect(sig({ tokenize: 'zh' }, 'var')).toBe('nrefs:var|case:mixed|eff:no|tok:zh|smooth:exp|version:2.6.0');
    expect(sig({ tokenize: 'none' }, -1)).toBe('nrefs:var|case:mixed|eff:no|tok:none|smooth:exp|version:2.6.0');
  });

  it('formats the smoothing value like Python f"{x:.2f}" (exact ties to even)', () => {
    const smooth = (smoothValue: number): string => sig({ smoothMethod: 'floor', smoothValue }).split('|')[4];
    expect(smooth(0.125)).toBe('smooth:floor[0.12]');
    expect(smooth(0.375)).toBe('smooth:floor[0.38]');
    expect(smooth(0.625)).toBe('smooth:floor[0.62]');
    expect(smooth(2.675)).toBe('smooth:floor[2.67]'); // 2.67499999... in binary
    expect(smooth(0.005)).toBe('smooth:floor[0.01]'); // 0.005000000000000000104...
    expect(smooth(2)).toBe('smooth:floor[2.00]');
  });
});

describe('options', () => {
  it('resolve sacrebleu defaults in one place', () => {
    expect(bleu.resolveOptions()).toEqual({
      tokenize: '13a',
      smoothMethod: 'exp',
      smoothValue: null,
      lowercase: false,
      force: false,
      effectiveOrder: false,
      maxNgramOrder: 4,
      nrefs: 1,
    });
    expect(bleu.resolveOptions({ smoothMethod: 'floor' }).smoothValue).toBe(0.1);
    expect(bleu.resolveOptions({ smoothMethod: 'add-k' }).smoothValue).toBe(1);
    expect(bleu.resolveOptions({ smoothMethod: 'add-k', smoothValue: null }).smoothValue).toBe(1);
    expect(bleu.resolveOptions({ smoothMethod: 'exp', smoothValue: 3 }).smoothValue).toBe(null);
  });

  it('reject unknown tokenizers and smoothing methods naming the valid ones', () => {
    expect(() => bleu.resolveOptions({ tokenize: 'intI' })).toThrow(UsageError);
    expect(() => bleu.resolveOptions({ tokenize: 'intI' })).toThrow(
      'bleu option "tokenize": unknown tokenizer "intI"; did you mean "intl"? (valid: 13a, char, intl, none, zh)',
    );
    expect(() => bleu.resolveOptions({ smoothMethod: 'add_k' as BleuSmoothMethod })).toThrow(
      'bleu option "smoothMethod": unknown smoothing method "add_k"; did you mean "add-k"? (valid: none, floor, add-k, exp)',
    );
  });

  it('reject malformed values', () => {
    for (const bad of [
      { smoothMethod: 'floor', smoothValue: Number.NaN },
      { maxNgramOrder: 0 },
      { maxNgramOrder: 2.5 },
      { lowercase: 'yes' },
      { nrefs: 0 },
    ]) {
      expect(() => bleu.resolveOptions(bad as unknown as Partial<BleuOptions>)).toThrow(AssayError);
    }
  });

  it('support other maximum orders', () => {
    const opts = bleu.resolveOptions({ maxNgramOrder: 2, effectiveOrder: true });
    expect(bleu.statsSize(opts)).toBe(6);
    const stats = bleu.segmentStats('a b c', ['a b d'], opts);
    expect(stats).toEqual([3, 3, 2, 1, 3, 2]);
    expect(bleu.scoreFromStats(stats, opts).score).toBe(Math.exp((Math.log((100 * 2) / 3) + Math.log((100 * 1) / 2)) / 2));
  });

  it('match high orders whose packed n-gram keys would pass 2^53 (string-key path), as sacrebleu', () => {
    const opts = bleu.resolveOptions({ maxNgramOrder: 20, effectiveOrder: true });
    const hyp = 'w1 w2 w3 w4 w5 w6 w7 w8 w9 w1 w2 w3';
    const refs = ['w1 w2 w3 w4 w5 w6 w7 w8 w9 w1 w2 x', 'w1 w2 w3 w4 w5 w6 w7 w8 w9 w1 w2 w3 w4'];
    const matches = [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    expect(bleu.segmentStats(hyp, refs, opts)).toEqual([12, 12, ...matches, ...matches]);
    expect(closeTo(bleu.sentenceScore(hyp, refs, opts).score, 100.00000000000013)).toBe(true);
  });

  it('refuse prepared references made with other tokenization settings', () => {
    const prepared = prepareBleuReferences([['a b']], bleu.resolveOptions({}));
    expect(() => bleuCorpusScore(['a b'], prepared, { lowercase: true })).toThrow(
      'bleu: references were prepared with lowercase=false, cannot score with lowercase=true',
    );
  });
});
