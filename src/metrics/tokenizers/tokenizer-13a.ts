// sacrebleu `tokenizers/tokenizer_13a.py` + `tokenizer_re.py`: the mteval-v13a.pl tokenization WMT
// uses. The four ASCII rules are applied in sacrebleu's order, one non-overlapping pass each.
import { pySplit } from '../python-text.js';
import type { Tokenizer } from './types.js';

// ASCII-only classes, so the faster non-`u` mode gives the same result: a lone surrogate can only
// ever be captured as `[^0-9]` and is copied back beside its partner unchanged.
const SYMBOLS = /[{-~[-` -&(-+:-@/]/g;
const PERIOD_COMMA_AFTER_NON_DIGIT = /([^0-9])([.,])/g;
const PERIOD_COMMA_BEFORE_NON_DIGIT = /([.,])([^0-9])/g;
const DASH_AFTER_DIGIT = /([0-9])(-)/g;

/** `TokenizerRegexp` (shared by `13a` and `zh`), before the final whitespace normalisation. */
function applyRules(line: string): string {
  return line
    .replace(SYMBOLS, ' $& ')
    .replace(PERIOD_COMMA_AFTER_NON_DIGIT, '$1 $2 ')
    .replace(PERIOD_COMMA_BEFORE_NON_DIGIT, ' $1 $2')
    .replace(DASH_AFTER_DIGIT, '$1 $2 ');
}

/** sacrebleu's `TokenizerRegexp` as tokens. */
export function regexpTokens(line: string): string[] {
  return pySplit(applyRules(line));
}

/** The language-independent part of 13a: `<skipped>`, hyphenated line breaks, four HTML entities. */
function normalize13a(line: string): string {
  let out = line;
  if (out.includes('<skipped>')) out = out.replaceAll('<skipped>', '');
  if (out.includes('\n')) out = out.replaceAll('-\n', '').replaceAll('\n', ' ');
  if (out.includes('&')) {
    // Order matters: `&amp;lt;` becomes `&lt;` and then `<`, as in sacrebleu.
    out = out.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  }
  return ` ${out} `;
}

export const tokenizer13a: Tokenizer = {
  signature: '13a',
  tokenize: (line) => regexpTokens(normalize13a(line)).join(' '),
  tokens: (line) => regexpTokens(normalize13a(line)),
};
