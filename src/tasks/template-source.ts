// Source fix-ups before @huggingface/jinja's lexer, so that it reads a template as jinja2 does:
// string-literal escapes decoded like Python's unicode-escape (jinja2's lexer uses it).

const LEXER_ESCAPES = 'ntrbfv\'"\\';
const PY_ESCAPES: Record<string, string> = { a: '\x07', '\n': '' };

/**
 * jinja2 decodes string literals with Python's unicode-escape, which keeps unknown escapes such
 * as `'\s+'` (the usual regex_replace argument) and knows `\xNN`/`\uNNNN`/octal; the
 * @huggingface/jinja lexer rejects them. This rewrites only escapes inside string literals
 * inside tags, to the form its lexer reads as the same characters.
 */
export function pythonStringEscapes(source: string): string {
  if (!source.includes('\\')) return source;
  let out = '';
  let i = 0;
  while (i < source.length) {
    const open = source.slice(i).search(/\{[{%#]/);
    if (open < 0) return out + source.slice(i);
    out += source.slice(i, i + open);
    i += open;
    const kind = source[i + 1];
    const close = kind === '{' ? '}}' : kind === '%' ? '%}' : '#}';
    let j = i + 2;
    let quote: string | null = null;
    for (; j < source.length; j++) {
      const ch = source[j];
      if (kind === '#') {
        if (source.startsWith(close, j)) break;
        continue;
      }
      if (quote === null) {
        if (ch === "'" || ch === '"') quote = ch;
        else if (source.startsWith(close, j)) break;
        continue;
      }
      if (ch === quote) quote = null;
      else if (ch === '\\') {
        const next = source[j + 1] ?? '';
        const hex = { x: 2, u: 4, U: 8 }[next];
        let decoded: string | undefined;
        let used = 1;
        if (LEXER_ESCAPES.includes(next)) decoded = undefined;
        else if (next in PY_ESCAPES) decoded = PY_ESCAPES[next];
        else if (hex !== undefined && /^[0-9a-fA-F]+$/.test(source.slice(j + 2, j + 2 + hex)) && source.slice(j + 2, j + 2 + hex).length === hex) {
          decoded = String.fromCodePoint(parseInt(source.slice(j + 2, j + 2 + hex), 16));
          used += hex;
        } else if (/[0-7]/.test(next)) {
          const oct = /^[0-7]{1,3}/.exec(source.slice(j + 1))?.[0] ?? next;
          decoded = String.fromCodePoint(parseInt(oct, 8));
          used = oct.length;
        } else decoded = `\\\\${next}`;
        if (decoded === undefined) {
          j++;
          continue;
        }
        const safe = decoded === '\\' || decoded === quote ? `\\${decoded}` : decoded;
        source = source.slice(0, j) + safe + source.slice(j + 1 + used);
        j += safe.length - 1;
      }
    }
    const end = Math.min(j + close.length, source.length);
    out += source.slice(i, end);
    i = end;
  }
  return out;
}
