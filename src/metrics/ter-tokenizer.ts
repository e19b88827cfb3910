// The Tercom normalizer/tokenizer as sacrebleu 2.6.0 `tokenizers/tokenizer_ter.py` re-implements
// Tercom's Normalizer.java, regex for regex (including its quirks: the over-wide U+3200-U+3F22 range
// and the kana patterns anchored at `^`, which never fire after the Western step pads the string).
import { pyCollapseWhitespace, pyLower } from './python-text.js';

export interface TercomOptions {
  normalized: boolean;
  noPunct: boolean;
  asianSupport: boolean;
  caseSensitive: boolean;
}

const ASIAN_PUNCT = /([\u3001\u3002\u3008-\u3011\u3014-\u301f\uff61-\uff65\u30fb])/gu;
const FULL_WIDTH_PUNCT = /([\uff0e\uff0c\uff1f\uff1a\uff1b\uff01\uff02\uff08\uff09])/gu;

function normalizeGeneralAndWestern(text: string): string {
  let s = text
    .replace(/\n-/g, '') // end-of-line hyphenation
    .replace(/\n/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
  s = ` ${s} `;
  // ASCII punctuation and symbols except ' , . (ranges { to ~, [ to `, space to &, ( to +, : to @, /).
  s = s.replace(/([{-~[-` -&(-+:-@/])/gu, ' $1 ');
  s = s.replace(/'s /gu, " 's ");
  // No newline is left, so Python's `$` (end, or before a final newline) is JS's `$`.
  s = s.replace(/'s$/u, " 's");
  // Period and comma become tokens unless they sit between digits.
  s = s.replace(/([^0-9])([.,])/gu, '$1 $2 ');
  s = s.replace(/([.,])([^0-9])/gu, ' $1 $2');
  s = s.replace(/([0-9])(-)/gu, '$1 $2 ');
  return s;
}

function normalizeAsian(text: string): string {
  let s = text;
  s = s.replace(/([\u4e00-\u9fff\u3400-\u4dbf])/gu, ' $1 '); // CJK unified ideographs (+ ext. A)
  s = s.replace(/([\u31c0-\u31ef\u2e80-\u2eff])/gu, ' $1 '); // strokes, radicals supplement
  s = s.replace(/([\u3300-\u33ff\uf900-\ufaff\ufe30-\ufe4f])/gu, ' $1 '); // compatibility blocks
  s = s.replace(/([\u3200-\u3f22])/gu, ' $1 '); // "enclosed CJK letters" (sic: range as in sacrebleu)
  // Hiragana, Katakana, Katakana phonetic extensions: only a whole-string run, as the anchors say.
  s = s.replace(/(^|^[\u3040-\u309f])([\u3040-\u309f]+)(?=$|^[\u3040-\u309f])/gu, '$1 $2 ');
  s = s.replace(/(^|^[\u30a0-\u30ff])([\u30a0-\u30ff]+)(?=$|^[\u30a0-\u30ff])/gu, '$1 $2 ');
  s = s.replace(/(^|^[\u31f0-\u31ff])([\u31f0-\u31ff]+)(?=$|^[\u31f0-\u31ff])/gu, '$1 $2 ');
  s = s.replace(ASIAN_PUNCT, ' $1 ');
  s = s.replace(FULL_WIDTH_PUNCT, ' $1 ');
  return s;
}

/** sacrebleu's `TercomTokenizer.__call__`: lower-case, normalize, drop punctuation, collapse spaces. */
export function tercomTokenize(text: string, opts: TercomOptions): string {
  if (text === '') return '';
  let s = opts.caseSensitive ? text : pyLower(text);
  if (opts.normalized) {
    s = normalizeGeneralAndWestern(s);
    if (opts.asianSupport) s = normalizeAsian(s);
  }
  if (opts.noPunct) {
    s = s.replace(/[.,?:;!"()]/gu, '');
    if (opts.asianSupport) s = s.replace(ASIAN_PUNCT, '').replace(FULL_WIDTH_PUNCT, '');
  }
  return pyCollapseWhitespace(s);
}
