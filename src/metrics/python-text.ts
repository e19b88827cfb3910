// Python 3.11 `str` semantics that sacrebleu's metrics rely on (`split()`, `rstrip()`, `lower()`),
// reproduced on JS strings so chrF and TER tokenize exactly as the reference does.

// str.isspace() in Python 3.11 (Unicode 14): bidi classes WS/B/S plus category Zs. Unlike JS `\s`
// this includes U+001C..U+001F and U+0085 and excludes U+FEFF. No astral code point is whitespace.
const WS_CLASS = '\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const WS_RUN = new RegExp(`[${WS_CLASS}]+`);
const WS_ALL = new RegExp(`[${WS_CLASS}]+`, 'g');
const WS_TAIL = new RegExp(`[${WS_CLASS}]+$`);

/** `chr(c).isspace()` for a code point (same set as the class above). */
export function isPyWhitespace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c >= 0x1c;
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** `str.split()` with no argument: split on runs of Python whitespace, dropping empty pieces. */
export function pySplit(text: string): string[] {
  const parts = text.split(WS_RUN);
  let start = 0;
  let end = parts.length;
  if (end > 0 && parts[0] === '') start = 1;
  if (end > start && parts[end - 1] === '') end--;
  return start === 0 && end === parts.length ? parts : parts.slice(start, end);
}

/** `''.join(text.split())`: every Python whitespace character removed. */
export function pyRemoveWhitespace(text: string): string {
  return text.replace(WS_ALL, '');
}

/** `' '.join(text.split())`: whitespace runs collapsed to one space, ends trimmed. */
export function pyCollapseWhitespace(text: string): string {
  return pySplit(text).join(' ');
}

/** `str.rstrip()` with no argument. */
export function pyRstrip(text: string): string {
  return text.replace(WS_TAIL, '');
}

// Code points that ICU (Unicode 15+) lower-cases but Python 3.11's Unicode 14 database does not
// know as upper-case letters; everything else in `toLowerCase` (full mappings such as İ → i̇,
// final sigma) matches `str.lower()`. Checked over all code points against Python 3.11.2.
const NEWER_UPPER = /[\u1c89\ua7cb\ua7cc\ua7ce\ua7d2\ua7d4\ua7da\ua7dc\u{10d50}-\u{10d65}\u{16ea0}-\u{16eb8}]/u;
const NEWER_UPPER_SPLIT = /([\u1c89\ua7cb\ua7cc\ua7ce\ua7d2\ua7d4\ua7da\ua7dc\u{10d50}-\u{10d65}\u{16ea0}-\u{16eb8}])/u;

/** `str.lower()` as Python 3.11 computes it. */
export function pyLower(text: string): string {
  if (!NEWER_UPPER.test(text)) return text.toLowerCase();
  // Those characters are unassigned for Python, hence neither cased nor case-ignorable: lower-casing
  // the pieces between them separately gives the same final-sigma contexts as Python.
  return text
    .split(NEWER_UPPER_SPLIT)
    .map((piece, i) => (i % 2 === 1 ? piece : piece.toLowerCase()))
    .join('');
}
