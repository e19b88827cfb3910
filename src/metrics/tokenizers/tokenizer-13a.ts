// sacrebleu `tokenizers/tokenizer_13a.py` + `tokenizer_re.py`: the mteval-v13a.pl tokenization WMT
// uses. sacrebleu applies four regex substitutions in turn, each one non-overlapping left-to-right
// pass, then splits on whitespace. They are replayed here as four scans over character codes, so
// no intermediate strings are built; every pass sees the spaces the earlier ones inserted, exactly
// as the chained `re.sub` calls do.
import type { Tokenizer } from './types.js';
import { isPySpace } from './unicode-tables.js';

const SPACE = 0x20;
const INSERTED = -1;

// Pass 1 splits off `[\{-\~\[-\` -\&\(-\+\:-\@\/]`: { | } ~ [ \ ] ^ _ ` space ! " # $ % & ( ) * + : ; < = > ? @ /
const IS_SYMBOL = new Uint8Array(128);
for (const [from, to] of [
  [0x7b, 0x7e],
  [0x5b, 0x60],
  [0x20, 0x26],
  [0x28, 0x2b],
  [0x3a, 0x40],
  [0x2f, 0x2f],
]) {
  for (let c = from; c <= to; c++) IS_SYMBOL[c] = 1;
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isPeriodOrComma = (c: number): boolean => c === 0x2e || c === 0x2c;

// Two scratch buffers of (code, source index) pairs; inserted spaces have source index -1.
// A line of n units grows to at most 6n: pass 1 triples it, passes 2-4 add at most n each.
let codesA = new Int32Array(256);
let srcA = new Int32Array(256);
let codesB = new Int32Array(256);
let srcB = new Int32Array(256);

function reserve(n: number): void {
  if (codesA.length >= n) return;
  const size = Math.max(n, 2 * codesA.length);
  codesA = new Int32Array(size);
  srcA = new Int32Array(size);
  codesB = new Int32Array(size);
  srcB = new Int32Array(size);
}

/** sacrebleu's `TokenizerRegexp` (shared by `13a` and `zh`) as tokens. */
export function regexpTokens(line: string): string[] {
  const n = line.length;
  reserve(6 * n + 8);
  let inC = codesA;
  let inS = srcA;
  let outC = codesB;
  let outS = srcB;
  let len = 0;

  // Pass 1: ([\{-\~\[-\` -\&\(-\+\:-\@\/]) -> ' \1 '
  for (let i = 0; i < n; i++) {
    const c = line.charCodeAt(i);
    if (c < 128 && IS_SYMBOL[c] === 1) {
      inC[len] = SPACE;
      inS[len++] = INSERTED;
      inC[len] = c;
      inS[len++] = i;
      inC[len] = SPACE;
      inS[len++] = INSERTED;
    } else {
      inC[len] = c;
      inS[len++] = i;
    }
  }

  // Passes 2-4 share one shape: a two-character pattern replaced by both characters with spaces
  // added around them; where it does not match, copy one character and try again one further on.
  for (let pass = 2; pass <= 4; pass++) {
    let out = 0;
    let i = 0;
    while (i < len) {
      const a = inC[i];
      if (i + 1 < len) {
        const b = inC[i + 1];
        // Pass 2: ([^0-9])([\.,]) -> '\1 \2 '; pass 3: ([\.,])([^0-9]) -> ' \1 \2'; pass 4: ([0-9])(-) -> '\1 \2 '
        const hit =
          pass === 2 ? !isDigit(a) && isPeriodOrComma(b) : pass === 3 ? isPeriodOrComma(a) && !isDigit(b) : isDigit(a) && b === 0x2d;
        if (hit) {
          if (pass === 3) {
            outC[out] = SPACE;
            outS[out++] = INSERTED;
          }
          outC[out] = a;
          outS[out++] = inS[i];
          outC[out] = SPACE;
          outS[out++] = INSERTED;
          outC[out] = b;
          outS[out++] = inS[i + 1];
          if (pass !== 3) {
            outC[out] = SPACE;
            outS[out++] = INSERTED;
          }
          i += 2;
          continue;
        }
      }
      outC[out] = a;
      outS[out++] = inS[i];
      i++;
    }
    [inC, outC] = [outC, inC];
    [inS, outS] = [outS, inS];
    len = out;
  }

  // ' '.join(line.split()): tokens are maximal runs of non-whitespace, which are always runs of
  // consecutive source characters (every inserted character is a space).
  const tokens: string[] = [];
  let start = -1;
  for (let i = 0; i < len; i++) {
    if (isPySpace(inC[i])) {
      if (start >= 0) {
        tokens.push(line.slice(start, inS[i - 1] + 1));
        start = -1;
      }
    } else if (start < 0) {
      start = inS[i];
    }
  }
  if (start >= 0) tokens.push(line.slice(start, inS[len - 1] + 1));
  return tokens;
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

