import { describe, expect, it } from 'vitest';
import { readJsonl } from '../../test/support/shared.js';
import { porterStem } from './porter.js';

interface PorterCase {
  word: string;
  stem: string;
  rouge_stems: boolean;
  source: string;
}

const cases = readJsonl<PorterCase>('reference', 'metrics', 'porter.jsonl');

describe('Porter stemmer reference vectors (NLTK 3.8, NLTK_EXTENSIONS)', () => {
  const sources = [...new Set(cases.map((c) => c.source))];

  it.each(sources)('every %s word stems as NLTK does', (source) => {
    const mismatches = cases
      .filter((c) => c.source === source)
      .filter((c) => porterStem(c.word) !== c.stem)
      .map((c) => `${c.word}: ${porterStem(c.word)} (NLTK ${c.stem})`);
    expect(mismatches).toEqual([]);
  });

  it('marks exactly the words longer than 3 characters as ones rouge-score stems', () => {
    expect(cases.filter((c) => c.rouge_stems !== c.word.length > 3)).toEqual([]);
  });
});

describe('Porter stemmer details', () => {
  it('follows the examples of Porter (1980) as NLTK modifies them', () => {
    const table: Record<string, string> = {
      caresses: 'caress',
      ponies: 'poni',
      ties: 'tie', // NLTK: a 4-letter -ies word keeps 'ie'
      cats: 'cat',
      feed: 'feed',
      agreed: 'agre',
      plastered: 'plaster',
      motoring: 'motor',
      sing: 'sing',
      conflated: 'conflat',
      hopping: 'hop',
      falling: 'fall',
      filing: 'file',
      happy: 'happi',
      sky: 'sky',
      relational: 'relat',
      conditional: 'condit',
      generalization: 'gener',
      hopefulness: 'hope',
      electrical: 'electr',
      adoption: 'adopt',
      controll: 'control',
      roll: 'roll',
      archaeology: 'archaeolog',
      geology: 'geolog',
    };
    for (const [word, stem] of Object.entries(table)) expect([word, porterStem(word)]).toEqual([word, stem]);
  });

  it('uses the irregular-form pool and the NLTK -ied/-ies rules', () => {
    expect(['skies', 'dying', 'lying', 'tying', 'news', 'innings', 'proceed', 'exceed', 'succeed', 'howe'].map((w) => porterStem(w))).toEqual([
      'sky',
      'die',
      'lie',
      'tie',
      'news',
      'inning',
      'proceed',
      'exceed',
      'succeed',
      'howe',
    ]);
    expect(['died', 'spied', 'dies', 'flies', 'cried'].map((w) => porterStem(w))).toEqual(['die', 'spi', 'die', 'fli', 'cri']);
  });

  it('lower-cases like NLTK: the pool is looked up before lower-casing, words of <= 2 characters are not stemmed', () => {
    expect(porterStem('SKIES')).toBe('ski');
    expect(porterStem('Skies', false)).toBe('Ski');
    expect(porterStem('RUNNING')).toBe('run');
    expect(porterStem('AS')).toBe('as');
    expect(porterStem('is')).toBe('is');
    expect(porterStem('')).toBe('');
  });

  it('counts characters by code point, as Python does', () => {
    // Checked against NLTK 3.8: an astral character is one (consonant) character.
    expect(porterStem('a\u{1F600}ies')).toBe('a\u{1F600}i');
    expect(porterStem('\u{1D49C}ied')).toBe('\u{1D49C}ie');
    expect(porterStem('ab\u{1D49C}\u{1D49C}ing')).toBe('ab\u{1D49C}');
    expect(porterStem('\u{1D49C}\u{1D49C}ies')).toBe('\u{1D49C}\u{1D49C}i');
  });
});
