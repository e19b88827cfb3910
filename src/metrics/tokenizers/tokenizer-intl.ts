// sacrebleu `tokenizers/tokenizer_intl.py` (mteval-v14.pl international tokenization): split off
// punctuation unless a digit is on that side, and every symbol. sacrebleu runs three `regex`
// substitutions, `(\P{N})(\p{P})` -> '\1 \2 ', `(\p{P})(\P{N})` -> ' \1 \2', `(\p{S})` -> ' \1 ',
// then splits on whitespace; they are replayed here as scans over code points (each pass
// non-overlapping, left to right, seeing the spaces earlier passes inserted). Property classes
// come from the reference's `regex` tables (Unicode 15.0), not Node's ICU, so results cannot drift.
import type { Tokenizer } from './types.js';
import { isPySpace, NUMBER_CLASS, PUNCTUATION_CLASS, SYMBOL_CLASS } from './unicode-tables.js';

/** `\u{lo}-\u{hi}` class bodies as flat sorted [lo, hi, lo, hi, ...] code-point ranges. */
function parseRanges(cls: string): Int32Array {
  const out: number[] = [];
  for (const m of cls.matchAll(/\\u\{([0-9a-f]+)\}(?:-\\u\{([0-9a-f]+)\})?/g)) {
    const lo = parseInt(m[1], 16);
    out.push(lo, m[2] === undefined ? lo : parseInt(m[2], 16));
  }
  return Int32Array.from(out);
}

function inRanges(ranges: Int32Array, cp: number): boolean {
  let lo = 0;
  let hi = ranges.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (cp < ranges[2 * mid]) hi = mid - 1;
    else if (cp > ranges[2 * mid + 1]) lo = mid + 1;
    else return true;
  }
  return false;
}

const P_RANGES = parseRanges(PUNCTUATION_CLASS);
const S_RANGES = parseRanges(SYMBOL_CLASS);
const N_RANGES = parseRanges(NUMBER_CLASS);

const P = 1;
const S = 2;
const N = 4;
const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  ASCII_CLASS[c] = (inRanges(P_RANGES, c) ? P : 0) | (inRanges(S_RANGES, c) ? S : 0) | (inRanges(N_RANGES, c) ? N : 0);
}

function classOf(cp: number): number {
  if (cp < 128) return ASCII_CLASS[cp];
  return (inRanges(P_RANGES, cp) ? P : 0) | (inRanges(S_RANGES, cp) ? S : 0) | (inRanges(N_RANGES, cp) ? N : 0);
}

const SPACE = 0x20;
const INSERTED = -1;

// (code point, class bits, source index) per element; inserted spaces have source index -1.
// n units give at most n code points; the passes at most triple that (+2 per match, <= n each).
let cpA = new Int32Array(256);
let clsA = new Uint8Array(256);
let srcA = new Int32Array(256);
let cpB = new Int32Array(256);
let clsB = new Uint8Array(256);
let srcB = new Int32Array(256);

function reserve(n: number): void {
  if (cpA.length >= n) return;
  const size = Math.max(n, 2 * cpA.length);
  cpA = new Int32Array(size);
  clsA = new Uint8Array(size);
  srcA = new Int32Array(size);
  cpB = new Int32Array(size);
  clsB = new Uint8Array(size);
  srcB = new Int32Array(size);
}

function intlTokens(line: string): string[] {
  reserve(4 * line.length + 8);
  let inCp = cpA;
  let inCls = clsA;
  let inSrc = srcA;
  let outCp = cpB;
  let outCls = clsB;
  let outSrc = srcB;
  let len = 0;
  for (let i = 0; i < line.length; i++) {
    const cp = line.codePointAt(i) ?? 0;
    inCp[len] = cp;
    inCls[len] = classOf(cp);
    inSrc[len++] = i;
    if (cp > 0xffff) i++;
  }

  for (let pass = 1; pass <= 2; pass++) {
    let out = 0;
    let i = 0;
    while (i < len) {
      if (i + 1 < len) {
        const a = inCls[i];
        const b = inCls[i + 1];
        // Pass 1: (\P{N})(\p{P}) -> '\1 \2 '; pass 2: (\p{P})(\P{N}) -> ' \1 \2'
        const hit = pass === 1 ? (a & N) === 0 && (b & P) !== 0 : (a & P) !== 0 && (b & N) === 0;
        if (hit) {
          if (pass === 2) {
            outCp[out] = SPACE;
            outCls[out] = 0;
            outSrc[out++] = INSERTED;
          }
          outCp[out] = inCp[i];
          outCls[out] = a;
          outSrc[out++] = inSrc[i];
          outCp[out] = SPACE;
          outCls[out] = 0;
          outSrc[out++] = INSERTED;
          outCp[out] = inCp[i + 1];
          outCls[out] = b;
          outSrc[out++] = inSrc[i + 1];
          if (pass === 1) {
            outCp[out] = SPACE;
            outCls[out] = 0;
            outSrc[out++] = INSERTED;
          }
          i += 2;
          continue;
        }
      }
      outCp[out] = inCp[i];
      outCls[out] = inCls[i];
      outSrc[out++] = inSrc[i];
      i++;
    }
    [inCp, outCp] = [outCp, inCp];
    [inCls, outCls] = [outCls, inCls];
    [inSrc, outSrc] = [outSrc, inSrc];
    len = out;
  }

  // Pass 3, (\p{S}) -> ' \1 ', only ever adds token boundaries around symbols; fold it into the
  // final whitespace split: a symbol ends the running token and is a token of its own.
  const tokens: string[] = [];
  let start = -1;
  let end = -1;
  for (let i = 0; i < len; i++) {
    const cp = inCp[i];
    const isSymbol = (inCls[i] & S) !== 0;
    if (isSymbol || isPySpace(cp)) {
      if (start >= 0) tokens.push(line.slice(start, end));
      start = -1;
      if (isSymbol) tokens.push(line.slice(inSrc[i], inSrc[i] + (cp > 0xffff ? 2 : 1)));
    } else {
      if (start < 0) start = inSrc[i];
      end = inSrc[i] + (cp > 0xffff ? 2 : 1);
    }
  }
  if (start >= 0) tokens.push(line.slice(start, end));
  return tokens;
}

export const tokenizerIntl: Tokenizer = {
  signature: 'intl',
  tokenize: (line) => intlTokens(line).join(' '),
  tokens: intlTokens,
};
