// Test cases from files, as promptfoo reads `tests: file://…`: CSV rows (columns are vars;
// `__expected[N]` holds an assertion in promptfoo's `type: value` shorthand, `__description` and
// `__threshold` the test's), JSON Lines / JSON / YAML lists of test case objects.
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { assertionRegistry } from '../assertions/registry.js';
import type { AssertionSpec } from '../assertions/types.js';
import { ConfigError, InputError } from '../core/errors.js';
import { loadDataset } from '../data/loaders.js';

export interface RawTest {
  test: unknown;
  /** Names the row in errors: `tests.csv:3`. */
  where: string;
}

/** promptfoo's shorthand types besides the registry's names (assertionFromString). */
const ALIASES: Readonly<Record<string, string>> = { grade: 'llm-rubric', fn: 'javascript', eval: 'javascript' };

/**
 * promptfoo's `__expected` shorthand: `type: value`, `type(threshold): value` or a bare type
 * (`is-json`), with `not-` allowed; `grade:`/`fn:`/`eval:` are llm-rubric/javascript; text that
 * names no type is an `equals` value.
 */
export function assertionFromString(text: string): AssertionSpec {
  const names = [...assertionRegistry.names(), ...Object.keys(ALIASES)].sort((a, b) => b.length - a.length);
  const negated = text.startsWith('not-');
  const body = negated ? text.slice(4) : text;
  for (const name of names) {
    if (!body.startsWith(name)) continue;
    const rest = body.slice(name.length);
    const m = /^(?:\((-?\d+(?:\.\d+)?)\))?(?::([\s\S]*))?$/.exec(rest);
    if (m === null) continue;
    const spec: AssertionSpec = { type: `${negated ? 'not-' : ''}${ALIASES[name] ?? name}` };
    if (m[1] !== undefined) spec.threshold = Number(m[1]);
    if (m[2] !== undefined) spec.value = m[2].trim();
    return spec;
  }
  return { type: 'equals', value: text };
}

function csvTests(records: Record<string, unknown>[], lines: number[] | undefined, name: string): RawTest[] {
  return records.map((record, i) => {
    const where = `${name}:${lines?.[i] ?? i + 2}`;
    const vars: Record<string, unknown> = {};
    const assert: AssertionSpec[] = [];
    const test: Record<string, unknown> = { vars, assert };
    for (const [column, value] of Object.entries(record)) {
      const text = String(value ?? '');
      if (!column.startsWith('__')) vars[column] = text;
      else if (/^__expected\d*$/.test(column)) {
        if (text.trim() !== '') assert.push(assertionFromString(text));
      } else if (column === '__description') test.description = text;
      else if (column === '__threshold') {
        const threshold = Number(text);
        if (text.trim() === '' || !Number.isFinite(threshold)) throw new InputError(`__threshold must be a number, got ${JSON.stringify(text)}`, { file: name, line: lines?.[i] });
        test.threshold = threshold;
      } else if (column === '__metric') {
        for (const a of assert) a.metric = text;
      } else throw new InputError(`unknown column "${column}": columns starting with "__" are __expected[N], __description, __threshold, __metric`, { file: name, line: lines?.[i] });
    }
    return { test, where };
  });
}

/** Reads a tests file (.csv, .jsonl, .json, .yaml/.yml). */
export async function loadTestFile(path: string): Promise<RawTest[]> {
  const ext = extname(path).toLowerCase();
  const name = basename(path);
  if (ext === '.yaml' || ext === '.yml') {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new ConfigError(`cannot read tests file: ${(error as Error).message}`, { file: path }, error);
    }
    const list: unknown = parseYaml(text);
    if (!Array.isArray(list)) throw new InputError('a YAML tests file must be a list of test cases', { file: path });
    return list.map((test, i) => ({ test, where: `${name}[${i}]` }));
  }
  if (ext !== '.csv' && ext !== '.jsonl' && ext !== '.json' && ext !== '.ndjson') {
    throw new ConfigError(`tests file ${path}: expected .csv, .jsonl, .json or .yaml`, { file: path });
  }
  const data = await loadDataset(path);
  if (data.format === 'csv') {
    // promptfoo strips byte-order marks and surrounding spaces from header names.
    const records = data.records.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k.replace(/^\uFEFF/, '').trim(), v])));
    return csvTests(records, data.lines, name);
  }
  return data.records.map((test, i) => ({ test, where: data.lines === undefined ? `${name}[${i}]` : `${name}:${data.lines[i]}` }));
}
