import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { closeTo, readJsonl, sharedPath } from '../../test/support/shared.js';
import { normalizeSquadAnswer, squad, squadExactMatch, squadF1, squadScore } from './squad.js';
import { corpusScore, sumStats } from './types.js';

interface SquadCase {
  id: string;
  prediction: string;
  gold_answers: string[];
  expected: {
    exact_match: number;
    f1: number;
    per_gold: { em: number; f1: number }[];
    normalized_prediction: string;
    normalized_golds: string[];
  };
}

interface SquadAggregate {
  n: number;
  exact_match: number;
  f1: number;
}

const cases = readJsonl<SquadCase>('reference', 'metrics', 'squad.jsonl');
const aggregate = JSON.parse(readFileSync(sharedPath('reference', 'metrics', 'squad_aggregate.json'), 'utf8')) as SquadAggregate;

describe('SQuAD v1.1 reference vectors (evaluate-v1.1.py logic)', () => {
  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    expect(normalizeSquadAnswer(c.prediction)).toBe(c.expected.normalized_prediction);
    expect(c.gold_answers.map(normalizeSquadAnswer)).toEqual(c.expected.normalized_golds);
    c.gold_answers.forEach((gold, i) => {
      expect(squadExactMatch(c.prediction, gold)).toBe(c.expected.per_gold[i].em);
      expect(closeTo(squadF1(c.prediction, gold), c.expected.per_gold[i].f1)).toBe(true);
    });
    const pair = squadScore(c.prediction, c.gold_answers);
    expect(pair.exactMatch).toBe(c.expected.exact_match);
    expect(closeTo(pair.f1, c.expected.f1), `${pair.f1} vs ${c.expected.f1}`).toBe(true);
    expect(squad.segmentStats(c.prediction, c.gold_answers, {})).toEqual([pair.exactMatch, pair.f1, 1]);
  });

  it('prints the dataset scores as 100 * mean over questions', () => {
    // Questions become segments; gold answer k of each question is reference stream k (padded by repeating the first).
    const width = Math.max(...cases.map((c) => c.gold_answers.length));
    expect(aggregate.n).toBe(cases.length);
    const summed = sumStats(
      cases.map((c) => squad.segmentStats(c.prediction, c.gold_answers, {})),
      3,
    );
    const scored = squad.scoreFromStats(summed, {});
    expect(closeTo(scored.exactMatch, aggregate.exact_match)).toBe(true);
    expect(closeTo(scored.f1, aggregate.f1)).toBe(true);
    expect(scored.score).toBe(scored.f1);
    const streams = Array.from({ length: width }, (_, k) => cases.map((c) => c.gold_answers[k] ?? c.gold_answers[0]));
    const viaCorpus = corpusScore(
      squad,
      cases.map((c) => c.prediction),
      streams,
    );
    expect(closeTo(viaCorpus.exactMatch, aggregate.exact_match)).toBe(true);
    expect(closeTo(viaCorpus.f1, aggregate.f1)).toBe(true);
  });
});

describe('SQuAD details', () => {
  it('normalizes with Python semantics: ASCII punctuation only, Unicode word boundaries, str.split() whitespace', () => {
    expect(normalizeSquadAnswer('The “Cat”, an apple!')).toBe('“cat” apple');
    // \b(a|an|the)\b: a combining mark is not a word character in Python, a letter or digit is;
    // `_` is punctuation, so it is gone before articles are removed.
    expect(normalizeSquadAnswer('the\u0301 thé 2the the_ a-b')).toBe('\u0301 thé 2the ab');
    // U+001F and U+0085 split in Python (not in JS \s); U+FEFF and U+200B do not.
    expect(normalizeSquadAnswer('x\u001fy\u0085z\ufeffw\u200bv')).toBe('x y z\ufeffw\u200bv');
    // Full Unicode lower(): İ → i + U+0307, final sigma.
    expect(normalizeSquadAnswer('İSTANBUL ΟΔΟΣ')).toBe('i\u0307stanbul \u03bf\u03b4\u03bf\u03c2');
  });

  it('scores empty against empty as EM 1 and F1 0, and takes each maximum over the gold answers independently', () => {
    expect(squadScore('', ['a'])).toEqual({ exactMatch: 1, f1: 0 });
    expect(squadScore('red car', ['the red car', 'red'])).toEqual({ exactMatch: 1, f1: 1 });
    expect(squadScore('red red car', ['red car'])).toEqual({ exactMatch: 0, f1: 0.8 });
    expect(squadScore('blue', ['red car'])).toEqual({ exactMatch: 0, f1: 0 });
  });

  it('has a signature, no options, and rejects a question without gold answers', () => {
    expect(squad.signature({}, 1)).toBe('squad:em,f1|version:1.1');
    expect(squad.resolveOptions()).toEqual({});
    expect(squad.statsSize({})).toBe(3);
    expect(squad.sentenceScore('red red car', ['red car'], {})).toEqual({ score: 80, exactMatch: 0, f1: 80, signature: 'squad:em,f1|version:1.1' });
    expect(() => squadScore('x', [])).toThrow(/no gold answers/);
  });
});
