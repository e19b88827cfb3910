// Runs an assertion suite as promptfoo's evaluator does (every prompt × provider × test × repeat
// generates once, then the test's assertions grade the output), adding what promptfoo lacks: a
// Wilson 95% CI on each pass rate, pass@k / pass^k (Chen et al. 2021; Yao et al. 2024) and the
// flakiness of each test over repeats. Each repeat has its own response-cache entry (promptfoo
// busts the cache for repeats > 0; keying by repeat makes a rerun replay every repeat instead).
import { createHash } from 'node:crypto';
import { judgeGrader, type AssertionJudges } from '../assertions/grader.js';
import { generationContext, providerEmbedder } from '../assertions/provider-context.js';
import { parseAssertionType, runAssertions, type TestOutcome } from '../assertions/registry.js';
import { flakiness, passHatK, type Flakiness } from '../assertions/repeat.js';
import type { AssertionContext } from '../assertions/types.js';
import { VERSION } from '../core/version.js';
import { passAtK } from '../engine/repeat-metrics.js';
import { toolGitCommit } from '../engine/runner.js';
import { createJudge } from '../judge/judge.js';
import { withCache, type ResponseCache } from '../providers/cache.js';
import type { ChatMessage, GenerateRequest, GenerateResult, Provider, Settled } from '../providers/types.js';
import { clusteredMeanCi, meanCi } from '../stats/mean-ci.js';
import { proportionConfint, type Interval } from '../stats/proportion.js';
import type { Aggregate, JsonValue, ResultStore, Sample } from '../store/types.js';
import type { AssertionSuite, SuitePrompt, SuiteProvider, SuiteTest } from './config.js';

export interface SuiteRunOptions {
  /** Builds the (uncached) provider of a suite entry; the runner closes it. */
  open: (provider: SuiteProvider | { id: string }) => Promise<Provider>;
  cache?: ResponseCache;
  /** Overrides the suite's `repeat`. */
  repeat?: number;
  /** Only tests whose description matches. */
  filter?: RegExp;
  store?: ResultStore;
  signal?: AbortSignal;
}

export interface TestRun {
  repeat: number;
  /** The rendered prompt (chat prompts as their JSON text). */
  prompt: string;
  output: string | null;
  /** Why no output: the request failed after its retries. */
  error: string | null;
  outcome: TestOutcome | null;
  latencyMs: number | null;
  costUsd: number | null;
  cached: boolean;
}

export interface TestSummary {
  test: number;
  description: string;
  runs: TestRun[];
  /** Repeats graded (errored requests excluded), and how many passed. */
  n: number;
  passes: number;
  errors: number;
  /** Every repeat ran and passed. */
  pass: boolean;
  /** pass@k and pass^k for k = 1..n (index k - 1). */
  passAtK: number[];
  passHatK: number[];
  flakiness: Flakiness | null;
}

export interface NamedMetric {
  mean: number;
  n: number;
  ciLow: number | null;
  ciHigh: number | null;
}

export interface CellReport {
  prompt: number;
  promptLabel: string;
  provider: number;
  providerLabel: string;
  providerId: string;
  runId: string | null;
  tests: TestSummary[];
  passed: number;
  failed: number;
  errors: number;
  /** passed / (passed + failed): errored requests are reported apart, not counted as failures. */
  passRate: number | null;
  /** 95% interval: Wilson over the outcomes, or clustered by test when tests repeat (repeats of one test are not independent). */
  ci: Interval | null;
  ciMethod: 'wilson' | 'clustered-t' | null;
  named: Record<string, NamedMetric>;
}

export interface SuiteReport {
  suite: string;
  description: string | null;
  file: string;
  repeat: number;
  cells: CellReport[];
  /** Every test of every cell passed on every repeat, and no request failed. */
  pass: boolean;
  ignored: string[];
}

/** A provider whose cache identity includes the repeat, so each repeat is generated (and cached) apart. */
function repeatView(provider: Provider, repeat: number): Provider {
  if (repeat === 0) return provider;
  return {
    id: provider.id,
    capabilities: provider.capabilities,
    identity: { ...provider.identity, repeat },
    generate: (r, o) => provider.generate(r, o),
    loglikelihood: (r, o) => provider.loglikelihood(r, o),
    loglikelihoodRolling: (r, o) => provider.loglikelihoodRolling(r, o),
    embed: (t, o) => provider.embed(t, o),
    countTokens: (t) => provider.countTokens(t),
    close: async () => undefined,
  };
}

/** promptfoo sends a rendered prompt that is a JSON list of {role, content} as chat messages. */
function chatMessages(text: string): ChatMessage[] | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    if (Array.isArray(value) && value.length > 0 && value.every((m) => m !== null && typeof m === 'object' && ['system', 'user', 'assistant'].includes((m as ChatMessage).role) && typeof (m as ChatMessage).content === 'string')) {
      return (value as ChatMessage[]).map((m) => ({ role: m.role, content: m.content }));
    }
  } catch {
    // not JSON: a plain prompt
  }
  return undefined;
}

function requestFor(provider: SuiteProvider, text: string, test: SuiteTest): GenerateRequest {
  const messages = chatMessages(text);
  const { params } = provider;
  const wantsLogprobs = test.assert.some((a) => parseAssertionType(a.type).base.startsWith('perplexity'));
  return {
    prompt: messages ?? (provider.chat ? [{ role: 'user', content: text }] : text),
    temperature: params.temperature,
    ...(params.maxTokens === undefined ? {} : { maxTokens: params.maxTokens }),
    ...(params.stop === undefined ? {} : { stop: params.stop }),
    ...(params.topP === undefined ? {} : { topP: params.topP }),
    ...(params.seed === undefined ? {} : { seed: params.seed }),
    ...(wantsLogprobs ? { logprobs: true } : {}),
  };
}

/** pass@k, pass^k (k = 1..n) and flakiness of one test's repeats. */
export function summarizeRuns(test: SuiteTest, runs: TestRun[]): TestSummary {
  const graded = runs.filter((r) => r.outcome !== null);
  const n = graded.length;
  const passes = graded.filter((r) => r.outcome!.pass).length;
  const ks = Array.from({ length: n }, (_, i) => i + 1);
  return {
    test: test.index,
    description: test.description,
    runs,
    n,
    passes,
    errors: runs.length - n,
    pass: n === runs.length && passes === n,
    passAtK: ks.map((k) => passAtK(n, passes, k)),
    passHatK: ks.map((k) => passHatK(n, passes, k)),
    flakiness: n === 0 ? null : flakiness(graded.map((r) => r.outcome!.pass)),
  };
}

function namedMetrics(tests: readonly TestSummary[]): Record<string, NamedMetric> {
  const values = new Map<string, number[]>();
  for (const t of tests) for (const r of t.runs) for (const [name, v] of Object.entries(r.outcome?.namedScores ?? {})) values.set(name, [...(values.get(name) ?? []), v]);
  const out: Record<string, NamedMetric> = {};
  for (const [name, xs] of [...values].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const ci = xs.length >= 2 ? meanCi(xs) : null;
    out[name] = { mean, n: xs.length, ciLow: ci?.low ?? null, ciHigh: ci?.high ?? null };
  }
  return out;
}

/**
 * The pass rate's interval. With repeats, a test's outcomes are correlated, so the standard
 * error is clustered by test (as eval tasks with repeats are); otherwise Wilson's interval.
 */
function passRateInterval(tests: readonly TestSummary[], passed: number, graded: number): { ci: Interval | null; ciMethod: CellReport['ciMethod'] } {
  if (graded === 0) return { ci: null, ciMethod: null };
  const repeated = tests.some((t) => t.n > 1);
  const clusters = tests.filter((t) => t.n > 0);
  if (!repeated || clusters.length < 2) return { ci: proportionConfint(passed, graded, 0.05, 'wilson'), ciMethod: 'wilson' };
  const values: number[] = [];
  const ids: number[] = [];
  clusters.forEach((t, i) => {
    for (let k = 0; k < t.n; k++) {
      values.push(k < t.passes ? 1 : 0);
      ids.push(i);
    }
  });
  const ci = clusteredMeanCi(values, ids);
  return { ci: { low: ci.low, high: ci.high }, ciMethod: 'clustered-t' };
}

function cellReport(suite: AssertionSuite, p: number, v: number, tests: TestSummary[], runId: string | null): CellReport {
  const passed = tests.reduce((s, t) => s + t.passes, 0);
  const graded = tests.reduce((s, t) => s + t.n, 0);
  const errors = tests.reduce((s, t) => s + t.errors, 0);
  const provider = suite.providers[v]!;
  return {
    prompt: p,
    promptLabel: suite.prompts[p]!.label,
    provider: v,
    providerLabel: provider.label,
    providerId: provider.id,
    runId,
    tests,
    passed,
    failed: graded - passed,
    errors,
    passRate: graded === 0 ? null : passed / graded,
    ...passRateInterval(tests, passed, graded),
    named: namedMetrics(tests),
  };
}

function taskName(suite: AssertionSuite, prompt: number): string {
  return suite.prompts.length === 1 ? `suite:${suite.name}` : `suite:${suite.name}#${prompt + 1}`;
}

function sampleOf(task: string, test: SuiteTest, run: TestRun, usage: GenerateResult['usage'] | undefined): Sample {
  const scores: Record<string, number> = {};
  if (run.outcome !== null) {
    scores.pass = run.outcome.pass ? 1 : 0;
    scores.score = run.outcome.score;
    run.outcome.results.forEach((r, j) => (scores[`assert[${j}] ${r.type}`] = r.score));
    for (const [name, v] of Object.entries(run.outcome.namedScores)) scores[`metric:${name}`] = v;
  }
  return {
    task,
    docId: test.index,
    repeat: run.repeat,
    inputs: JSON.parse(JSON.stringify(test.vars)) as JsonValue,
    prompt: run.prompt,
    rawResponse: run.output,
    filteredAnswer: run.output,
    scores,
    status: run.outcome === null ? 'error' : 'scored',
    errorReason: run.error,
    latencyMs: run.latencyMs,
    inputTokens: usage?.promptTokens ?? null,
    outputTokens: usage?.completionTokens ?? null,
    costUsd: run.costUsd,
    cached: run.cached,
  };
}

function aggregatesOf(task: string, cell: CellReport): Aggregate[] {
  const out: Aggregate[] = [];
  const n = cell.passed + cell.failed;
  if (cell.passRate !== null && cell.ci !== null) {
    const p = cell.passRate;
    out.push({ task, metric: 'pass_rate', filter: 'none', value: p, n, stderr: Math.sqrt((p * (1 - p)) / n), ciLow: cell.ci.low, ciHigh: cell.ci.high, method: cell.ciMethod, seed: null });
  }
  for (const [name, m] of Object.entries(cell.named)) {
    out.push({ task, metric: name, filter: 'none', value: m.mean, n: m.n, stderr: null, ciLow: m.ciLow, ciHigh: m.ciHigh, method: m.ciLow === null ? null : 't', seed: null });
  }
  return out;
}

interface ProviderRun {
  tests: TestSummary[][];
  samples: Sample[];
}

async function runProvider(suite: AssertionSuite, v: number, provider: Provider, tests: readonly SuiteTest[], repeat: number, options: SuiteRunOptions, graders: ReadonlyMap<string, Pick<AssertionContext, 'grade' | 'embed'>>): Promise<ProviderRun> {
  const spec = suite.providers[v]!;
  const cells: { prompt: SuitePrompt; p: number; test: SuiteTest; text: string }[] = [];
  suite.prompts.forEach((prompt, p) => {
    for (const test of tests) cells.push({ prompt, p, test, text: prompt.template.render(test.vars) });
  });
  const ownEmbed = provider.capabilities.embeddings ? providerEmbedder(provider) : undefined;
  const perRepeat = await Promise.all(
    Array.from({ length: repeat }, async (_, r) => {
      const view = withCache(repeatView(provider, r), options.cache);
      const requests = cells.map((c) => requestFor(spec, c.text, c.test));
      const settled: Settled<GenerateResult>[] = await view.generate(requests, options.signal === undefined ? {} : { signal: options.signal });
      return Promise.all(
        settled.map(async (s, i) => {
          const c = cells[i]!;
          const prompt = typeof requests[i]!.prompt === 'string' ? requests[i]!.prompt : JSON.stringify(requests[i]!.prompt);
          if (!s.ok) return { run: { repeat: r, prompt, output: null, error: `${s.error.code}: ${s.error.message}`, outcome: null, latencyMs: null, costUsd: null, cached: false } satisfies TestRun, usage: undefined };
          const context = generationContext(s.value, c.test.vars, prompt);
          const judge = c.test.grader === undefined ? undefined : graders.get(c.test.grader);
          const embed = judge?.embed ?? ownEmbed;
          if (embed !== undefined) context.embed = embed;
          if (judge?.grade !== undefined) context.grade = judge.grade;
          const outcome = await runAssertions(c.test.assert, s.value.text, context, c.test.threshold === undefined ? {} : { threshold: c.test.threshold });
          const run: TestRun = { repeat: r, prompt, output: s.value.text, error: null, outcome, latencyMs: s.value.cached ? null : s.value.latencyMs, costUsd: s.value.costUsd ?? null, cached: s.value.cached };
          return { run, usage: s.value.usage };
        }),
      );
    }),
  );
  const out: ProviderRun = { tests: suite.prompts.map(() => []), samples: [] };
  cells.forEach((c, i) => {
    const runs = perRepeat.map((results) => results[i]!.run);
    out.tests[c.p]!.push(summarizeRuns(c.test, runs));
    perRepeat.forEach((results) => out.samples.push(sampleOf(taskName(suite, c.p), c.test, results[i]!.run, results[i]!.usage)));
  });
  return out;
}

/** The model-graded types a set of tests uses, each with its judge on `grader`. */
function judgesFor(tests: readonly SuiteTest[], grader: Provider): AssertionJudges {
  const used = new Set(tests.flatMap((t) => t.assert.map((a) => parseAssertionType(a.type).base)));
  const judges: AssertionJudges = {};
  if (used.has('llm-rubric')) judges['llm-rubric'] = createJudge({ kind: 'single', model: grader.id }, grader);
  if (used.has('factuality')) judges.factuality = createJudge({ kind: 'classify', model: grader.id, preset: 'factuality' }, grader);
  if (used.has('g-eval')) judges['g-eval'] = createJudge({ kind: 'geval', model: grader.id }, grader);
  return judges;
}

/** Runs every prompt × provider × test × repeat; stores one run per provider when a store is given. */
export async function runSuite(suite: AssertionSuite, options: SuiteRunOptions): Promise<SuiteReport> {
  const repeat = options.repeat ?? suite.repeat;
  const tests = options.filter === undefined ? suite.tests : suite.tests.filter((t) => options.filter!.test(t.description));
  // One judge provider per distinct options.provider, opened once and shared by every provider's run.
  const graders = new Map<string, Provider>();
  const shared = new Map<string, Pick<AssertionContext, 'grade' | 'embed'>>();
  const closeGraders = async () => {
    for (const g of graders.values()) await g.close();
  };
  try {
    for (const id of new Set(tests.flatMap((t) => (t.grader === undefined ? [] : [t.grader])))) {
      const raw = await options.open({ id });
      graders.set(id, raw);
      const cached = withCache(raw, options.cache);
      shared.set(id, { grade: judgeGrader(judgesFor(tests.filter((t) => t.grader === id), cached)), ...(raw.capabilities.embeddings ? { embed: providerEmbedder(cached) } : {}) });
    }
  } catch (error) {
    await closeGraders();
    throw error;
  }
  const cells: CellReport[][] = [];
  try {
    await Promise.all(
      suite.providers.map(async (spec, v) => {
        const provider = await options.open(spec);
        try {
          const run = await runProvider(suite, v, provider, tests, repeat, options, shared);
          let runId: string | null = null;
          const store = options.store;
          if (store !== undefined) {
            runId = await store.createRun({
              model: spec.id,
              modelParams: { ...provider.identity, ...spec.params, chat: spec.chat, ...(spec.promptfooId === undefined ? {} : { promptfooId: spec.promptfooId }) } as { [key: string]: JsonValue },
              tasks: suite.prompts.map((prompt, p) => ({ task: taskName(suite, p), taskFileHash: suite.fileHash, dataHash: suite.testsHash, templateHash: sha(prompt.source), fewshotSeed: null })),
              seed: null,
              toolVersion: VERSION,
              gitCommit: toolGitCommit(),
              plan: { kind: 'assertion-suite', file: suite.file, repeat, provider: spec.label },
            });
            await store.appendSamples(runId, run.samples);
          }
          const reports = suite.prompts.map((_, p) => cellReport(suite, p, v, run.tests[p]!, runId));
          if (store !== undefined && runId !== null) {
            await store.setAggregates(runId, reports.flatMap((cell, p) => aggregatesOf(taskName(suite, p), cell)));
            const graded = run.samples.filter((s) => s.status === 'scored');
            await store.finishRun(runId, 'finished', {
              samples: run.samples.length,
              errors: run.samples.length - graded.length,
              cached: run.samples.filter((s) => s.cached).length,
              inputTokens: run.samples.reduce((s, x) => s + (x.inputTokens ?? 0), 0),
              outputTokens: run.samples.reduce((s, x) => s + (x.outputTokens ?? 0), 0),
              costUsd: run.samples.reduce((s, x) => s + (x.costUsd ?? 0), 0),
            });
          }
          cells[v] = reports;
        } finally {
          await provider.close();
        }
      }),
    );
  } finally {
    await closeGraders();
  }
  // Rows in suite order: prompt-major, then provider.
  const ordered = suite.prompts.flatMap((_, p) => suite.providers.map((__, v) => cells[v]![p]!));
  return {
    suite: suite.name,
    description: suite.description,
    file: suite.file,
    repeat,
    cells: ordered,
    pass: ordered.every((c) => c.errors === 0 && c.tests.every((t) => t.pass)),
    ignored: suite.ignored,
  };
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
