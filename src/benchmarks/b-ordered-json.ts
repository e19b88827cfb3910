// JSON parsed with objects as Maps in document order, as Python's `json.load` builds dicts:
// JS objects put integer-like keys first, and TruthfulQA's answers are object keys whose order
// is the order of the choices. A repeated key keeps its first place and its last value.
import { InputError } from '../core/errors.js';

export type OrderedJson = string | number | boolean | null | OrderedJson[] | Map<string, OrderedJson>;

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/** Parses JSON text; a syntax error names the file and line. */
export function parseOrderedJson(text: string, file: string): OrderedJson {
  let i = 0;
  const fail = (what: string): never => {
    const line = text.slice(0, i).split('\n').length;
    throw new InputError(`not valid JSON: ${what}`, { file, line });
  };
  const space = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const string = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch (error) {
      i = start;
      return fail(`bad string (${(error as Error).message})`);
    }
  };
  const value = (): OrderedJson => {
    space();
    const ch = text[i];
    if (ch === '"') return string();
    if (ch === '{') {
      i++;
      const out = new Map<string, OrderedJson>();
      space();
      if (text[i] === '}') {
        i++;
        return out;
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail('expected a string key');
        const key = string();
        space();
        if (text[i] !== ':') fail('expected ":"');
        i++;
        out.set(key, value());
        space();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return out;
        } else fail('expected "," or "}"');
      }
    }
    if (ch === '[') {
      i++;
      const out: OrderedJson[] = [];
      space();
      if (text[i] === ']') {
        i++;
        return out;
      }
      for (;;) {
        out.push(value());
        space();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return out;
        } else fail('expected "," or "]"');
      }
    }
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m === null) return fail(i >= text.length ? 'unexpected end' : `unexpected ${JSON.stringify(ch)}`);
    i += m[0].length;
    return Number(m[0]);
  };
  const out = value();
  space();
  if (i < text.length) fail('extra data after the value');
  return out;
}
