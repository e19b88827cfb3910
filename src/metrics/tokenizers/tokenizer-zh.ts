// sacrebleu `tokenizers/tokenizer_zh.py`: each character in sacrebleu's fixed CJK ranges becomes a
// token, the rest goes through the 13a rules (without 13a's entity handling). Deliberately kept:
// sacrebleu writes two ranges as 5-hex-digit `\u` escapes, which Python reads as a 4-digit escape
// plus a character, so `('\u20000', '\u2a6d6')` compares as U+2001..U+2A6D (general punctuation,
// currency, arrows, maths, dingbats) and `('\u2f800', '\u2fa1d')` as U+2F81..U+2FA1; the intended
// supplementary-plane ideographs are not split.
import { pyRstrip } from '../python-text.js';
import { regexpTokens } from './tokenizer-13a.js';
import type { Tokenizer } from './types.js';
import { PY_SPACE_CLASS } from './unicode-tables.js';

// Leading whitespace matters: without sacrebleu's strip(), "\t.5" would split the period off.
const LEADING_SPACE = new RegExp(`^[${PY_SPACE_CLASS}]+`, 'u');
const pyStrip = (line: string): string => pyRstrip(line).replace(LEADING_SPACE, '');

/** Code-point ranges for which sacrebleu's `_is_chinese_char` is true (all in the BMP). */
export const ZH_RANGES: readonly (readonly [number, number])[] = [
  [0x3400, 0x4db5],
  [0x4e00, 0x9fa5],
  [0x9fa6, 0x9fbb],
  [0xf900, 0xfa2d],
  [0xfa30, 0xfa6a],
  [0xfa70, 0xfad9],
  [0x2001, 0x2a6d], // written ('\u20000', '\u2a6d6') in sacrebleu, see above
  [0x2f81, 0x2fa1], // written ('\u2f800', '\u2fa1d')
  [0xff00, 0xffef],
  [0x2e80, 0x2eff],
  [0x3000, 0x303f],
  [0x31c0, 0x31ef],
  [0x2f00, 0x2fdf],
  [0x2ff0, 0x2fff],
  [0x3100, 0x312f],
  [0x31a0, 0x31bf],
  [0xfe10, 0xfe1f],
  [0xfe30, 0xfe4f],
  [0x2600, 0x26ff],
  [0x2700, 0x27bf],
  [0x3200, 0x32ff],
  [0x3300, 0x33ff],
];

const hex = (cp: number): string => `\\u${cp.toString(16).padStart(4, '0')}`;
// BMP-only ranges: surrogate halves never match, so no `u` flag is needed.
const CHINESE_CHAR = new RegExp(`[${ZH_RANGES.map(([a, b]) => `${hex(a)}-${hex(b)}`).join('')}]`, 'g');

export function isChineseChar(codePoint: number): boolean {
  return ZH_RANGES.some(([a, b]) => codePoint >= a && codePoint <= b);
}

function zhTokens(line: string): string[] {
  return regexpTokens(pyStrip(line).replace(CHINESE_CHAR, ' $& '));
}

export const tokenizerZh: Tokenizer = {
  signature: 'zh',
  tokenize: (line) => zhTokens(line).join(' '),
  tokens: zhTokens,
};
