// Jinja templates rendered as lm-evaluation-harness renders them: jinja2 with StrictUndefined,
// keep_trailing_newline=True and the `regex_replace` filter (lm_eval/utils.py apply_template).
// Parsing is @huggingface/jinja's; evaluation is ours, over its AST, with Python value semantics,
// because its runtime prints `true`, renders undefined as "" and has no custom filters or str.format.

import { parse, tokenize } from '@huggingface/jinja';
import { AssayError } from '../core/errors.js';
import { applyFilter, getAttribute, pyPercent } from './py-methods.js';
import { pythonStringEscapes } from './template-source.js';
import {
  PyCallable,
  PyError,
  PyFloat,
  PyTuple,
  codePoints,
  isInt,
  iterate,
  numberOf,
  pyEquals,
  pySlice,
  pyStr,
  toPy,
  truthy,
  typeName,
  type PyDict,
  type PyValue,
} from './py-values.js';

export { pyLiteralEval } from './py-literal.js';
export type { PyValue } from './py-values.js';

/** A template that failed to parse or render; `template` is its name, `variable` the missing name if any. */
export class TemplateError extends AssayError {
  constructor(
    readonly template: string,
    message: string,
    readonly variable?: string,
    cause?: unknown,
  ) {
    super('CONFIG', `template "${template}": ${message}`, { cause });
    this.name = 'TemplateError';
  }
}

export interface CompileOptions {
  /** Names the template in errors, e.g. "mmlu_anatomy.doc_to_text". */
  name: string;
}

export interface CompiledTemplate {
  readonly name: string;
  readonly source: string;
  /** Renders the template over a document (a JSON-like object); throws TemplateError. */
  render(doc: Readonly<Record<string, unknown>>): string;
}

type Node = { type: string } & Record<string, unknown>;
type Scope = PyDict[];

/** A jinja2 StrictUndefined: allowed only in `is defined` tests and the `default` filter. */
class Undefined {
  constructor(
    readonly hint: string,
    readonly variable: string,
  ) {}
}
type Val = PyValue | Undefined;

const CONSTANTS: Record<string, PyValue> = { true: true, false: false, none: null, True: true, False: false, None: null };
const GLOBALS: Record<string, PyValue> = {
  range: new PyCallable('range', (a) => {
    const [start, stop, step] = a.length === 1 ? [0, Number(a[0]), 1] : [Number(a[0]), Number(a[1]), Number(a[2] ?? 1)];
    const out: number[] = [];
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
    return out;
  }),
};

/** Parses `source` once; each `render(doc)` evaluates it with jinja2 + CPython semantics. */
export function compileTemplate(source: string, options: CompileOptions): CompiledTemplate {
  const { name } = options;
  let program: Node;
  try {
    // The tokenizer drops one final newline (jinja2's default); keep_trailing_newline=True keeps it.
    const text = pythonStringEscapes(source);
    const tokens = tokenize(text.endsWith('\n') ? `${text}\n` : text, { lstrip_blocks: false, trim_blocks: false });
    program = parse(tokens) as unknown as Node;
  } catch (e) {
    throw new TemplateError(name, `syntax error: ${(e as Error).message}`, undefined, e);
  }
  const body = program.body as Node[];
  return {
    name,
    source,
    render(doc) {
      const ev = new Evaluator(name);
      try {
        return ev.block(body, [toPy(doc) as PyDict]);
      } catch (e) {
        if (e instanceof TemplateError) throw e;
        if (e instanceof PyError) throw new TemplateError(name, e.message, undefined, e);
        throw new TemplateError(name, `cannot render: ${(e as Error).message}`, undefined, e);
      }
    },
  };
}

class Evaluator {
  constructor(private readonly name: string) {}

  private need(v: Val): PyValue {
    if (v instanceof Undefined) throw new TemplateError(this.name, v.hint, v.variable);
    return v;
  }

  block(nodes: Node[], scope: Scope): string {
    let out = '';
    for (const node of nodes) out += this.statement(node, scope);
    return out;
  }

  private statement(node: Node, scope: Scope): string {
    switch (node.type) {
      case 'Comment':
        return '';
      case 'If':
        return truthy(this.value(node.test as Node, scope))
          ? this.block(node.body as Node[], scope)
          : this.block(node.alternate as Node[], scope);
      case 'For':
        return this.forLoop(node, scope);
      case 'Set': {
        if (node.value === null) {
          this.assign(node.assignee as Node, this.block(node.body as Node[], scope), scope);
        } else this.assign(node.assignee as Node, this.value(node.value as Node, scope), scope);
        return '';
      }
      default:
        if (['Macro', 'CallStatement', 'FilterStatement', 'Break', 'Continue'].includes(node.type)) {
          throw new TemplateError(this.name, `{% ${node.type} %} is not supported in task templates`);
        }
        return pyStr(this.value(node, scope));
    }
  }

  private assign(target: Node, v: PyValue, scope: Scope): void {
    if (target.type === 'Identifier') {
      scope[scope.length - 1].set(target.value as string, v);
      return;
    }
    if (target.type === 'TupleLiteral') {
      const names = target.value as Node[];
      const items = iterate(v);
      if (items.length !== names.length) throw new PyError('ValueError', `cannot unpack ${items.length} values into ${names.length} names`);
      names.forEach((n, i) => this.assign(n, items[i], scope));
      return;
    }
    throw new TemplateError(this.name, `cannot assign to ${target.type}`);
  }

  private forLoop(node: Node, scope: Scope): string {
    const items = iterate(this.value(node.iterable as Node, scope));
    if (items.length === 0) return this.block(node.defaultBlock as Node[], scope);
    let out = '';
    items.forEach((item, i) => {
      const inner: PyDict = new Map();
      const n = items.length;
      inner.set('loop', new Map<string, PyValue>([
        ['index', i + 1], ['index0', i], ['revindex', n - i], ['revindex0', n - i - 1],
        ['first', i === 0], ['last', i === n - 1], ['length', n],
      ]));
      const innerScope = [...scope, inner];
      this.assign(node.loopvar as Node, item, innerScope);
      out += this.block(node.body as Node[], innerScope);
    });
    return out;
  }

  /** Evaluates an expression that must be defined. */
  private value(node: Node, scope: Scope): PyValue {
    return this.need(this.expr(node, scope));
  }

  private expr(node: Node, scope: Scope): Val {
    switch (node.type) {
      case 'StringLiteral':
        return node.value as string;
      case 'IntegerLiteral':
        return node.value as number;
      case 'FloatLiteral':
        return new PyFloat(node.value as number);
      case 'ArrayLiteral':
        return (node.value as Node[]).map((x) => this.value(x, scope));
      case 'TupleLiteral':
        return new PyTuple((node.value as Node[]).map((x) => this.value(x, scope)));
      case 'ObjectLiteral': {
        const out: PyDict = new Map();
        for (const [k, v] of node.value as Map<Node, Node>) out.set(pyStr(this.value(k, scope)), this.value(v, scope));
        return out;
      }
      case 'Identifier':
        return this.lookup(node.value as string, scope);
      case 'MemberExpression':
        return this.member(node, scope);
      case 'CallExpression': {
        const fn = this.value(node.callee as Node, scope);
        if (!(fn instanceof PyCallable)) throw new PyError('TypeError', `'${typeName(fn)}' object is not callable`);
        const [args, kwargs] = this.args(node.args as Node[], scope);
        return fn.call(args, kwargs);
      }
      case 'FilterExpression':
        return this.filter(node, scope);
      case 'TestExpression': {
        const result = this.test((node.test as Node).value as string, this.expr(node.operand as Node, scope));
        return node.negate ? !result : result;
      }
      case 'UnaryExpression': {
        const op = (node.operator as { value: string }).value;
        const v = this.value(node.argument as Node, scope);
        if (op === 'not') return !truthy(v);
        const n = numberOf(v);
        if (n === undefined) throw new PyError('TypeError', `bad operand type for unary ${op}: '${typeName(v)}'`);
        const r = op === '-' ? -n : n;
        return v instanceof PyFloat ? new PyFloat(r) : r;
      }
      case 'BinaryExpression':
        return this.binary(node, scope);
      case 'Ternary':
        return truthy(this.value(node.condition as Node, scope))
          ? this.expr(node.trueExpr as Node, scope)
          : this.expr(node.falseExpr as Node, scope);
      default:
        throw new TemplateError(this.name, `${node.type} is not supported in task templates`);
    }
  }

  private lookup(name: string, scope: Scope): Val {
    if (name in CONSTANTS) return CONSTANTS[name];
    for (let i = scope.length - 1; i >= 0; i--) {
      const hit = scope[i].get(name);
      if (hit !== undefined) return hit;
    }
    if (name in GLOBALS) return GLOBALS[name];
    return new Undefined(`'${name}' is undefined`, name);
  }

  private args(nodes: Node[], scope: Scope): [PyValue[], Map<string, PyValue>] {
    const args: PyValue[] = [];
    const kwargs = new Map<string, PyValue>();
    for (const n of nodes) {
      if (n.type === 'KeywordArgumentExpression') kwargs.set((n.key as Node).value as string, this.value(n.value as Node, scope));
      else args.push(this.value(n, scope));
    }
    return [args, kwargs];
  }

  private member(node: Node, scope: Scope): Val {
    const obj = this.value(node.object as Node, scope);
    const prop = node.property as Node;
    if (node.computed && prop.type === 'SliceExpression') {
      const bound = (n: unknown): number | null => {
        if (n === undefined) return null;
        const v = this.value(n as Node, scope);
        if (v === null) return null;
        if (!isInt(v)) throw new PyError('TypeError', 'slice indices must be integers or None');
        return Number(v);
      };
      const [a, b, c] = [bound(prop.start), bound(prop.stop), bound(prop.step)];
      if (typeof obj === 'string') return pySlice(codePoints(obj), a, b, c).join('');
      if (obj instanceof PyTuple) return new PyTuple(pySlice(obj.items, a, b, c));
      if (Array.isArray(obj)) return pySlice(obj, a, b, c);
      throw new PyError('TypeError', `'${typeName(obj)}' object is not subscriptable`);
    }
    if (!node.computed && prop.type === 'Identifier') {
      // jinja2's getattr: prefer the attribute (method), then the item.
      const key = prop.value as string;
      return getAttribute(obj, key) ?? this.item(obj, key) ?? this.missing(obj, key);
    }
    const key: PyValue = node.computed ? this.value(prop, scope) : (prop.value as number);
    const hit = this.item(obj, key) ?? (typeof key === 'string' ? getAttribute(obj, key) : undefined);
    return hit ?? this.missing(obj, key);
  }

  private item(obj: PyValue, key: PyValue): PyValue | undefined {
    if (obj instanceof Map) return typeof key === 'string' ? obj.get(key) : undefined;
    const seq = typeof obj === 'string' ? codePoints(obj) : obj instanceof PyTuple ? obj.items : Array.isArray(obj) ? obj : undefined;
    if (seq === undefined || !isInt(key)) return undefined;
    const i = Number(key) < 0 ? Number(key) + seq.length : Number(key);
    return i >= 0 && i < seq.length ? seq[i] : undefined;
  }

  private missing(obj: PyValue, key: PyValue): Undefined {
    const kind = `'${typeName(obj)} object'`;
    return typeof key === 'string'
      ? new Undefined(`${kind} has no attribute '${key}'`, key)
      : new Undefined(`${kind} has no element ${pyStr(key)}`, pyStr(key));
  }

  private filter(node: Node, scope: Scope): Val {
    const f = node.filter as Node;
    const name = (f.type === 'CallExpression' ? (f.callee as Node).value : f.value) as string;
    const [args, kwargs] = f.type === 'CallExpression' ? this.args(f.args as Node[], scope) : [[], new Map<string, PyValue>()];
    const operand = this.expr(node.operand as Node, scope);
    if (name === 'default' || name === 'd') {
      const dflt = args.length > 0 ? args[0] : (kwargs.get('default_value') ?? '');
      const bool = truthy(args.length > 1 ? args[1] : (kwargs.get('boolean') ?? false));
      return operand instanceof Undefined || (bool && !truthy(operand)) ? dflt : operand;
    }
    return applyFilter(name, this.need(operand), args, kwargs);
  }

  private test(name: string, v: Val): boolean {
    if (name === 'defined') return !(v instanceof Undefined);
    if (name === 'undefined') return v instanceof Undefined;
    const x = this.need(v);
    switch (name) {
      case 'none':
        return x === null;
      case 'string':
        return typeof x === 'string';
      case 'number':
        return numberOf(x) !== undefined;
      case 'integer':
        return typeof x === 'number';
      case 'float':
        return x instanceof PyFloat;
      case 'boolean':
        return typeof x === 'boolean';
      case 'true':
        return x === true;
      case 'false':
        return x === false;
      case 'mapping':
        return x instanceof Map;
      case 'sequence':
      case 'iterable':
        return typeof x === 'string' || Array.isArray(x) || x instanceof PyTuple || x instanceof Map;
      case 'odd':
      case 'even':
        return Number(x) % 2 === (name === 'odd' ? 1 : 0) || Number(x) % 2 === (name === 'odd' ? -1 : -0);
      case 'lower':
        return typeof x === 'string' && x === x.toLowerCase();
      case 'upper':
        return typeof x === 'string' && x === x.toUpperCase();
      default:
        throw new TemplateError(this.name, `no test named '${name}'`);
    }
  }

  private binary(node: Node, scope: Scope): PyValue {
    const op = (node.operator as { value: string }).value;
    const left = this.value(node.left as Node, scope);
    if (op === 'and') return truthy(left) ? this.value(node.right as Node, scope) : left;
    if (op === 'or') return truthy(left) ? left : this.value(node.right as Node, scope);
    const right = this.value(node.right as Node, scope);
    return binaryOp(op, left, right);
  }
}

function binaryOp(op: string, a: PyValue, b: PyValue): PyValue {
  const unsupported = (): never => {
    throw new PyError('TypeError', `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
  };
  switch (op) {
    case '==':
      return pyEquals(a, b);
    case '!=':
      return !pyEquals(a, b);
    case '~':
      return pyStr(a) + pyStr(b);
    case 'in':
    case 'not in': {
      let hit: boolean;
      if (typeof b === 'string') hit = typeof a === 'string' ? b.includes(a) : unsupported();
      else if (b instanceof Map) hit = typeof a === 'string' && b.has(a);
      else hit = iterate(b).some((x) => pyEquals(x, a));
      return op === 'in' ? hit : !hit;
    }
  }
  const x = numberOf(a);
  const y = numberOf(b);
  if (x === undefined || y === undefined) {
    if (op === '+' && typeof a === 'string' && typeof b === 'string') return a + b;
    if (op === '%' && typeof a === 'string') return pyPercent(a, b);
    if (op === '+' && Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
    if (op === '+' && a instanceof PyTuple && b instanceof PyTuple) return new PyTuple([...a.items, ...b.items]);
    if (op === '*' && typeof a === 'string' && isInt(b)) return a.repeat(Math.max(0, Number(b)));
    if (op === '*' && Array.isArray(a) && isInt(b)) return Array.from({ length: Math.max(0, Number(b)) }, () => a).flat();
    if (['<', '>', '<=', '>='].includes(op) && typeof a === 'string' && typeof b === 'string') {
      return compare(op, a < b ? -1 : a > b ? 1 : 0);
    }
    return unsupported();
  }
  const float = a instanceof PyFloat || b instanceof PyFloat;
  const num = (r: number): PyValue => (float ? new PyFloat(r) : r);
  switch (op) {
    case '+':
      return num(x + y);
    case '-':
      return num(x - y);
    case '*':
      return num(x * y);
    case '/':
      if (y === 0) throw new PyError('ZeroDivisionError', 'division by zero');
      return new PyFloat(x / y);
    case '//':
      if (y === 0) throw new PyError('ZeroDivisionError', 'integer division or modulo by zero');
      return num(Math.floor(x / y));
    case '%':
      if (y === 0) throw new PyError('ZeroDivisionError', 'integer division or modulo by zero');
      return num(x - y * Math.floor(x / y));
    case '**':
      return float || y < 0 ? new PyFloat(x ** y) : x ** y;
    case '<':
    case '>':
    case '<=':
    case '>=':
      return compare(op, x - y);
    default:
      return unsupported();
  }
}

function compare(op: string, d: number): boolean {
  return op === '<' ? d < 0 : op === '>' ? d > 0 : op === '<=' ? d <= 0 : d >= 0;
}
