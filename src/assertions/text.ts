// String assertions as promptfoo's equals.ts, contains.ts, startsWith.ts, regex.ts and
// levenshtein.ts. Differences: `regex` also takes {pattern, flags}; levenshtein's threshold 0 is 0.
import { isDeepStrictEqual } from 'node:util';
import { booleanOutcome, errorOutcome, type AssertionHandler, type AssertionOutcome, type AssertionSpec } from './types.js';
import { editDistance } from '../core/suggest.js';

const not = (inverse: boolean): string => (inverse ? 'not ' : '');

function isObjectValue(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

const equals: AssertionHandler = {
  check: (spec) => (spec.value === undefined ? 'value is required (a string, or an object/array compared with the output parsed as JSON)' : undefined),
  run({ value, output, inverse }) {
    if (isObjectValue(value)) {
      let equal = false;
      try {
        equal = isDeepStrictEqual(value, JSON.parse(output));
      } catch {
        equal = false;
      }
      const pass = equal !== inverse;
      return booleanOutcome(pass, `Expected output "${output}" to ${not(inverse)}equal "${JSON.stringify(value)}"`);
    }
    const pass = (String(value) === output) !== inverse;
    return booleanOutcome(pass, `Expected output "${output}" to ${not(inverse)}equal "${String(value)}"`);
  },
};

function checkNeedle(spec: AssertionSpec): string | undefined {
  const v = spec.value;
  if ((typeof v === 'string' && v !== '') || (typeof v === 'number' && !Number.isNaN(v))) return undefined;
  return 'value must be a non-empty string or a number';
}

function containsHandler(fold: boolean): AssertionHandler {
  return {
    check: checkNeedle,
    run({ value, output, inverse }) {
      const found = fold ? output.toLowerCase().includes(String(value).toLowerCase()) : output.includes(String(value));
      return booleanOutcome(found !== inverse, `Expected output to ${not(inverse)}contain "${String(value)}"`);
    },
  };
}

/** promptfoo's parseCommaSeparatedValues: split on commas outside double quotes, trim, unquote. */
export function parseCommaSeparatedValues(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.map((s) => s.trim()).map((s) => (s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s));
}

function listOf(value: unknown): unknown[] {
  return typeof value === 'string' ? parseCommaSeparatedValues(value) : (value as unknown[]);
}

function checkList(spec: AssertionSpec): string | undefined {
  const v = spec.value;
  if (typeof v === 'string' && v !== '') return undefined;
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' || typeof x === 'number')) return undefined;
  return 'value must be a non-empty list of strings, or a comma-separated string';
}

function containsAny(fold: boolean): AssertionHandler {
  return {
    check: checkList,
    run({ value, output, inverse }) {
      const list = listOf(value);
      const hay = fold ? output.toLowerCase() : output;
      const found = list.some((v) => hay.includes(fold ? String(v).toLowerCase() : String(v)));
      return booleanOutcome(found !== inverse, `Expected output to ${not(inverse)}contain one of "${list.join(', ')}"`);
    },
  };
}

function containsAll(fold: boolean): AssertionHandler {
  return {
    check: checkList,
    run({ value, output, inverse }) {
      const list = listOf(value);
      const hay = fold ? output.toLowerCase() : output;
      const missing = list.filter((v) => !hay.includes(fold ? String(v).toLowerCase() : String(v)));
      return booleanOutcome((missing.length === 0) !== inverse, `Expected output to ${not(inverse)}contain all of [${list.join(', ')}]. Missing: [${missing.join(', ')}]`);
    },
  };
}

const startsWith: AssertionHandler = {
  check: (spec) => (typeof spec.value === 'string' && spec.value !== '' ? undefined : 'value must be a non-empty string'),
  run({ value, output, inverse }) {
    return booleanOutcome(output.startsWith(String(value)) !== inverse, `Expected output to ${not(inverse)}start with "${String(value)}"`);
  },
};

interface RegexValue {
  pattern: string;
  flags: string;
}

function regexValue(value: unknown): RegexValue | undefined {
  if (typeof value === 'string' && value !== '') return { pattern: value, flags: '' };
  if (isObjectValue(value) && !Array.isArray(value)) {
    const { pattern, flags } = value as { pattern?: unknown; flags?: unknown };
    if (typeof pattern === 'string' && pattern !== '' && (flags === undefined || typeof flags === 'string')) return { pattern, flags: flags ?? '' };
  }
  return undefined;
}

function compile(rv: RegexValue): RegExp | string {
  try {
    // `g` and `y` make RegExp.test stateful; a one-shot match has no use for them.
    return new RegExp(rv.pattern, rv.flags.replace(/[gy]/g, ''));
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const regex: AssertionHandler = {
  check(spec) {
    const rv = regexValue(spec.value);
    if (rv === undefined) return 'value must be a regular expression string, or {pattern, flags}';
    if (rv.pattern.includes('{{') || rv.pattern.includes('{%')) return undefined; // checked once rendered
    const re = compile(rv);
    return typeof re === 'string' ? `invalid regular expression: ${re}` : undefined;
  },
  run({ value, output, inverse }): AssertionOutcome {
    const rv = regexValue(value)!;
    const re = compile(rv);
    if (typeof re === 'string') return errorOutcome(`Invalid regex pattern: ${re}`);
    return booleanOutcome(re.test(output) !== inverse, `Expected output to ${not(inverse)}match regex "${rv.pattern}"`);
  },
};

/** Levenshtein distance over UTF-16 code units, as fastest-levenshtein (promptfoo's) counts. */
export function levenshteinUtf16(a: string, b: string): number {
  return editDistance(a, b);
}

const levenshtein: AssertionHandler = {
  check: (spec) => (typeof spec.value === 'string' ? undefined : 'value must be a string'),
  run({ spec, value, output, inverse }) {
    const threshold = spec.threshold ?? 5;
    const distance = levenshteinUtf16(output, String(value));
    const within = distance <= threshold;
    return booleanOutcome(
      within !== inverse,
      inverse ? `Levenshtein distance ${distance} is less than or equal to threshold ${threshold}` : `Levenshtein distance ${distance} is greater than threshold ${threshold}`,
    );
  },
};

export const TEXT_ASSERTIONS = {
  equals,
  contains: containsHandler(false),
  icontains: containsHandler(true),
  'contains-any': containsAny(false),
  'icontains-any': containsAny(true),
  'contains-all': containsAll(false),
  'icontains-all': containsAll(true),
  'starts-with': startsWith,
  regex,
  levenshtein,
} satisfies Record<string, AssertionHandler>;
