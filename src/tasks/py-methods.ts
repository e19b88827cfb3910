// The str/list/dict methods and the jinja2 filters that harness templates use, with CPython and
// jinja2 3.x semantics (jinja2 resolves `x.strip()` to the Python method of the value).

import { pyReSub } from './py-regex.js';
import {
  PyCallable,
  PyError,
  PyFloat,
  PyTuple,
  codePoints,
  floatRepr,
  isInt,
  iterate,
  numberOf,
  PY_SPACE_CLASS,
  pyCapitalize,
  pyEquals,
  pyIsDigit,
  pyLen,
  pyRepr,
  pySplit,
  pyStr,
  pyStrip,
  pyTitle,
  truthy,
  typeName,
  type PyDict,
  type PyValue,
} from './py-values.js';

type Args = PyValue[];
type Kwargs = Map<string, PyValue>;

function arg(args: Args, kwargs: Kwargs, index: number, name: string, dflt: PyValue): PyValue {
  return index < args.length ? args[index] : kwargs.has(name) ? (kwargs.get(name) ?? null) : dflt;
}

function wantStr(v: PyValue, what: string): string {
  if (typeof v !== 'string') throw new PyError('TypeError', `${what} must be str, not ${typeName(v)}`);
  return v;
}

function wantInt(v: PyValue, what: string): number {
  if (!isInt(v)) throw new PyError('TypeError', `${what} must be int, not ${typeName(v)}`);
  return Number(v);
}

const optStr = (v: PyValue, what: string): string | null => (v === null ? null : wantStr(v, what));

function strMethod(s: string, name: string): PyCallable | undefined {
  const m = (fn: (args: Args, kwargs: Kwargs) => PyValue): PyCallable => new PyCallable(`str.${name}`, fn);
  const find = (args: Args): number => {
    const sub = wantStr(args[0], `${name}() argument`);
    const idx = s.indexOf(sub);
    return idx < 0 ? -1 : codePoints(s.slice(0, idx)).length;
  };
  switch (name) {
    case 'strip':
    case 'lstrip':
    case 'rstrip':
      return m((a, k) => pyStrip(s, optStr(arg(a, k, 0, 'chars', null), 'chars'), name !== 'rstrip', name !== 'lstrip'));
    case 'split':
      return m((a, k) => pySplit(s, optStr(arg(a, k, 0, 'sep', null), 'sep'), wantInt(arg(a, k, 1, 'maxsplit', -1), 'maxsplit')));
    case 'splitlines':
      // eslint-disable-next-line no-control-regex -- Python's line boundaries include \x1c-\x1e
      return m(() => s.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/).filter((x, i, all) => i < all.length - 1 || x !== ''));
    case 'replace':
      return m((a, k) => {
        const [old, rep] = [wantStr(a[0], 'old'), wantStr(a[1], 'new')];
        const count = wantInt(arg(a, k, 2, 'count', -1), 'count');
        if (count < 0) return s.split(old).join(rep);
        const parts = s.split(old);
        return parts.length <= count + 1 ? parts.join(rep) : parts.slice(0, count + 1).join(rep) + old + parts.slice(count + 1).join(old);
      });
    case 'upper':
      return m(() => s.toUpperCase());
    case 'lower':
      return m(() => s.toLowerCase());
    case 'capitalize':
      return m(() => pyCapitalize(s));
    case 'title':
      return m(() => pyTitle(s));
    case 'isdigit':
      return m(() => pyIsDigit(s));
    case 'isalpha':
      return m(() => s.length > 0 && /^\p{L}+$/u.test(s));
    case 'isspace':
      return m(() => s.length > 0 && pyStrip(s, null, true, false) === '');
    case 'startswith':
    case 'endswith':
      return m((a) => {
        const options = a[0] instanceof PyTuple ? a[0].items : [a[0]];
        return options.some((p) => (name === 'startswith' ? s.startsWith(wantStr(p, name)) : s.endsWith(wantStr(p, name))));
      });
    case 'find':
      return m((a) => find(a));
    case 'index':
      return m((a) => {
        const idx = find(a);
        if (idx < 0) throw new PyError('ValueError', 'substring not found');
        return idx;
      });
    case 'count':
      return m((a) => {
        const sub = wantStr(a[0], 'count() argument');
        return sub === '' ? codePoints(s).length + 1 : s.split(sub).length - 1;
      });
    case 'join':
      return m((a) => iterate(a[0]).map((x) => wantStr(x, 'sequence item')).join(s));
    case 'format':
      return m((a, k) => pyFormat(s, a, k));
    default:
      return undefined;
  }
}

function listMethod(list: PyValue[], name: string): PyCallable | undefined {
  switch (name) {
    case 'index':
      return new PyCallable('list.index', (a) => {
        const idx = list.findIndex((x) => pyEquals(x, a[0]));
        if (idx < 0) throw new PyError('ValueError', `${pyRepr(a[0])} is not in list`);
        return idx;
      });
    case 'count':
      return new PyCallable('list.count', (a) => list.filter((x) => pyEquals(x, a[0])).length);
    default:
      return undefined;
  }
}

function dictMethod(dict: PyDict, name: string): PyCallable | undefined {
  switch (name) {
    case 'keys':
      return new PyCallable('dict.keys', () => [...dict.keys()]);
    case 'values':
      return new PyCallable('dict.values', () => [...dict.values()]);
    case 'items':
      return new PyCallable('dict.items', () => [...dict].map(([key, v]) => new PyTuple([key, v])));
    case 'get':
      return new PyCallable('dict.get', (a) => dict.get(wantStr(a[0], 'key')) ?? (a.length > 1 ? a[1] : null));
    default:
      return undefined;
  }
}

/** `value.name` as jinja2 resolves it: a method of the value, else a dict item; undefined if neither. */
export function getAttribute(value: PyValue, name: string): PyValue | undefined {
  if (typeof value === 'string') return strMethod(value, name);
  if (Array.isArray(value)) return listMethod(value, name);
  if (value instanceof Map) return value.has(name) ? value.get(name) : dictMethod(value, name);
  return undefined;
}

/** Python's str.format with positional/keyword fields, `!r`/`!s` and a basic format spec. */
export function pyFormat(template: string, args: Args, kwargs: Kwargs): string {
  let auto = 0;
  return template.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (whole, field: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    const f = field ?? '';
    const [head, spec = ''] = splitOnce(f, ':');
    const [ref, conv = ''] = splitOnce(head, '!');
    const key = /^[^.[]*/.exec(ref)?.[0] ?? '';
    let v: PyValue | undefined;
    if (key === '') v = args[auto++];
    else if (/^\d+$/.test(key)) v = args[Number(key)];
    else v = kwargs.get(key);
    if (v === undefined) throw new PyError(key === '' || /^\d+$/.test(key) ? 'IndexError' : 'KeyError', `format field {${f}} has no argument`);
    for (const [, attr, item] of ref.slice(key.length).matchAll(/\.(\w+)|\[([^\]]+)\]/g)) {
      const next: PyValue | undefined = attr !== undefined ? getAttribute(v, attr) : subscript(v, item);
      if (next === undefined) throw new PyError('KeyError', `format field {${f}} not found`);
      v = next;
    }
    const shown = conv === 'r' ? pyRepr(v) : conv === 's' || conv === '' ? v : undefined;
    if (shown === undefined) throw new PyError('ValueError', `unknown conversion !${conv}`);
    return formatSpec(shown, spec);
  });
}

/** Python's fixed-point formatting: exact ties round half to even (JS toFixed rounds them up). */
export function pyFixed(n: number, digits: number): string {
  const out = n.toFixed(digits);
  const abs = Math.abs(n);
  if (!Number.isFinite(n) || abs >= 1e21 || abs < 2 ** -48) return out;
  const exact = abs.toFixed(100);
  const cut = exact.indexOf('.') + 1 + digits;
  if (!/^50*$/.test(exact.slice(cut))) return out;
  const kept = exact.slice(0, digits === 0 ? cut - 1 : cut);
  if (Number(kept[kept.length - 1]) % 2 !== 0) return out;
  return (n < 0 ? '-' : '') + kept;
}

function splitOnce(s: string, sep: string): [string, string?] {
  const i = s.indexOf(sep);
  return i < 0 ? [s] : [s.slice(0, i), s.slice(i + 1)];
}

function subscript(v: PyValue, item: string): PyValue | undefined {
  if (/^\d+$/.test(item) && (Array.isArray(v) || v instanceof PyTuple)) return iterate(v)[Number(item)];
  return v instanceof Map ? v.get(item) : undefined;
}

function formatSpec(v: PyValue, spec: string): string {
  if (spec === '') return pyStr(v);
  const m = /^(?:(.)?([<>^=]))?([-+ ])?(0)?(\d+)?(,)?(?:\.(\d+))?([sdfe%]?)$/su.exec(spec);
  if (!m) throw new PyError('ValueError', `unsupported format spec ${JSON.stringify(spec)}`);
  const [, fillCh, align, sign = '-', zero, width, comma, prec, type] = m;
  const n = numberOf(v);
  let body: string;
  if (type === 'f' || type === 'e' || type === '%' || (n !== undefined && prec !== undefined && type === '')) {
    if (n === undefined) throw new PyError('ValueError', `format code '${type}' needs a number, got ${typeName(v)}`);
    const p = prec === undefined ? 6 : Number(prec);
    body = type === 'e' ? n.toExponential(p).replace(/e([-+])(\d)$/, 'e$10$2') : type === '%' ? `${pyFixed(n * 100, p)}%` : pyFixed(n, p);
  } else if (type === 'd') {
    if (typeof v !== 'number' && typeof v !== 'boolean') throw new PyError('ValueError', `format code 'd' needs an int, got ${typeName(v)}`);
    body = String(Number(v));
  } else body = typeof v === 'string' && prec !== undefined ? v.slice(0, Number(prec)) : v instanceof PyFloat ? floatRepr(v.value) : pyStr(v);
  if (comma) body = body.replace(/^(-?\d+)/, (d) => d.replace(/\B(?=(\d{3})+(?!\d))/g, ','));
  if (n !== undefined && typeof v !== 'string' && sign !== '-' && !body.startsWith('-')) body = sign + body;
  const w = width === undefined ? 0 : Number(width);
  const len = codePoints(body).length;
  if (len >= w) return body;
  const fill = fillCh ?? (zero ? '0' : ' ');
  const pad = w - len;
  const dir = align ?? (zero ? '=' : typeof v === 'string' ? '<' : '>');
  if (dir === '<') return body + fill.repeat(pad);
  if (dir === '^') return fill.repeat(Math.floor(pad / 2)) + body + fill.repeat(Math.ceil(pad / 2));
  if (dir === '=' && /^[-+ ]/.test(body)) return body[0] + fill.repeat(pad) + body.slice(1);
  return fill.repeat(pad) + body;
}

/** Python's `text % args` for `%s`, `%r`, `%d`, `%i`, `%f`/`%.Nf` and `%%`. */
export function pyPercent(text: string, args: PyValue): string {
  const items = args instanceof PyTuple ? args.items : [args];
  let k = 0;
  const out = text.replace(/%(?:\.(\d+))?([srdif%])/g, (_m, prec: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    if (k >= items.length) throw new PyError('TypeError', 'not enough arguments for format string');
    const v = items[k++];
    if (conv === 's') return pyStr(v);
    if (conv === 'r') return pyRepr(v);
    const n = numberOf(v);
    if (n === undefined) throw new PyError('TypeError', `%${conv} format: a real number is required, not ${typeName(v)}`);
    return conv === 'f' ? pyFixed(n, prec === undefined ? 6 : Number(prec)) : String(Math.trunc(n));
  });
  if (k < items.length) throw new PyError('TypeError', 'not all arguments converted during string formatting');
  return out;
}

// jinja2's _word_beginning_split_re, r"([-\s({\[<]+)", with Python's \s.
const TITLE_SPLIT = new RegExp(`([-${PY_SPACE_CLASS}({[<]+)`, 'u');
const TITLE_SPLIT_ALL = new RegExp(`^[-${PY_SPACE_CLASS}({[<]+$`, 'u');
/** jinja2's do_title upper-cases (not title-cases) each word's first character. */
const jinjaCapitalize = (w: string): string => {
  const cps = codePoints(w);
  return cps[0].toUpperCase() + cps.slice(1).join('').toLowerCase();
};

/** jinja2's built-in filters that harness templates use, plus the harness's `regex_replace`. */
export function applyFilter(name: string, v: PyValue, args: Args, kwargs: Kwargs): PyValue {
  switch (name) {
    case 'regex_replace':
      return pyReSub(wantStr(arg(args, kwargs, 0, 'pattern', null), 'pattern'), wantStr(arg(args, kwargs, 1, 'repl', null), 'repl'), wantStr(v, 'regex_replace input'), wantInt(arg(args, kwargs, 2, 'count', 0), 'count'));
    case 'join': {
      const attr = arg(args, kwargs, 1, 'attribute', null);
      const items = iterate(v).map((x) => (attr === null ? x : (getAttribute(x, pyStr(attr)) ?? null)));
      return items.map(pyStr).join(pyStr(arg(args, kwargs, 0, 'd', '')));
    }
    case 'trim':
      return pyStrip(pyStr(v), optStr(arg(args, kwargs, 0, 'chars', null), 'chars'), true, true);
    case 'upper':
      return pyStr(v).toUpperCase();
    case 'lower':
      return pyStr(v).toLowerCase();
    case 'capitalize':
      return pyCapitalize(pyStr(v));
    case 'title':
      // jinja2's do_title: words start after spaces, dashes and opening brackets.
      return pyStr(v)
        .split(TITLE_SPLIT)
        .map((w) => (w === '' || TITLE_SPLIT_ALL.test(w) ? w : jinjaCapitalize(w)))
        .join('');
    case 'replace': {
      const count = arg(args, kwargs, 2, 'count', null);
      const method = strMethod(pyStr(v), 'replace') as PyCallable;
      return method.call(count === null ? args.slice(0, 2) : [args[0], args[1], count], new Map());
    }
    case 'length':
    case 'count':
      return pyLen(v);
    case 'first':
      return iterate(v)[0] ?? null;
    case 'last': {
      const items = iterate(v);
      return items[items.length - 1] ?? null;
    }
    case 'list':
      return [...iterate(v)];
    case 'reverse':
      return typeof v === 'string' ? codePoints(v).reverse().join('') : [...iterate(v)].reverse();
    case 'string':
      return pyStr(v);
    case 'int': {
      const n = numberOf(v);
      if (n !== undefined) return Math.trunc(n);
      const t = typeof v === 'string' ? pyStrip(v, null, true, true) : '';
      if (/^[-+]?\d+$/.test(t)) return Number(t);
      if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Math.trunc(Number(t));
      return arg(args, kwargs, 0, 'default', 0);
    }
    case 'float': {
      const n = numberOf(v) ?? (typeof v === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v) ? Number(v) : undefined);
      return n === undefined ? arg(args, kwargs, 0, 'default', new PyFloat(0)) : new PyFloat(n);
    }
    case 'abs': {
      const n = numberOf(v);
      if (n === undefined) throw new PyError('TypeError', `bad operand type for abs(): '${typeName(v)}'`);
      return v instanceof PyFloat ? new PyFloat(Math.abs(n)) : Math.abs(n);
    }
    case 'bool':
      return truthy(v);
    default:
      throw new PyError('TemplateAssertionError', `no filter named '${name}'`);
  }
}
