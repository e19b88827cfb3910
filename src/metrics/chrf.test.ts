import { describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import { closeTo, readJsonl } from '../../test/support/shared.js';
import { chrf, chrfWords, type ChrfOptions } from './chrf.js';
import { corpusScore } from './types.js';

interface RefOptions {
  char_order: number;
  word_order: number;
  beta: number;
  lowercase: boolean;
  whitespace: boolean;
  eps_smoothing: boolean;
}

interface RefCase {
  id: string;
  level: 'corpus' | 'sentence';
  hyps?: string[];
  refs: string[][] | string[];
  hyp?: string;
  options: RefOptions;
  expected: { score: number; stats: number[]; signature: string };
}

function toOptions(o: RefOptions): Partial<ChrfOptions> {
  return {
    charOrder: o.char_order,
    wordOrder: o.word_order,
    beta: o.beta,
    lowercase: o.lowercase,
    whitespace: o.whitespace,
    epsSmoothing: o.eps_smoothing,
  };
}

const cases = readJsonl<RefCase>('reference', 'metrics', 'chrf.jsonl');

describe('chrF reference vectors (sacrebleu 2.6.0)', () => {
  it('has the public set', () => {
    expect(cases.length).toBe(252);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const options = toOptions(c.options);
    const result =
      c.level === 'corpus'
        ? corpusScore(chrf, c.hyps ?? [], c.refs as string[][], { ...options, nrefs: c.refs.length })
        : chrf.sentenceScore(c.hyp ?? '', c.refs as string[], chrf.resolveOptions(options));
    expect(result.stats).toEqual(c.expected.stats);
    expect(result.signature).toBe(c.expected.signature);
    expect(closeTo(result.score, c.expected.score), `${result.score} vs ${c.expected.score}`).toBe(true);
  });
});

describe('chrF details', () => {
  const opts = chrf.resolveOptions();

  it('resolves sacrebleu defaults and rejects bad values', () => {
    expect(opts).toEqual({
      charOrder: 6,
      wordOrder: 0,
      beta: 2,
      lowercase: false,
      whitespace: false,
      epsSmoothing: false,
      nrefs: 1,
    });
    expect(() => chrf.resolveOptions({ charOrder: 1.5 })).toThrow(UsageError);
    expect(() => chrf.resolveOptions({ charOrder: 0, wordOrder: 0 })).toThrow(/charOrder \+ wordOrder/);
    expect(() => chrf.resolveOptions({ lowercase: 'yes' as unknown as boolean })).toThrow(/lowercase/);
    expect(() => chrf.resolveOptions({ wordorder: 2 } as unknown as Partial<ChrfOptions>)).toThrow(
      /did you mean "wordOrder"/,
    );
    expect(() => chrf.segmentStats('a', [], opts)).toThrow(UsageError);
  });

  it('splits punctuation off word edges as sacrebleu does (one mark, end first)', () => {
    expect(chrfWords('(hi) "ok", a . x\u0085y 😀! ,,')).toEqual(['(hi', ')', '"ok"', ',', 'a', '.', 'x', 'y', '😀', '!', ',', ',']);
  });

  it('counts characters as code points, not UTF-16 units', () => {
    // 3 code points ("a😀b"): 3 unigrams, 2 bigrams, 1 trigram.
    const stats = chrf.segmentStats('a😀b', ['a😀b'], chrf.resolveOptions({ charOrder: 4 }));
    expect(stats).toEqual([3, 3, 3, 2, 2, 2, 1, 1, 1, 0, 0, 0]);
    expect(chrf.scoreFromStats(stats, chrf.resolveOptions({ charOrder: 4 })).score).toBe(100);
  });

  it('removes Python whitespace (incl. U+001F, U+0085) but not U+FEFF', () => {
    const o = chrf.resolveOptions({ charOrder: 1 });
    expect(chrf.segmentStats('a\u001fb\u0085c\ufeff', ['abc'], o)).toEqual([4, 3, 3]);
  });

  it('reports 0 hypothesis n-grams for an order the reference lacks, and scores chrF++ names', () => {
    const o = chrf.resolveOptions({ wordOrder: 2 });
    const stats = chrf.segmentStats('abc def', ['ab'], o);
    expect(stats).toEqual([6, 2, 2, 5, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 0, 0, 0, 0]);
    const result = chrf.scoreFromStats(stats, o);
    expect(result.name).toBe('chrF2++');
    expect(result.signature).toBe('nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.6.0');
  });

  it('never merges different n-grams whose hashes collide ("vwdwr" and "rctez" share a 5-gram hash)', () => {
    // Expected values from sacrebleu 2.6.0 CHRF(char_order=5).
    const o = chrf.resolveOptions({ charOrder: 5 });
    expect(chrf.segmentStats('vwdwr', ['rctez'], o)).toEqual([5, 5, 1, 4, 4, 0, 3, 3, 0, 2, 2, 0, 1, 1, 0]);
    const both = chrf.sentenceScore('rctez vwdwr', ['vwdwr rctez rctez'], o);
    expect(both.stats).toEqual([10, 15, 10, 9, 14, 8, 8, 13, 6, 7, 12, 4, 6, 11, 2]);
    expect(closeTo(both.score, 47.88723775208889)).toBe(true);
  });

  it('drops missing references and prints nrefs:var when their number varies (as sacrebleu)', () => {
    // sacrebleu 2.6.0: CHRF().corpus_score(hyps, [['the cat sat on', 'a dog'], ['the cat', None]]).
    const refs = [
      ['the cat sat on', 'a dog'],
      ['the cat', null],
    ] as unknown as string[][];
    const o = chrf.resolveOptions({ nrefs: 'var' });
    const total = corpusScore(chrf, ['the cat sat', 'a dog'], refs, o);
    expect(closeTo(total.score, 86.61404238348292)).toBe(true);
    expect(total.signature).toBe('nrefs:var|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0');
    const one = chrf.sentenceScore('the cat sat', ['the cat sat on', null] as unknown as string[], chrf.resolveOptions());
    expect(closeTo(one.score, 79.34458487087205)).toBe(true);
    expect(one.signature).toBe('nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0');
  });

  it('keeps the first reference on ties', () => {
    const o = chrf.resolveOptions({ charOrder: 1 });
    // Both references give F = 0 with different statistics; the first one is kept.
    expect(chrf.segmentStats('x', ['ab', 'abc'], o)).toEqual([1, 2, 0]);
  });
});
