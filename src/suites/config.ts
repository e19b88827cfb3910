// An assertion suite file (promptfoo's promptfooconfig.yaml: prompts × providers × tests with
// `assert:` lists and a `defaultTest`), read into checked, ready-to-run form. The common subset
// of promptfoo's schema is supported; its other keys are collected as warnings, never guessed at.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { validateAssertion } from '../assertions/registry.js';
import type { AssertionSpec } from '../assertions/types.js';
import { ConfigError } from '../core/errors.js';
import { unknownNameMessage } from '../core/suggest.js';
import { compileTemplate, type CompiledTemplate } from '../tasks/template.js';
import { mapProviderId, type MappedProvider } from './provider-ids.js';
import { loadTestFile, type RawTest } from './test-files.js';

export interface SuitePrompt {
  label: string;
  source: string;
  template: CompiledTemplate;
}

export interface SuiteProvider extends MappedProvider {
  label: string;
}

export interface SuiteTest {
  /** 0-based position in the suite (the store's docId). */
  index: number;
  description: string;
  vars: Record<string, unknown>;
  assert: AssertionSpec[];
  threshold?: number;
  /** Model id of the judge for llm-rubric / factuality / g-eval (options.provider, the test's or defaultTest's). */
  grader?: string;
}

export interface AssertionSuite {
  file: string;
  /** The file's base name without extension (the store's task is `suite:<name>`). */
  name: string;
  description: string | null;
  prompts: SuitePrompt[];
  providers: SuiteProvider[];
  tests: SuiteTest[];
  repeat: number;
  /** promptfoo's evaluateOptions.maxConcurrency: requests in flight per provider unless its config sets one. */
  concurrency?: number;
  /** SHA-256 (hex) of the suite file and of the tests as read. */
  fileHash: string;
  testsHash: string;
  /** promptfoo keys read but not supported, as paths ("sharing", "tests[2].metadata"). */
  ignored: string[];
}

const SUPPORTED = {
  suite: ['description', 'prompts', 'providers', 'tests', 'defaultTest', 'repeat', 'evaluateOptions'],
  test: ['description', 'vars', 'assert', 'threshold', 'options'],
  provider: ['id', 'label', 'config'],
  assertion: ['type', 'value', 'threshold', 'weight', 'metric'],
  options: ['provider'],
  evaluateOptions: ['repeat', 'maxConcurrency'],
} as const;

/** Keys promptfoo knows that assay reads past (reported as ignored instead of failing). */
const PROMPTFOO_ONLY = {
  suite: ['sharing', 'outputPath', 'env', 'scenarios', 'derivedMetrics', 'extensions', 'redteam', 'nunjucksFilters', 'tags', 'metadata', 'writeLatestResults', 'commandLineOptions', 'tracing', 'defaultProvider'],
  test: ['metadata', 'provider', 'providerOutput', 'assertScoringFunction', 'prompts', 'providers'],
  provider: ['prompts', 'transform', 'delay', 'env'],
  assertion: ['provider', 'rubricPrompt', 'transform', 'config', 'contextTransform'],
  options: ['transform', 'prefix', 'suffix', 'rubricPrompt', 'postprocess', 'storeOutputAs', 'disableVarExpansion', 'disableConversationVar', 'runSerially'],
  evaluateOptions: ['cache', 'delay', 'showProgressBar', 'timeoutMs', 'maxEvalTimeMs'],
} as const;

type Section = keyof typeof SUPPORTED;

const ASSERTION = z.object({
  type: z.string().min(1),
  value: z.unknown().optional(),
  threshold: z.number().optional(),
  weight: z.number().nonnegative().optional(),
  metric: z.string().min(1).optional(),
});
const GRADER = z.union([z.string().min(1), z.object({ id: z.string().min(1) })]);
const OPTIONS = z.object({ provider: GRADER.optional() });
const TEST = z.object({
  description: z.string().optional(),
  vars: z.record(z.string(), z.unknown()).optional(),
  assert: z.array(ASSERTION).optional(),
  threshold: z.number().optional(),
  options: OPTIONS.optional(),
});
const PROVIDER = z.union([z.string().min(1), z.object({ id: z.string().min(1), label: z.string().optional(), config: z.record(z.string(), z.unknown()).optional() })]);
const PROMPT = z.union([z.string(), z.object({ raw: z.string(), label: z.string().optional(), id: z.string().optional() })]);
const SUITE = z.object({
  description: z.string().optional(),
  prompts: z.union([z.string(), z.array(PROMPT).min(1)]),
  providers: z.union([z.string().min(1), z.array(PROVIDER).min(1)]),
  tests: z.union([z.string(), z.array(z.union([z.string(), z.record(z.string(), z.unknown())]))]).optional(),
  defaultTest: TEST.optional(),
  repeat: z.number().int().positive().optional(),
  evaluateOptions: z.object({ repeat: z.number().int().positive().optional(), maxConcurrency: z.number().int().positive().optional() }).optional(),
});

/** A parsed YAML document looks like an assertion suite (promptfoo-style) rather than an eval suite. */
export function isAssertionSuite(parsed: unknown): boolean {
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return false;
  const keys = Object.keys(parsed);
  return !keys.includes('models') && (keys.includes('prompts') || keys.includes('tests') || keys.includes('providers'));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Drops promptfoo-only keys (recording them) and fails on keys neither tool knows. */
function screen(value: unknown, section: Section, path: string, file: string, ignored: string[]): unknown {
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  const supported: readonly string[] = SUPPORTED[section];
  for (const [key, v] of Object.entries(value)) {
    const at = path === '' ? key : `${path}.${key}`;
    if (supported.includes(key)) out[key] = v;
    else if ((PROMPTFOO_ONLY[section] as readonly string[]).includes(key)) ignored.push(at);
    else throw new ConfigError(unknownNameMessage(`${section === 'suite' ? 'suite' : section} key`, key, supported), { file, field: at });
  }
  return out;
}

function screenTest(value: unknown, path: string, file: string, ignored: string[]): unknown {
  const test = screen(value, 'test', path, file, ignored);
  if (!isRecord(test)) return test;
  if (Array.isArray(test.assert)) test.assert = test.assert.map((a, j) => screen(a, 'assertion', `${path}.assert[${j}]`, file, ignored));
  if (test.options !== undefined) test.options = screen(test.options, 'options', `${path}.options`, file, ignored);
  return test;
}

function zodError(error: z.ZodError, file: string, prefix: string): ConfigError {
  const issue = error.issues[0]!;
  const field = [prefix, ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))].join('').replace(/^\./, '');
  return new ConfigError(`${field || 'suite'}: ${issue.message}`, { file });
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function readText(path: string, file: string, field: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read ${path}: ${(error as Error).message}`, { file, field }, error);
  }
}

/** `file://x` relative to the suite's folder. */
function fileRef(value: string, base: string): string | undefined {
  return value.startsWith('file://') ? resolve(base, value.slice('file://'.length)) : undefined;
}

/** promptfoo reads a `file://` assertion value: JSON/YAML files parsed, anything else as text. */
function resolveValue(value: unknown, base: string, file: string, field: string): unknown {
  if (typeof value !== 'string') return value;
  const path = fileRef(value, base);
  if (path === undefined) return value;
  const text = readText(path, file, field);
  const ext = extname(path).toLowerCase();
  return ext === '.json' || ext === '.yaml' || ext === '.yml' ? parseYaml(text) : text;
}

function loadPrompts(raw: z.infer<typeof SUITE>['prompts'], base: string, file: string): SuitePrompt[] {
  const entries = typeof raw === 'string' ? [raw] : raw;
  const prompts: { label: string; source: string }[] = [];
  entries.forEach((entry, i) => {
    const text = typeof entry === 'string' ? entry : entry.raw;
    const path = fileRef(text, base);
    if (path === undefined) {
      prompts.push({ label: typeof entry === 'string' ? text : (entry.label ?? entry.id ?? text), source: text });
      return;
    }
    // As promptfoo, a text file holds one prompt, or several separated by a line of "---".
    const parts = readText(path, file, `prompts[${i}]`).split(/\r?\n---\r?\n/);
    parts.forEach((part, j) => prompts.push({ label: parts.length === 1 ? text : `${text}#${j + 1}`, source: part }));
  });
  return prompts.map((p, i) => ({ ...p, template: compileTemplate(p.source, { name: `${basename(file)} prompts[${i}]` }) }));
}

function loadProviders(raw: z.infer<typeof SUITE>['providers'], file: string, ignored: string[]): SuiteProvider[] {
  const entries = typeof raw === 'string' ? [raw] : raw;
  return entries.map((entry, i) => {
    const where = `providers[${i}]`;
    const spec = typeof entry === 'string' ? { id: entry } : (screen(entry, 'provider', where, file, ignored) as { id: string; label?: string; config?: Record<string, unknown> });
    const mapped = mapProviderId(spec.id, spec.config ?? {}, { file, field: where }, (key) => ignored.push(`${where}.config.${key}`));
    return { ...mapped, label: spec.label ?? spec.id };
  });
}

function graderOf(options: z.infer<typeof OPTIONS> | undefined): string | undefined {
  const p = options?.provider;
  return p === undefined ? undefined : typeof p === 'string' ? p : p.id;
}

async function loadTests(raw: z.infer<typeof SUITE>['tests'], base: string, file: string): Promise<{ entry: unknown; where: string }[]> {
  if (raw === undefined) return [{ entry: {}, where: 'tests' }];
  const list = typeof raw === 'string' ? [raw] : raw;
  const out: { entry: unknown; where: string }[] = [];
  for (const [i, item] of list.entries()) {
    if (typeof item !== 'string') {
      out.push({ entry: item, where: `tests[${i}]` });
      continue;
    }
    const path = fileRef(item, base);
    if (path === undefined) throw new ConfigError(`tests${typeof raw === 'string' ? '' : `[${i}]`}: expected a test case or file://PATH (.csv, .jsonl, .json, .yaml), got ${JSON.stringify(item)}`, { file });
    const rows: RawTest[] = await loadTestFile(path);
    for (const row of rows) out.push({ entry: row.test, where: row.where });
  }
  return out;
}

/** Reads and checks a suite file: every prompt renders for every test before anything runs. */
export async function loadAssertionSuite(file: string, parsed?: unknown): Promise<AssertionSuite> {
  const text = readText(file, file, '');
  let doc: unknown = parsed;
  if (doc === undefined) {
    try {
      doc = parseYaml(text);
    } catch (error) {
      throw new ConfigError(`YAML: ${(error as Error).message.split('\n')[0]}`, { file }, error);
    }
  }
  if (!isRecord(doc)) throw new ConfigError('an assertion suite must be a YAML mapping with prompts:, providers: and tests:', { file });
  const ignored: string[] = [];
  const screened = screen(doc, 'suite', '', file, ignored) as Record<string, unknown>;
  if (screened.defaultTest !== undefined) screened.defaultTest = screenTest(screened.defaultTest, 'defaultTest', file, ignored);
  if (screened.evaluateOptions !== undefined) screened.evaluateOptions = screen(screened.evaluateOptions, 'evaluateOptions', 'evaluateOptions', file, ignored);
  const suite = SUITE.safeParse(screened);
  if (!suite.success) throw zodError(suite.error, file, '');
  const s = suite.data;
  const base = dirname(resolve(file));
  const prompts = loadPrompts(s.prompts, base, file);
  const providers = loadProviders(s.providers, file, ignored);
  const defaults = s.defaultTest ?? {};
  const defaultGrader = graderOf(defaults.options);
  const tests: SuiteTest[] = [];
  for (const { entry, where } of await loadTests(s.tests, base, file)) {
    const checked = TEST.safeParse(screenTest(entry, where, file, ignored));
    if (!checked.success) throw zodError(checked.error, file, where);
    const t = checked.data;
    const grader = graderOf(t.options) ?? defaultGrader;
    const vars: Record<string, unknown> = {};
    for (const [key, value] of Object.entries({ ...defaults.vars, ...t.vars })) vars[key] = resolveValue(value, base, file, `${where}.vars.${key}`);
    const assert = [...(defaults.assert ?? []), ...(t.assert ?? [])].map((a, j): AssertionSpec => {
      const spec: AssertionSpec = { type: a.type };
      if (a.value !== undefined) spec.value = resolveValue(a.value, base, file, `${where}.assert[${j}].value`);
      if (a.threshold !== undefined) spec.threshold = a.threshold;
      if (a.weight !== undefined) spec.weight = a.weight;
      if (a.metric !== undefined) spec.metric = a.metric;
      validateAssertion(spec, `${file}: ${where}.assert[${j}]`);
      return spec;
    });
    const threshold = t.threshold ?? defaults.threshold;
    const index = tests.length;
    tests.push({ index, description: t.description ?? defaults.description ?? `test ${index + 1}`, vars, assert, ...(threshold === undefined ? {} : { threshold }), ...(grader === undefined ? {} : { grader }) });
  }
  for (const prompt of prompts) for (const test of tests) prompt.template.render(test.vars);
  return {
    file: resolve(file),
    name: basename(file, extname(file)),
    description: s.description ?? null,
    prompts,
    providers,
    tests,
    repeat: s.repeat ?? s.evaluateOptions?.repeat ?? 1,
    ...(s.evaluateOptions?.maxConcurrency === undefined ? {} : { concurrency: s.evaluateOptions.maxConcurrency }),
    fileHash: sha256(text),
    testsHash: sha256(JSON.stringify(tests.map((t) => [t.vars, t.assert, t.threshold ?? null]))),
    ignored,
  };
}
