// One registry of assertion types, and promptfoo's runAssertion / runAssertions
// (assertions/index.ts, AssertionsResult.testResult): `not-` inverts any type, string values are
// rendered with the test's vars, and a test's score is the weighted mean of its assertions'.
import { Template } from '@huggingface/jinja';
import { AssayError, ConfigError } from '../core/errors.js';
import { Registry } from '../core/registry.js';
import { unknownNameMessage } from '../core/suggest.js';
import { GRADED_ASSERTIONS } from './graded.js';
import { javascriptAssertion } from './javascript.js';
import { JSON_ASSERTIONS } from './json.js';
import { SCORE_ASSERTIONS } from './scores.js';
import { TEXT_ASSERTIONS } from './text.js';
import { errorOutcome, type AssertionContext, type AssertionHandler, type AssertionOutcome, type AssertionResult, type AssertionSpec } from './types.js';

export const BUILTIN_ASSERTIONS = {
  ...TEXT_ASSERTIONS,
  ...JSON_ASSERTIONS,
  javascript: javascriptAssertion(),
  ...SCORE_ASSERTIONS,
  ...GRADED_ASSERTIONS,
} satisfies Record<string, AssertionHandler>;

export type BuiltinAssertionType = keyof typeof BUILTIN_ASSERTIONS;

export const assertionRegistry = new Registry<AssertionHandler>('assertion type', BUILTIN_ASSERTIONS);

/** Adds a plug-in assertion type (usable with `not-` too). */
export function registerAssertion(type: string, handler: AssertionHandler, options: { replace?: boolean } = {}): void {
  if (type.startsWith('not-')) throw new AssayError('USAGE', `assertion type "${type}" may not start with "not-" (the prefix negates a type)`);
  assertionRegistry.register(type, handler, options);
}

/** "not-contains" → { base: "contains", inverse: true }. */
export function parseAssertionType(type: string): { base: string; inverse: boolean } {
  return type.startsWith('not-') ? { base: type.slice(4), inverse: true } : { base: type, inverse: false };
}

/** Checks a spec when a suite is loaded; `where` names it (file and path) in the error. */
export function validateAssertion(spec: AssertionSpec, where: string): void {
  if (typeof spec !== 'object' || spec === null || typeof spec.type !== 'string' || spec.type === '') {
    throw new ConfigError(`${where}: an assertion needs a "type" (one of ${assertionRegistry.names().join(', ')}, optionally with "not-")`);
  }
  const { base } = parseAssertionType(spec.type);
  if (!assertionRegistry.has(base)) {
    throw new ConfigError(`${where}: ${unknownNameMessage('assertion type', base, assertionRegistry.names())}`);
  }
  const at = `${where} (${spec.type})`;
  if (spec.threshold !== undefined && (typeof spec.threshold !== 'number' || !Number.isFinite(spec.threshold))) {
    throw new ConfigError(`${at}: threshold must be a finite number, got ${JSON.stringify(spec.threshold)}`);
  }
  if (spec.weight !== undefined && (typeof spec.weight !== 'number' || !Number.isFinite(spec.weight) || spec.weight < 0)) {
    throw new ConfigError(`${at}: weight must be a number >= 0, got ${JSON.stringify(spec.weight)}`);
  }
  if (spec.metric !== undefined && (typeof spec.metric !== 'string' || spec.metric === '')) {
    throw new ConfigError(`${at}: metric must be a non-empty string, got ${JSON.stringify(spec.metric)}`);
  }
  const problem = assertionRegistry.get(base).check?.(spec);
  if (problem !== undefined) throw new ConfigError(`${at}: ${problem}`);
}

function renderString(text: string, vars: Record<string, unknown>): string {
  return text.includes('{{') || text.includes('{%') ? new Template(text).render(vars) : text;
}

/** promptfoo renders string values (and strings in a list) with the test's vars. */
export function renderValue(value: unknown, vars: Record<string, unknown>): unknown {
  if (typeof value === 'string') return renderString(value, vars);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? renderString(v, vars) : v));
  return value;
}

/** Grades one output. A spec that is invalid throws ConfigError; anything else is a result. */
export async function runAssertion(spec: AssertionSpec, output: string, context: AssertionContext): Promise<AssertionResult> {
  validateAssertion(spec, 'assertion');
  const { base, inverse } = parseAssertionType(spec.type);
  const handler = assertionRegistry.get(base);
  let outcome: AssertionOutcome;
  try {
    const value = renderValue(spec.value, context.vars);
    outcome = await handler.run({ spec, value, output, context, inverse });
  } catch (error) {
    if (error instanceof AssayError) throw error;
    outcome = errorOutcome(`${spec.type} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const weight = spec.weight ?? 1;
  const result: AssertionResult = { type: spec.type, pass: outcome.pass, score: outcome.score, reason: outcome.reason, weight };
  // promptfoo: weight 0 is a metric-only assertion; it reports its score but cannot fail the test.
  if (weight === 0) result.pass = true;
  if (spec.metric !== undefined) result.metric = spec.metric;
  if (outcome.error) result.error = true;
  return result;
}

export interface TestOutcome {
  pass: boolean;
  /** Weighted mean of the assertions' scores (0 when every weight is 0). */
  score: number;
  reason: string;
  results: AssertionResult[];
  /** Weighted mean score per named metric. */
  namedScores: Record<string, number>;
}

/** promptfoo's aggregate of one test's assertions (AssertionsResult.testResult). */
export function aggregateResults(results: readonly AssertionResult[], options: { threshold?: number } = {}): TestOutcome {
  if (results.length === 0) return { pass: true, score: 1, reason: 'No assertions', results: [], namedScores: {} };
  let total = 0;
  let totalWeight = 0;
  let failedReason: string | undefined;
  const named = new Map<string, { sum: number; weight: number }>();
  for (const r of results) {
    total += r.score * r.weight;
    totalWeight += r.weight;
    if (r.metric !== undefined) {
      // A metric-only (weight 0) assertion still reports its score under its name.
      const w = r.weight === 0 ? 1 : r.weight;
      const acc = named.get(r.metric) ?? { sum: 0, weight: 0 };
      acc.sum += r.score * w;
      acc.weight += w;
      named.set(r.metric, acc);
    }
    if (!r.pass) failedReason = r.reason;
  }
  const score = totalWeight > 0 ? total / totalWeight : 0;
  let pass = failedReason === undefined;
  let reason = failedReason ?? 'All assertions passed';
  const threshold = options.threshold;
  if (typeof threshold === 'number' && !Number.isNaN(threshold)) {
    pass = score >= threshold;
    reason = `Aggregate score ${score.toFixed(2)} ${pass ? '≥' : '<'} ${threshold} threshold`;
  }
  const namedScores: Record<string, number> = {};
  for (const [name, { sum, weight }] of named) namedScores[name] = weight > 0 ? sum / weight : 0;
  return { pass, score, reason, results: [...results], namedScores };
}

/**
 * Grades one output with all of a test's assertions: the test passes when every assertion
 * passes, or, given a test threshold, when the weighted score reaches it.
 */
export async function runAssertions(
  specs: readonly AssertionSpec[],
  output: string,
  context: AssertionContext,
  options: { threshold?: number } = {},
): Promise<TestOutcome> {
  specs.forEach((spec, i) => validateAssertion(spec, `assert[${i}]`));
  const results = await Promise.all(specs.map((spec) => runAssertion(spec, output, context)));
  return aggregateResults(results, options);
}
