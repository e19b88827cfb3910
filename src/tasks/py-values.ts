// Python value semantics for the template layer: str(), repr(), truthiness, equality and the
// str/list/dict methods that lm-evaluation-harness task templates call (CPython 3 behaviour).

/** A Python float (ints are plain JS numbers, so `1.0` and `1` stay distinct). */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A Python tuple (a frozen list). */
export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

/** A callable: a bound method, a global function or a filter. */
export class PyCallable {
  constructor(
    readonly name: string,
    readonly call: (args: PyValue[], kwargs: Map<string, PyValue>) => PyValue,
  ) {}
}

/** Python values as the template sees them; dicts are Maps in insertion order. */
export type PyValue = string | number | boolean | null | PyFloat | PyTuple | PyCallable | PyValue[] | PyDict;
export type PyDict = Map<string, PyValue>;

/** A Python-level error (TypeError, ValueError, ...); the template layer wraps it with the template name. */
export class PyError extends Error {
  constructor(readonly pyType: string, message: string) {
    super(`${pyType}: ${message}`);
  }
}

/** Converts a JSON-like document into Python values; integral numbers become ints. */
export function toPy(value: unknown, path = 'doc'): PyValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? value : new PyFloat(value);
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map((v, i) => toPy(v, `${path}[${i}]`));
  if (value instanceof Map) {
    const out: PyDict = new Map();
    for (const [k, v] of value) out.set(String(k), toPy(v, `${path}.${String(k)}`));
    return out;
  }
  if (typeof value === 'object') {
    const out: PyDict = new Map();
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== undefined) out.set(k, toPy(v, `${path}.${k}`));
    }
    return out;
  }
  throw new PyError('TypeError', `${path} is a ${typeof value}, which a template cannot use`);
}

export function typeName(v: PyValue): string {
  if (typeof v === 'string') return 'str';
  if (typeof v === 'number') return 'int';
  if (typeof v === 'boolean') return 'bool';
  if (v === null) return 'NoneType';
  if (v instanceof PyFloat) return 'float';
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof PyCallable) return 'function';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

export function isInt(v: PyValue): v is number | boolean {
  return typeof v === 'number' || typeof v === 'boolean';
}

/** The numeric value of an int, bool or float, or undefined for anything else. */
export function numberOf(v: PyValue): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof PyFloat) return v.value;
  return undefined;
}

/** Python's float repr: shortest round-trip digits, exponent from 1e16 and below 1e-4. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e16 || abs < 1e-4) {
    const [mant, exp] = x.toExponential().split('e');
    const e = Number(exp);
    return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  const s = String(x);
  return s.includes('.') ? s : `${s}.0`;
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python's repr() of a str: single quotes unless the text has ' and no ". */
export function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) {
      const cp = ch.codePointAt(0) ?? 0;
      if (cp < 0x100) out += `\\x${cp.toString(16).padStart(2, '0')}`;
      else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
      else out += `\\U${cp.toString(16).padStart(8, '0')}`;
    } else out += ch;
  }
  return out + quote;
}

export function pyRepr(v: PyValue): string {
  if (typeof v === 'string') return strRepr(v);
  if (v instanceof PyTuple) {
    return v.items.length === 1 ? `(${pyRepr(v.items[0])},)` : `(${v.items.map(pyRepr).join(', ')})`;
  }
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${strRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
  return pyStr(v);
}

/** Python's str(): what `{{ value }}` prints. */
export function pyStr(v: PyValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null) return 'None';
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (v instanceof PyCallable) return `<function ${v.name}>`;
  return pyRepr(v);
}

export function truthy(v: PyValue): boolean {
  if (typeof v === 'string') return v.length > 0;
  if (typeof v === 'number' || typeof v === 'boolean') return Boolean(v);
  if (v === null) return false;
  if (v instanceof PyFloat) return v.value !== 0;
  if (v instanceof PyTuple) return v.items.length > 0;
  if (v instanceof PyCallable) return true;
  if (Array.isArray(v)) return v.length > 0;
  return v.size > 0;
}

export function pyEquals(a: PyValue, b: PyValue): boolean {
  const na = numberOf(a);
  const nb = numberOf(b);
  if (na !== undefined || nb !== undefined) return na === nb;
  if (typeof a === 'string' || typeof b === 'string' || a === null || b === null) return a === b;
  if (a instanceof PyTuple && b instanceof PyTuple) return seqEquals(a.items, b.items);
  if (Array.isArray(a) && Array.isArray(b)) return seqEquals(a, b);
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, x] of a) if (!b.has(k) || !pyEquals(x, b.get(k) ?? null)) return false;
    return true;
  }
  return a === b;
}

function seqEquals(a: PyValue[], b: PyValue[]): boolean {
  return a.length === b.length && a.every((x, i) => pyEquals(x, b[i]));
}

/** Code points, so indexing and len() count as Python does (not UTF-16 units). */
export function codePoints(s: string): string[] {
  return /[\uD800-\uDFFF]/.test(s) ? Array.from(s) : s.split('');
}

export function pyLen(v: PyValue): number {
  if (typeof v === 'string') return codePoints(v).length;
  if (v instanceof PyTuple) return v.items.length;
  if (Array.isArray(v)) return v.length;
  if (v instanceof Map) return v.size;
  throw new PyError('TypeError', `object of type '${typeName(v)}' has no len()`);
}

/** Items of an iterable as Python iterates them (a dict yields its keys, a str its characters). */
export function iterate(v: PyValue): PyValue[] {
  if (typeof v === 'string') return codePoints(v);
  if (v instanceof PyTuple) return v.items;
  if (Array.isArray(v)) return v;
  if (v instanceof Map) return [...v.keys()];
  throw new PyError('TypeError', `'${typeName(v)}' object is not iterable`);
}

/** Python's slice(start, stop, step).indices(len) applied to a sequence. */
export function pySlice<T>(items: T[], start: number | null, stop: number | null, step: number | null): T[] {
  const n = items.length;
  const st = step ?? 1;
  if (st === 0) throw new PyError('ValueError', 'slice step cannot be zero');
  const clamp = (i: number | null, dflt: number, lo: number, hi: number): number => {
    if (i === null) return dflt;
    const j = i < 0 ? i + n : i;
    return Math.min(Math.max(j, lo), hi);
  };
  const out: T[] = [];
  if (st > 0) {
    const a = clamp(start, 0, 0, n);
    const b = clamp(stop, n, 0, n);
    for (let i = a; i < b; i += st) out.push(items[i]);
  } else {
    const a = clamp(start, n - 1, -1, n - 1);
    const b = clamp(stop, -1, -1, n - 1);
    for (let i = a; i > b; i += st) out.push(items[i]);
  }
  return out;
}

/** Python's str.isspace() characters (no U+FEFF, unlike JS trim). */
const PY_SPACE = ' \t\n\r\v\f\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';
/** The same characters as a RegExp class body (Python's `\\s` for str patterns). */
export const PY_SPACE_CLASS = ' \\t\\n\\r\\v\\f\\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
export const isPySpace = (ch: string): boolean => PY_SPACE.includes(ch);

export function pyStrip(s: string, chars: string | null, left: boolean, right: boolean): string {
  const cps = codePoints(s);
  const drop = chars === null ? isPySpace : (ch: string): boolean => chars.includes(ch);
  let a = 0;
  let b = cps.length;
  if (left) while (a < b && drop(cps[a])) a++;
  if (right) while (b > a && drop(cps[b - 1])) b--;
  return cps.slice(a, b).join('');
}

/** Python's str.split(sep=None, maxsplit=-1). */
export function pySplit(s: string, sep: string | null, maxsplit: number): string[] {
  if (sep === null) {
    const out: string[] = [];
    const cps = codePoints(s);
    let i = 0;
    while (i < cps.length) {
      while (i < cps.length && isPySpace(cps[i])) i++;
      if (i >= cps.length) break;
      if (maxsplit >= 0 && out.length === maxsplit) {
        out.push(cps.slice(i).join(''));
        return out;
      }
      let j = i;
      while (j < cps.length && !isPySpace(cps[j])) j++;
      out.push(cps.slice(i, j).join(''));
      i = j;
    }
    return out;
  }
  if (sep === '') throw new PyError('ValueError', 'empty separator');
  const parts = s.split(sep);
  if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
  return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(sep)];
}

// Characters for which str.isdigit() is true beyond \p{Nd} (superscripts, circled digits, ...),
// taken from CPython 3.11's Unicode database.
const EXTRA_DIGITS =
  /[\u00b2\u00b3\u00b9\u1369-\u1371\u19da\u2070\u2074-\u2079\u2080-\u2089\u2460-\u2468\u2474-\u247c\u2488-\u2490\u24ea\u24f5-\u24fd\u24ff\u2776-\u277e\u2780-\u2788\u278a-\u2792\u{10a40}-\u{10a43}\u{10e60}-\u{10e68}\u{11052}-\u{1105a}\u{1f100}-\u{1f10a}]/u;

/** Python's str.isdigit(): non-empty and every character a digit. */
export function pyIsDigit(s: string): boolean {
  const cps = codePoints(s);
  return cps.length > 0 && cps.every((ch) => /\p{Nd}/u.test(ch) || EXTRA_DIGITS.test(ch));
}

const CASED = /[\p{Lu}\p{Ll}\p{Lt}]/u;

// Characters whose title case differs from their upper case (CPython 3.11 str.title()).
const TITLE_KEYS = '\u00df\u01c4\u01c5\u01c6\u01c7\u01c8\u01c9\u01ca\u01cb\u01cc\u01f1\u01f2\u01f3\u0587\u10d0\u10d1\u10d2\u10d3\u10d4\u10d5\u10d6\u10d7\u10d8\u10d9\u10da\u10db\u10dc\u10dd\u10de\u10df\u10e0\u10e1\u10e2\u10e3\u10e4\u10e5\u10e6\u10e7\u10e8\u10e9\u10ea\u10eb\u10ec\u10ed\u10ee\u10ef\u10f0\u10f1\u10f2\u10f3\u10f4\u10f5\u10f6\u10f7\u10f8\u10f9\u10fa\u10fd\u10fe\u10ff\u1f80\u1f81\u1f82\u1f83\u1f84\u1f85\u1f86\u1f87\u1f88\u1f89\u1f8a\u1f8b\u1f8c\u1f8d\u1f8e\u1f8f\u1f90\u1f91\u1f92\u1f93\u1f94\u1f95\u1f96\u1f97\u1f98\u1f99\u1f9a\u1f9b\u1f9c\u1f9d\u1f9e\u1f9f\u1fa0\u1fa1\u1fa2\u1fa3\u1fa4\u1fa5\u1fa6\u1fa7\u1fa8\u1fa9\u1faa\u1fab\u1fac\u1fad\u1fae\u1faf\u1fb2\u1fb3\u1fb4\u1fb7\u1fbc\u1fc2\u1fc3\u1fc4\u1fc7\u1fcc\u1ff2\u1ff3\u1ff4\u1ff7\u1ffc\ufb00\ufb01\ufb02\ufb03\ufb04\ufb05\ufb06\ufb13\ufb14\ufb15\ufb16\ufb17';
const TITLE_VALUES = "Ss|ǅ|ǅ|ǅ|ǈ|ǈ|ǈ|ǋ|ǋ|ǋ|ǲ|ǲ|ǲ|Եւ|ა|ბ|გ|დ|ე|ვ|ზ|თ|ი|კ|ლ|მ|ნ|ო|პ|ჟ|რ|ს|ტ|უ|ფ|ქ|ღ|ყ|შ|ჩ|ც|ძ|წ|ჭ|ხ|ჯ|ჰ|ჱ|ჲ|ჳ|ჴ|ჵ|ჶ|ჷ|ჸ|ჹ|ჺ|ჽ|ჾ|ჿ|ᾈ|ᾉ|ᾊ|ᾋ|ᾌ|ᾍ|ᾎ|ᾏ|ᾈ|ᾉ|ᾊ|ᾋ|ᾌ|ᾍ|ᾎ|ᾏ|ᾘ|ᾙ|ᾚ|ᾛ|ᾜ|ᾝ|ᾞ|ᾟ|ᾘ|ᾙ|ᾚ|ᾛ|ᾜ|ᾝ|ᾞ|ᾟ|ᾨ|ᾩ|ᾪ|ᾫ|ᾬ|ᾭ|ᾮ|ᾯ|ᾨ|ᾩ|ᾪ|ᾫ|ᾬ|ᾭ|ᾮ|ᾯ|Ὰͅ|ᾼ|Άͅ|ᾼ͂|ᾼ|Ὴͅ|ῌ|Ήͅ|ῌ͂|ῌ|Ὼͅ|ῼ|Ώͅ|ῼ͂|ῼ|Ff|Fi|Fl|Ffi|Ffl|St|St|Մն|Մե|Մի|Վն|Մխ".split('|');
const TITLE_CASE = new Map(Array.from(TITLE_KEYS, (ch, i) => [ch, TITLE_VALUES[i]]));

/** The title-case mapping Python's capitalize() and title() apply to a word's first character. */
export function toTitleCase(ch: string): string {
  return TITLE_CASE.get(ch) ?? ch.toUpperCase();
}

/** Python's str.capitalize(): first character title-cased, the rest lower-cased. */
export function pyCapitalize(s: string): string {
  const cps = codePoints(s);
  if (cps.length === 0) return s;
  return toTitleCase(cps[0]) + cps.slice(1).join('').toLowerCase();
}

/** Python's str.title(): a cased character after an uncased one starts a word. */
export function pyTitle(s: string): string {
  let out = '';
  let prevCased = false;
  for (const ch of s) {
    out += prevCased ? ch.toLowerCase() : toTitleCase(ch);
    prevCased = CASED.test(ch);
  }
  return out;
}
