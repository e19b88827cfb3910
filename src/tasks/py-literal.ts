// Python `ast.literal_eval` for the subset lm-evaluation-harness feeds it (a rendered
// `doc_to_choice` such as "['a', 'b']", a digit string from doc_to_text/doc_to_target):
// ints, floats, strings (with Python escapes and implicit concatenation), lists, tuples,
// True/False/None. Dicts, sets, bytes and arithmetic are not supported.

import { InputError } from '../core/errors.js';
import { PyFloat, PyTuple, type PyValue } from './py-values.js';

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '',
};

/** Parses `text` as a Python literal; throws InputError naming the text and the offset. */
export function pyLiteralEval(text: string): PyValue {
  let i = 0;
  const fail = (what: string): never => {
    const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
    throw new InputError(`cannot literal-eval ${JSON.stringify(shown)}: ${what} at offset ${i}; expected an int, a quoted string, or a [list] of them`);
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r\f\v'.includes(text[i])) i++;
  };

  const str = (): string => {
    let out = '';
    while (text[i] === "'" || text[i] === '"') {
      const q = text[i];
      const triple = text.startsWith(q.repeat(3), i);
      const close = triple ? q.repeat(3) : q;
      i += close.length;
      for (;;) {
        if (i >= text.length) fail('unterminated string');
        if (text.startsWith(close, i)) {
          i += close.length;
          break;
        }
        const ch = text[i];
        if (ch === '\n' && !triple) fail('newline in string');
        if (ch !== '\\') {
          out += ch;
          i++;
          continue;
        }
        const e = text[i + 1];
        if (e in SIMPLE_ESCAPES) {
          out += SIMPLE_ESCAPES[e];
          i += 2;
        } else if (e === 'x' || e === 'u' || e === 'U') {
          const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
          const hex = text.slice(i + 2, i + 2 + len);
          if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) fail(`truncated \\${e} escape`);
          out += String.fromCodePoint(parseInt(hex, 16));
          i += 2 + len;
        } else if (/[0-7]/.test(e)) {
          const oct = /^[0-7]{1,3}/.exec(text.slice(i + 1))?.[0] ?? e;
          out += String.fromCodePoint(parseInt(oct, 8));
          i += 1 + oct.length;
        } else {
          out += '\\';
          i++;
        }
      }
      ws();
    }
    return out;
  };

  const value = (): PyValue => {
    ws();
    const ch = text[i];
    if (ch === undefined) return fail('unexpected end');
    if (ch === "'" || ch === '"') return str();
    if (ch === '[' || ch === '(') {
      const close = ch === '[' ? ']' : ')';
      i++;
      const items: PyValue[] = [];
      let sawComma = false;
      ws();
      while (text[i] !== close) {
        items.push(value());
        ws();
        if (text[i] === ',') {
          sawComma = true;
          i++;
          ws();
        } else if (text[i] !== close) fail(`expected "," or "${close}"`);
      }
      i++;
      if (ch === '[') return items;
      return items.length === 1 && !sawComma ? items[0] : new PyTuple(items);
    }
    const num = /^[-+]?\s*(\d[\d_]*)(\.\d*)?([eE][-+]?\d+)?/.exec(text.slice(i));
    if (num) {
      i += num[0].length;
      const clean = num[0].replace(/[\s_]/g, '');
      if (num[2] === undefined && num[3] === undefined) {
        if (/^[-+]?0\d/.test(clean)) fail('leading zeros in an int');
        return Number(clean);
      }
      return new PyFloat(Number(clean));
    }
    for (const [word, v] of [['True', true], ['False', false], ['None', null]] as const) {
      if (text.startsWith(word, i) && !/\w/.test(text[i + word.length] ?? '')) {
        i += word.length;
        return v;
      }
    }
    return fail(`unexpected ${JSON.stringify(ch)}`);
  };

  const result = value();
  ws();
  if (i < text.length) fail('trailing text');
  return result;
}
