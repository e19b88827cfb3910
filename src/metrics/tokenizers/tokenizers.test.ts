// Tokenizer tables: expected outputs were produced by sacrebleu 2.6.0's own tokenizer classes
// (Python 3.11.2, regex 2022.10.31) on these inputs.
import { describe, expect, it } from 'vitest';
import { AssayError } from '../../core/errors.js';
import { BUILTIN_TOKENIZERS, tokenize, tokenizers } from './index.js';
import { isChineseChar, ZH_RANGES } from './tokenizer-zh.js';
import type { Tokenizer } from './types.js';

const TABLE: Record<keyof typeof BUILTIN_TOKENIZERS, [string, string][]> = {
  '13a': [
    ['Hello, world.', 'Hello , world .'],
    ['It costs $1,000.50 (approx.) -- really?', 'It costs $ 1,000.50 ( approx . ) -- really ?'],
    ['a&amp;lt;b &quot;q&quot; &#39;x&#39; &apos;y&apos; &nbsp;', 'a < b " q " & # 39 ; x & # 39 ; & apos ; y & apos ; & nbsp ;'], // &amp; first, so &amp;lt; ends as <; other entities are split
    ['line one-\nline two\nthree <skipped> end', 'line oneline two three end'], // -\n joins words, <skipped> vanishes
    ['3-4 pages, v2.0 and 1e-3; 12:30 10% -5', '3 - 4 pages , v2.0 and 1e-3 ; 12 : 30 10 % -5'], // dash split only after a digit
    ['don\'t state-of-the-art', 'don\'t state-of-the-art'], // apostrophes and hyphens stay
    ['x.y,z 1.5 .5 5. ,a', 'x . y , z 1.5 . 5 5 . , a'], // period/comma split unless a digit is on that side
    ['tab\tsep\u00a0nbsp\u2009thin\ufeffbom\u200bzw\u0085nel\u001cfs', 'tab sep nbsp thin\ufeffbom\u200bzw nel fs'], // U+FEFF and U+200B are not Python whitespace; U+0085 and U+001C are
    ['\ud83d\ude00.\ud83d\udc4d,', '\ud83d\ude00 . \ud83d\udc4d ,'], // emoji are one code point
    ['\u00abZ\u00fcrich\u00bb \u201e\u0141\u00f3d\u017a\u201c \u0130stanbul', '\u00abZ\u00fcrich\u00bb \u201e\u0141\u00f3d\u017a\u201c \u0130stanbul'], // non-ASCII punctuation untouched
    ['a..', 'a . .'], // non-overlapping passes: each rule sees the spaces earlier rules inserted
    ['1.-2', '1 . -2'],
    ['$.5', '$ . 5'], // the space pass 1 put after $ counts as a non-digit
    ['a.,b', 'a . , b'],
    ['1--2', '1 - -2'],
    [',.,.', ', . , .'],
    ['3.,5', '3 . , 5'],
    ['x-1-2-', 'x-1 - 2 -'],
    ['5,000,000.', '5,000,000 .'],
    ['1,.2', '1 , . 2'],
    ['...1', '. . . 1'],
  ],
  'intl': [
    ['Hello, world.', 'Hello , world .'],
    ['1,000.50 and 3.14.', '1,000.50 and 3.14.'], // punctuation between digits stays; final period after a digit is not split (mteval-v14 quirk)
    ['end of 2023.', 'end of 2023.'],
    ['\u00ab Bonjour \u00bb \u2014 dit-il\u2026', '\u00ab Bonjour \u00bb \u2014 dit - il \u2026'],
    ['\u20ac10 \u00a35 \u00a92024 a+b=c x^2 ~ y', '\u20ac 10 \u00a3 5 \u00a9 2024 a + b = c x ^ 2 ~ y'], // symbols (\p{S}) always split
    ['\u4e2d\u6587\uff0c\u6d4b\u8bd5\u3002', '\u4e2d\u6587 \uff0c \u6d4b\u8bd5 \u3002'],
    ['\ud83d\ude00!', '\ud83d\ude00 !'],
    ['U.S.A.', 'U . S . A .'],
    ['\u0663,\u0664 \u00bd,x', '\u0663,\u0664 \u00bd , x'], // Arabic-Indic digits are \p{N}; ½ is \p{N} too
    ['don\'t "quote" \'single\'', 'don \' t " quote " \' single \''],
    ['a\u00a0.\u3000b', 'a . b'], // NBSP and U+3000 are whitespace
    ['\ud835\udfd9.\ud835\udfda,x', '\ud835\udfd9.\ud835\udfda , x'], // astral digits are \p{N}
    ['a\ud802\udf39b', 'a \ud802\udf39 b'], // astral punctuation
    ['\ud83d\ude00\ud83d\ude00', '\ud83d\ude00 \ud83d\ude00'], // each emoji is a symbol
    ['x\ud83e\udee9y', 'x\ud83e\udee9y'], // U+1FAE9 (Unicode 16) is unassigned in the reference's Unicode 15 tables: not a symbol
    ['1,000.5\u20ac!', '1,000.5 \u20ac !'],
    ['a\u1b4e.', 'a\u1b4e .'], // U+1B4E (Unicode 16 punctuation) likewise stays
  ],
  'char': [
    ['ab c', 'a b   c'], // spaces become empty tokens in the joined string
    ['\ud83d\ude00 e\u0301', '\ud83d\ude00   e \u0301'], // code points, not UTF-16 units; combining marks are their own token
    ['\u3000x\ty\ufeffz', '\u3000 x \t y \ufeff z'],
    ['  ', '   '],
  ],
  'zh': [
    ['\u4e2d\u6587\uff0c\u6d4b\u8bd5\u3002', '\u4e2d \u6587 \uff0c \u6d4b \u8bd5 \u3002'],
    ['\u6211\u6709100\u5143\u3002', '\u6211 \u6709 100 \u5143 \u3002'],
    ['Hello\u4e16\u754c!', 'Hello \u4e16 \u754c !'],
    ['\u201c\u5f15\u53f7\u201d\u548c\u2014\u7834\u6298\u53f7', '\u201c \u5f15 \u53f7 \u201d \u548c \u2014 \u7834 \u6298 \u53f7'], // sacrebleu's mis-escaped range U+2001..U+2A6D splits curly quotes and dashes
    ['\t.5 start', '.5 start'], // strip() first, so the period stays with the digit
    ['\uff26\uff55\uff4c\uff4c\uff11\uff12\uff13', '\uff26 \uff55 \uff4c \uff4c \uff11 \uff12 \uff13'], // full-width forms
    ['\ud840\udc00 ext B', '\ud840\udc00 ext B'], // U+20000 (CJK Ext. B) is NOT split: the range escape is broken in sacrebleu
    ['\u263a\u2713 dingbats \u2ff0', '\u263a \u2713 dingbats \u2ff0'], // dingbats and ideographic description characters
    ['a&amp;b 1,000.5', 'a & amp ; b 1,000.5'], // no HTML entity handling (unlike 13a)
    ['\u20ac5 \u2014 ok', '\u20ac 5 \u2014 ok'], // euro sign (U+20AC) falls in the broken range
  ],
  'none': [
    ['  a  b\u3000c\ufeffd\u001ce  ', '  a  b\u3000c\ufeffd\u001ce  '], // returned unchanged
    ['a.b, c', 'a.b, c'],
  ],
};

/** Python's `str.split()` for the contract check below (whitespace of `str.isspace()`). */
const pySplitRef = (s: string): string[] =>
  // eslint-disable-next-line no-control-regex -- U+001C..U+001F are whitespace to Python
  s.split(/[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/).filter((t) => t !== '');

describe('sacrebleu tokenizers', () => {
  for (const [name, rows] of Object.entries(TABLE)) {
    describe(name, () => {
      const tok: Tokenizer = tokenizers.get(name);
      it.each(rows)('%j', (input, expected) => {
        expect(tok.tokenize(input)).toBe(expected);
        expect(tokenize(name, input)).toBe(expected);
        // tokens() is the metric's fast path: it must equal tokenize(line).split().
        expect(tok.tokens(input)).toEqual(pySplitRef(expected));
      });
    });
  }

  it('names itself in signatures as sacrebleu does', () => {
    expect(Object.fromEntries(Object.entries(BUILTIN_TOKENIZERS).map(([k, t]) => [k, t.signature]))).toEqual({
      none: 'none',
      '13a': '13a',
      intl: 'intl',
      char: 'char',
      zh: 'zh',
    });
  });

  it('rejects an unknown name with the valid ones', () => {
    expect(() => tokenize('13b', 'x')).toThrow(AssayError);
    expect(() => tokenize('13b', 'x')).toThrow('unknown tokenizer "13b"; did you mean "13a"? (valid: 13a, char, intl, none, zh)');
  });

  it('accepts plug-ins through the registry', () => {
    const upper: Tokenizer = { signature: 'upper', tokenize: (l) => l.toUpperCase(), tokens: (l) => l.toUpperCase().split(' ') };
    tokenizers.register('test-upper', upper);
    expect(tokenize('test-upper', 'a b')).toBe('A B');
  });
});

describe('zh character ranges', () => {
  // Boundaries of sacrebleu's `_is_chinese_char`, enumerated over all code points in Python.
  it.each([
    [0x2000, false],
    [0x2001, true],
    [0x2a6d, true],
    [0x2a6e, false],
    [0x2e7f, false],
    [0x2e80, true],
    [0x2fdf, true],
    [0x2fe0, false],
    [0x2ff0, true],
    [0x303f, true],
    [0x3040, false],
    [0x31ef, true],
    [0x31f0, false],
    [0x4db5, true],
    [0x4db6, false],
    [0x9fbb, true],
    [0x9fbc, false],
    [0xfad9, true],
    [0xfada, false],
    [0xffef, true],
    [0xfff0, false],
    [0x20000, false],
    [0x2f800, false],
  ])('code point %i', (cp, expected) => {
    expect(isChineseChar(cp)).toBe(expected);
    const c = String.fromCodePoint(cp);
    // U+2000 and U+2001 are whitespace: split() drops them whether or not they were spaced out.
    const want = pySplitRef(c).length === 0 ? ['a', 'b'] : expected ? ['a', c, 'b'] : [`a${c}b`];
    expect(tokenizers.get('zh').tokens(`a${c}b`)).toEqual(want);
  });

  it('keeps sacrebleu\'s 22 ranges', () => {
    expect(ZH_RANGES.length).toBe(22);
  });
});
