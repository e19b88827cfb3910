import { describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import { closeTo, readJsonl } from '../../test/support/shared.js';
import { ter, tercomTokenize, terReferenceWords, terWords, translationEditRate, type TerOptions } from './ter.js';
import { corpusScore } from './types.js';

interface RefOptions {
  normalized: boolean;
  no_punct: boolean;
  asian_support: boolean;
  case_sensitive: boolean;
}

interface RefCase {
  id: string;
  level: 'corpus' | 'sentence';
  hyps?: string[];
  refs: string[][] | string[];
  hyp?: string;
  options: RefOptions;
  expected: { score: number; num_edits: number; ref_length: number; signature: string };
}

function toOptions(o: RefOptions): Partial<TerOptions> {
  return {
    normalized: o.normalized,
    noPunct: o.no_punct,
    asianSupport: o.asian_support,
    caseSensitive: o.case_sensitive,
  };
}

const cases = readJsonl<RefCase>('reference', 'metrics', 'ter.jsonl');

describe('TER reference vectors (sacrebleu 2.6.0)', () => {
  it('has the public set', () => {
    expect(cases.length).toBe(248);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const options = toOptions(c.options);
    const result =
      c.level === 'corpus'
        ? corpusScore(ter, c.hyps ?? [], c.refs as string[][], { ...options, nrefs: c.refs.length })
        : ter.sentenceScore(c.hyp ?? '', c.refs as string[], ter.resolveOptions(options));
    expect(result.numEdits).toBe(c.expected.num_edits);
    expect(closeTo(result.refLength, c.expected.ref_length)).toBe(true);
    expect(result.signature).toBe(c.expected.signature);
    expect(closeTo(result.score, c.expected.score), `${result.score} vs ${c.expected.score}`).toBe(true);
  });
});

const plain = { normalized: false, noPunct: false, asianSupport: false, caseSensitive: true };

function edits(hyp: string, ref: string): [number, number] {
  return translationEditRate(hyp.split(' ').filter(Boolean), ref.split(' ').filter(Boolean));
}

describe('TER details', () => {
  it('resolves sacrebleu defaults and rejects bad values', () => {
    expect(ter.resolveOptions()).toEqual({ ...plain, caseSensitive: false, nrefs: 1 });
    expect(() => ter.resolveOptions({ normalized: 1 as unknown as boolean })).toThrow(UsageError);
    expect(() => ter.resolveOptions({ noPunc: true } as unknown as Partial<TerOptions>)).toThrow(/did you mean "noPunct"/);
    expect(() => ter.segmentStats('a', [], ter.resolveOptions())).toThrow(UsageError);
  });

  it('tokenizes like the Tercom normalizer', () => {
    const norm = { ...plain, normalized: true };
    expect(tercomTokenize('He said &quot;3.14, 1,000-5&quot; (ok)... it\'s Bob\'s', norm)).toBe(
      'He said " 3.14 , 1,000 - 5 " ( ok ) . . . it \'s Bob \'s',
    );
    expect(tercomTokenize('Ab\n-cd\nEF', { ...norm, caseSensitive: false })).toBe('abcd ef');
    expect(tercomTokenize('你好，世界。ok', { ...norm, asianSupport: true })).toBe('你 好 ， 世 界 。 ok');
    expect(tercomTokenize('你好，世界。"ok"!', { ...plain, noPunct: true, asianSupport: true })).toBe('你好世界ok');
    expect(terWords('  a\u00a0b\u001f ', plain)).toEqual(['a', 'b']);
  });

  it('tokenizes references twice, as sacrebleu 2.6.0 does', () => {
    const norm = { ...plain, normalized: true, caseSensitive: false };
    // The first pass turns the tab into a space, so the second splits off the possessive.
    expect(terWords("gnutls's\tmemory", norm)).toEqual(["gnutls's", 'memory']);
    expect(terReferenceWords("gnutls's\tmemory", norm)).toEqual(['gnutls', "'s", 'memory']);
    // sacrebleu: TER(normalized=True).sentence_score("gnutls's\tmemory", ["gnutls's\tmemory"]).
    const r = ter.sentenceScore("gnutls's\tmemory", ["gnutls's\tmemory"], ter.resolveOptions({ normalized: true }));
    expect([r.score, r.numEdits, r.refLength]).toEqual([66.66666666666666, 2, 3]);
  });

  it('counts a block shift as one edit', () => {
    expect(edits('d e a b c', 'a b c d e')).toEqual([1, 5]);
    expect(edits('a b c', 'a b c')).toEqual([0, 3]);
    expect(edits('', 'a b')).toEqual([2, 2]);
    expect(edits('a b', '')).toEqual([2, 0]);
  });

  it('drops missing references and prints nrefs:var when their number varies (as sacrebleu)', () => {
    const refs = [
      ['the cat sat on', 'a dog'],
      ['the cat', null],
    ] as unknown as string[][];
    const total = corpusScore(ter, ['the cat sat', 'a dog'], refs, { nrefs: 'var' });
    expect([total.score, total.numEdits, total.refLength]).toEqual([20, 1, 5]);
    expect(total.signature).toBe('nrefs:var|case:lc|tok:tercom|norm:no|punct:yes|asian:no|version:2.6.0');
  });

  it('scores empty references as sacrebleu does', () => {
    const o = ter.resolveOptions();
    expect(ter.sentenceScore('a b', [''], o).score).toBe(100);
    expect(ter.sentenceScore('', [''], o).score).toBe(0);
    const two = ter.sentenceScore('a b c', ['a b c d', 'a c'], o);
    expect([two.numEdits, two.refLength, two.score]).toEqual([1, 3, 33.33333333333333]);
    expect(two.signature).toBe('nrefs:2|case:lc|tok:tercom|norm:no|punct:yes|asian:no|version:2.6.0');
  });
});
