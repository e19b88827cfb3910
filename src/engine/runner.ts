// The evaluation runner: every (task, document, repeat) becomes provider requests, identical
// requests are sent once, results stream into the store chunk by chunk in one transaction each,
// and aggregates are computed from the store alone, so a resumed run (lm-evaluation-harness has
// no resume; inspect_ai's `eval retry` is the model) ends with the numbers of an unbroken one.
import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssayError, ConfigError, UsageError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { requireCapability } from '../providers/capabilities.js';
import type { GenerateRequest, GenerateResult, LoglikelihoodRequest, LoglikelihoodResult, Provider, RequestFailure, RollingRequest, RollingResult, Settled } from '../providers/types.js';
import { sampleKey, type Aggregate, type JsonValue, type ResultStore, type Run, type RunProvenance, type RunTotals, type Sample } from '../store/types.js';
import type { MetricSpec, OutputType } from '../tasks/task-config.js';
import { createJudge } from '../judge/judge.js';
import type { Judge, JudgeIdentity, JudgeInput } from '../judge/types.js';
import { aggregateItems } from './aggregate.js';
import { applyFilterPipeline } from './filters.js';
import { aggregateGroup } from './groups.js';
import type { Doc } from '../tasks/requests.js';
import type { DocRequest, PreparedTask } from './prepare.js';
import { isRepeatMetric, scoreRepeats } from './repeat-metrics.js';
import { scoreDocument, type DocOutcome, type MetricItem } from './task-metrics.js';

/** What a run was asked to do; stored with the run so `--resume` can do the rest of it. */
export interface RunPlan {
  model: string;
  /** Task files (absolute paths) or `builtin:NAME` (a built-in task or group), in run order. */
  tasks: string[];
  /** Where built-in benchmarks read their release files (`--data-dir`); null: the Hugging Face Hub. */
  dataDir?: string | null;
  limit: number | null;
  numFewshot: number | null;
  fewshotSeed: number;
  /** Seed of everything else random: sampling seeds of repeated generations, bootstrap CIs. */
  seed: number;
  repeats: number | null;
  /** Overrides of the tasks' generation_kwargs. */
  maxTokens: number | null;
  temperature: number | null;
  /** Send generate_until prompts as one user chat message (the model's chat template applies). */
  chat: boolean;
  noCache: boolean;
  bootstrapIters: number;
  /** Interval of mean metrics: analytic (Wilson / t / clustered t; the default) or a seeded bootstrap. */
  ciMethod?: 'analytic' | 'bootstrap';
  /** Provider options that change no output and hold no secret (base URL, concurrency, …). */
  provider: { [key: string]: JsonValue };
}

export interface RunProgress {
  runId: string;
  task: string;
  /** Samples (document × repeat) finished, including those finished before a resume. */
  done: number;
  total: number;
  cached: number;
  errors: number;
}

export interface RunDeps {
  store: ResultStore;
  provider: Provider;
  signal?: AbortSignal;
  onProgress?: (progress: RunProgress) => void;
  /** Called once the run has an id (before any request is sent). */
  onStart?: (runId: string, resumed: boolean) => void;
  /** Documents per chunk: one batch per request kind and one store transaction per chunk. Default 32. */
  chunkSize?: number;
  /** Chunks in flight at once. Default: enough to keep the provider's concurrency busy. */
  workers?: number;
  /** Groups of the run's tasks to aggregate (MMLU and its categories). */
  groups?: readonly TaskGroup[];
  /** The provider of a judge model (`metric: judge`), e.g. createProvider behind the response cache. */
  judgeProvider?: (model: string) => Promise<Provider>;
  /** The newest stored `assay judge validate` report of a judge (for `require_validation`). */
  judgeValidation?: (identity: JudgeIdentity) => Promise<{ createdAt: string; alpha: number | null; kappa: number | null } | undefined>;
}

export interface RunOutcome {
  run: Run;
  aggregates: Aggregate[];
  /** Present when the run stopped early: the samples still to do. */
  remaining: number;
}

type Call =
  | { kind: 'loglikelihood'; request: LoglikelihoodRequest }
  | { kind: 'rolling'; request: RollingRequest }
  | { kind: 'generate'; request: GenerateRequest };
type CallResult = Settled<LoglikelihoodResult> | Settled<RollingResult> | Settled<GenerateResult>;

interface Unit {
  task: PreparedTask;
  docId: number;
  doc: Doc;
  request: DocRequest;
  /** Why this document's prompt could not be built (its samples are recorded as errors). */
  failure?: string;
  /** Repeats still to do. */
  repeats: number[];
  /** Per repeat (same order), its calls with their de-duplication keys. */
  calls: { key: string; call: Call }[][];
}

const NEEDS: Record<OutputType, 'loglikelihood' | 'loglikelihoodRolling' | 'generate'> = {
  multiple_choice: 'loglikelihood',
  loglikelihood: 'loglikelihood',
  loglikelihood_rolling: 'loglikelihoodRolling',
  generate_until: 'generate',
};

/** `git rev-parse HEAD` of the tool's own checkout, or null (an installed package). */
export function toolGitCommit(): string | null {
  try {
    const here = dirname(fileURLToPath(import.meta.url));
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: here, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).toString().trim() || null;
  } catch {
    return null;
  }
}

/** JSON of a document for the store (BigInt as a string, undefined dropped). */
function toJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? 'null') as JsonValue;
}

function describeFailure(error: RequestFailure): string {
  return `${error.code}: ${error.message}${error.attempts > 1 ? ` (after ${error.attempts} attempts)` : ''}`;
}

/** The calls of one repeat of a document. */
function callsFor(task: PreparedTask, doc: Doc, request: DocRequest, repeat: number, plan: RunPlan): Call[] {
  if ('rolling' in request) return [{ kind: 'rolling', request: { text: request.rolling } }];
  if ('continuations' in request) {
    const calls: Call[] = request.continuations.map((continuation, i) => ({
      kind: 'loglikelihood' as const,
      request: { context: typeof request.context === 'string' ? request.context : request.context[i]!, continuation },
    }));
    // acc_mutual_info: each choice also scored with an empty context, without the delimiter.
    if (task.needsUnconditional) {
      for (const choice of task.choices(doc) ?? []) calls.push({ kind: 'loglikelihood', request: { context: '', continuation: choice } });
    }
    return calls;
  }
  if ('continuation' in request) return [{ kind: 'loglikelihood', request: { context: request.context, continuation: request.continuation } }];
  const kwargs = task.config.generation_kwargs;
  const temperature = plan.temperature ?? kwargs?.temperature ?? 0;
  const maxTokens = plan.maxTokens ?? kwargs?.max_gen_toks ?? 256;
  const generate: GenerateRequest = {
    prompt: plan.chat ? [{ role: 'user', content: request.context }] : request.context,
    stop: request.until,
    maxTokens,
    temperature,
    // Sampled repeats must differ (and cache apart); greedy repeats are one request.
    ...(temperature > 0 ? { seed: plan.seed + repeat } : {}),
  };
  return [{ kind: 'generate', request: generate }];
}

function callKey(call: Call): string {
  return `${call.kind}\u0000${JSON.stringify(call.request)}`;
}

function promptText(request: DocRequest): string {
  if ('rolling' in request) return request.rolling;
  return typeof request.context === 'string' ? request.context : JSON.stringify(request.context);
}

interface Scored {
  scores: { [key: string]: number };
  items: { [key: string]: JsonValue };
  answer: string | null;
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

function putScores(out: Scored, outcome: DocOutcome, task: PreparedTask, filter: string, doc: Doc): void {
  const scored = task.processResults === undefined ? scoreDocument(outcome, task.perDocumentMetrics) : task.processResults(doc, outcome);
  for (const [metric, { item, score }] of Object.entries(scored)) {
    out.scores[`${metric},${filter}`] = score;
    out.items[`${metric},${filter}`] = item as JsonValue;
  }
}

/** Scores one repeat of a loglikelihood-type document (filters do not apply to numbers). */
function scoreLoglikelihood(task: PreparedTask, unit: Unit, results: CallResult[]): Scored {
  const out: Scored = { scores: {}, items: {}, answer: null };
  const filter = task.config.filter_list[0]?.name ?? 'none';
  const doc = unit.doc;
  const request = unit.request;
  if ('rolling' in request) {
    const r = results[0] as { ok: true; value: RollingResult };
    putScores(out, { kind: 'loglikelihood_rolling', logprob: r.value.logprob, text: request.rolling }, task, filter, doc);
    return out;
  }
  const all = results.map((r) => (r as { ok: true; value: LoglikelihoodResult }).value);
  if ('continuations' in request) {
    const choices = task.choices(doc) ?? request.continuations;
    const values = all.slice(0, request.continuations.length);
    const logprobs = values.map((v) => v.logprob);
    out.answer = choices[argmax(logprobs)] ?? null;
    const unconditional = task.needsUnconditional ? { unconditionalLogprobs: all.slice(request.continuations.length).map((v) => v.logprob) } : {};
    putScores(out, { kind: 'multiple_choice', choices, gold: request.gold, logprobs, isGreedy: values.map((v) => v.isGreedy), ...unconditional }, task, filter, doc);
    return out;
  }
  const values = all;
  putScores(out, { kind: 'loglikelihood', logprob: values[0]!.logprob, isGreedy: values[0]!.isGreedy }, task, filter, doc);
  return out;
}

function rawResponse(unit: Unit, results: CallResult[]): string {
  if ('until' in unit.request) return (results[0] as { ok: true; value: GenerateResult }).value.text;
  // As the harness logs `resps`: [loglikelihood, is_greedy] per request ([loglikelihood] when rolling).
  return JSON.stringify(
    results.map((r) => {
      const v = (r as { ok: true; value: LoglikelihoodResult | RollingResult }).value;
      return 'isGreedy' in v ? [v.logprob, v.isGreedy] : [v.logprob];
    }),
  );
}

/** Turns a finished unit into its samples (one per repeat); failed requests give `error` samples. */
/** A judge grading still owed to a sample (`metric: judge`), done per chunk in one batch per judge. */
interface JudgeWork {
  sample: Sample;
  key: string;
  spec: MetricSpec;
  input: JudgeInput;
}

/** The key of a metric's score: `"<name>,<filter>"`, the name defaulting to the metric. */
export function scoreKey(spec: MetricSpec, filter: string): string {
  return `${spec.name ?? spec.metric},${filter}`;
}

function finalize(unit: Unit, results: Map<string, CallResult>, aborted: boolean, judgeWork: JudgeWork[] = []): Sample[] {
  const task = unit.task;
  const doc = unit.doc;
  const inputs = toJson(doc);
  if (unit.failure !== undefined) {
    const reason = `prompt: ${unit.failure}`;
    return unit.repeats.map((repeat) => ({ task: task.name, docId: unit.docId, repeat, inputs, prompt: '', rawResponse: null, filteredAnswer: null, scores: {}, status: 'error' as const, errorReason: reason, latencyMs: null, inputTokens: null, outputTokens: null, costUsd: null, cached: false }));
  }
  const prompt = promptText(unit.request);
  const perRepeat = unit.calls.map((calls) => calls.map((c) => results.get(c.key)!));
  const samples: Sample[] = [];
  const generate = 'until' in unit.request;
  // Pipelines with majority_vote look at every repeat's response together (self-consistency).
  const texts = generate ? perRepeat.map((rs) => (rs[0]!.ok ? (rs[0] as { ok: true; value: GenerateResult }).value.text : null)) : [];
  let target: string | string[] = '';
  let targetFailure: string | undefined;
  try {
    if (generate) target = task.target(doc);
  } catch (error) {
    if (!(error instanceof AssayError)) throw error;
    targetFailure = error.message;
  }
  const voted = new Map<string, string | string[]>();
  if (generate && texts.every((t) => t !== null)) {
    for (const pipeline of task.config.filter_list) {
      if (pipeline.filter.some((step) => step.function === 'majority_vote')) voted.set(pipeline.name, applyFilterPipeline(pipeline, texts as string[]));
    }
  }
  // pass@k and consistency: one value per document from all its repeats, kept on the first.
  const repeatSpecs = task.config.metric_list.filter((m) => isRepeatMetric(m.metric));
  const docScores: { [key: string]: number } = {};
  if (generate && repeatSpecs.length > 0 && targetFailure === undefined && texts.every((t) => t !== null)) {
    for (const pipeline of task.config.filter_list) {
      if (pipeline.filter.some((step) => step.function === 'majority_vote')) continue;
      const answers = (texts as string[]).map((t) => applyFilterPipeline(pipeline, [t]));
      for (const [metric, value] of Object.entries(scoreRepeats(repeatSpecs, answers, target))) docScores[`${metric},${pipeline.name}`] = value;
    }
  }
  unit.repeats.forEach((repeat, i) => {
    const rs = perRepeat[i]!;
    const failed = rs.find((r) => !r.ok) as { ok: false; error: RequestFailure } | undefined;
    const latencyMs = rs.reduce((sum, r) => sum + (r.ok ? r.value.latencyMs : 0), 0);
    const cached = rs.every((r) => r.ok && r.value.cached);
    const base = { task: task.name, docId: unit.docId, repeat, inputs, prompt, latencyMs, cached };
    if (failed !== undefined) {
      // An aborted run leaves the sample to `--resume` rather than recording the abort as its result.
      if (aborted) return;
      samples.push({ ...base, rawResponse: null, filteredAnswer: null, scores: {}, status: 'error', errorReason: describeFailure(failed.error), inputTokens: null, outputTokens: null, costUsd: null, cached: false });
      return;
    }
    let scored: Scored;
    let inputTokens: number | null = null;
    let outputTokens: number | null = null;
    let costUsd: number | null = null;
    const pendingJudges: Omit<JudgeWork, 'sample'>[] = [];
    try {
      if (targetFailure !== undefined) throw new ConfigError(targetFailure);
      if (generate) {
        const g = (rs[0] as { ok: true; value: GenerateResult }).value;
        inputTokens = g.usage.promptTokens;
        outputTokens = g.usage.completionTokens;
        costUsd = g.costUsd ?? null;
        scored = { scores: {}, items: {}, answer: null };
        const answers: Record<string, string | string[]> = {};
        for (const pipeline of task.config.filter_list) {
          const majority = voted.get(pipeline.name);
          // A voted answer is one per document: scored once, on the document's first repeat done.
          if (pipeline.filter.some((step) => step.function === 'majority_vote') && (majority === undefined || i > 0)) continue;
          const answer = majority ?? applyFilterPipeline(pipeline, [g.text]);
          answers[pipeline.name] = answer;
          putScores(scored, { kind: 'generate_until', answer, target }, task, pipeline.name, doc);
          for (const spec of task.judgeMetrics) {
            pendingJudges.push({
              key: scoreKey(spec, pipeline.name),
              spec,
              input: {
                question: prompt,
                answer: typeof answer === 'string' ? answer : (answer[0] ?? ''),
                ...(spec.judge?.kind === 'reference' || spec.judge?.kind === 'classify' ? { reference: typeof target === 'string' ? target : (target[0] ?? '') } : {}),
                ...(spec.judge?.criteria === undefined ? {} : { criteria: spec.judge.criteria }),
              },
            });
          }
        }
        if (i === 0) {
          for (const [key, value] of Object.entries(docScores)) {
            scored.scores[key] = value;
            scored.items[key] = value;
          }
        }
        // One pipeline: its answer as text; several: {pipeline: answer} as JSON.
        const only = task.config.filter_list.length === 1 ? answers[task.config.filter_list[0]!.name] : undefined;
        scored.answer = task.config.filter_list.length > 1 ? JSON.stringify(answers) : only === undefined ? null : typeof only === 'string' ? only : JSON.stringify(only);
      } else {
        scored = scoreLoglikelihood(task, unit, rs);
      }
    } catch (error) {
      // A document the metrics cannot score (a bad target, a filter error) is kept with the reason.
      if (!(error instanceof AssayError)) throw error;
      samples.push({ ...base, rawResponse: rawResponse(unit, rs), filteredAnswer: null, scores: {}, status: 'error', errorReason: `scoring: ${error.message}`, inputTokens, outputTokens, costUsd });
      return;
    }
    const sample: Sample = {
      ...base,
      rawResponse: rawResponse(unit, rs),
      filteredAnswer: scored.answer,
      scores: scored.scores,
      items: scored.items,
      status: 'scored',
      errorReason: null,
      inputTokens,
      outputTokens,
      costUsd,
    };
    samples.push(sample);
    for (const work of pendingJudges) judgeWork.push({ ...work, sample });
  });
  return samples;
}

/**
 * Grades the chunk's answers, one batch per judge. A verdict the judge could not give is kept
 * with its reason (items `"<key>#unscored"`), never turned into a score.
 */
async function runJudges(work: readonly JudgeWork[], judges: ReadonlyMap<MetricSpec, Judge>, signal: AbortSignal | undefined): Promise<void> {
  const bySpec = new Map<MetricSpec, JudgeWork[]>();
  for (const w of work) {
    if (!bySpec.has(w.spec)) bySpec.set(w.spec, []);
    bySpec.get(w.spec)!.push(w);
  }
  await Promise.all(
    [...bySpec].map(async ([spec, list]) => {
      const judge = judges.get(spec)!;
      const verdicts = await judge.grade(
        list.map((w) => w.input),
        signal === undefined ? {} : { signal },
      );
      verdicts.forEach((verdict, i) => {
        const { sample, key } = list[i]!;
        sample.items ??= {};
        if (verdict.status === 'scored') {
          sample.scores[key] = verdict.score;
          sample.items[key] = verdict.score;
        } else sample.items[`${key}#unscored`] = verdict.reason;
      });
    }),
  );
}

function emptyTotals(): RunTotals {
  return { samples: 0, errors: 0, cached: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
}

/** Checks, before anything is sent, that the provider can serve every task. */
export async function preflight(provider: Provider, tasks: readonly PreparedTask[], plan: RunPlan): Promise<void> {
  for (const task of tasks) {
    try {
      requireCapability(provider, NEEDS[task.config.output_type]);
      if (plan.chat && task.config.output_type === 'generate_until') requireCapability(provider, 'chat');
    } catch (error) {
      if (error instanceof AssayError) throw new AssayError(error.code, `task "${task.name}" (${task.config.output_type}): ${error.message}`);
      throw error;
    }
    if (plan.chat && task.config.output_type !== 'generate_until') {
      throw new UsageError(`task "${task.name}": --chat applies to generate_until tasks; ${task.config.output_type} tasks score raw text continuations`);
    }
  }
  await provider.check?.();
}

/** Sends the work left in a run and stores its samples; returns the samples still to do. */
async function execute(runId: string, tasks: readonly PreparedTask[], plan: RunPlan, deps: RunDeps, finished: Set<string>, judges: ReadonlyMap<MetricSpec, Judge> = new Map()): Promise<number> {
  const { store, provider, signal } = deps;
  const total = tasks.reduce((n, t) => n + t.docCount * t.repeats, 0);
  const progress: RunProgress = { runId, task: tasks[0]?.name ?? '', done: 0, total, cached: 0, errors: 0 };
  for (const task of tasks) for (let d = 0; d < task.docCount; d++) for (let r = 0; r < task.repeats; r++) if (finished.has(sampleKey({ task: task.name, docId: d, repeat: r }))) progress.done++;
  deps.onProgress?.({ ...progress });

  async function* units(): AsyncGenerator<Unit> {
    for (const task of tasks) {
      let docId = -1;
      for await (const { doc, origin } of task.documents()) {
        docId++;
        // Built for every doc, in order: the random few-shot sampler draws in sequence.
        let request: DocRequest;
        let failure: string | undefined;
        try {
          request = task.requestFor(docId, doc, origin);
        } catch (error) {
          // One document the template cannot render is that document's error, not the run's end.
          if (!(error instanceof AssayError)) throw error;
          failure = error.message;
          request = { doc_id: docId, rolling: '' };
        }
        const repeats: number[] = [];
        for (let r = 0; r < task.repeats; r++) if (!finished.has(sampleKey({ task: task.name, docId, repeat: r }))) repeats.push(r);
        if (repeats.length === 0) continue;
        if (failure !== undefined) yield { task, docId, doc, request, failure, repeats, calls: repeats.map(() => []) };
        else yield { task, docId, doc, request, repeats, calls: repeats.map((r) => callsFor(task, doc, request, r, plan).map((call) => ({ key: callKey(call), call }))) };
      }
    }
  }

  const chunkSize = deps.chunkSize ?? 32;
  // Whole chunks of consecutive documents (one worker's batch: shared contexts and identical
  // requests end up together); an async generator hands them out one caller at a time.
  async function* chunks(): AsyncGenerator<Unit[]> {
    let chunk: Unit[] = [];
    for await (const unit of units()) {
      chunk.push(unit);
      if (chunk.length >= chunkSize) {
        yield chunk;
        chunk = [];
      }
    }
    if (chunk.length > 0) yield chunk;
  }
  const queue = chunks();
  const concurrency = typeof plan.provider.concurrency === 'number' ? plan.provider.concurrency : 8;
  const workers = deps.workers ?? Math.max(2, Math.ceil((2 * concurrency) / chunkSize));
  let remaining = total - progress.done;

  async function runChunk(chunk: Unit[]): Promise<void> {
    const unique = new Map<string, Call>();
    for (const unit of chunk) {
      if (unit.failure !== undefined) continue;
      for (const calls of unit.calls) for (const { key, call } of calls) unique.set(key, call);
    }
    const byKind = { loglikelihood: [] as string[], rolling: [] as string[], generate: [] as string[] };
    for (const [key, call] of unique) byKind[call.kind].push(key);
    const results = new Map<string, CallResult>();
    const options = signal === undefined ? {} : { signal };
    const request = <T>(kind: keyof typeof byKind): T[] => byKind[kind].map((k) => unique.get(k)!.request as T);
    const [ll, rolling, gen] = await Promise.all([
      byKind.loglikelihood.length > 0 ? provider.loglikelihood(request<LoglikelihoodRequest>('loglikelihood'), options) : [],
      byKind.rolling.length > 0 ? provider.loglikelihoodRolling(request<RollingRequest>('rolling'), options) : [],
      byKind.generate.length > 0 ? provider.generate(request<GenerateRequest>('generate'), options) : [],
    ]);
    byKind.loglikelihood.forEach((k, i) => results.set(k, ll[i]!));
    byKind.rolling.forEach((k, i) => results.set(k, rolling[i]!));
    byKind.generate.forEach((k, i) => results.set(k, gen[i]!));
    const aborted = signal?.aborted === true;
    const judgeWork: JudgeWork[] = [];
    const samples = chunk.flatMap((unit) => finalize(unit, results, aborted, judgeWork));
    if (judgeWork.length > 0) await runJudges(judgeWork, judges, signal);
    if (samples.length > 0) await store.appendSamples(runId, samples);
    for (const s of samples) {
      progress.done++;
      remaining--;
      if (s.cached) progress.cached++;
      if (s.status === 'error') progress.errors++;
    }
    progress.task = chunk[chunk.length - 1]!.task.name;
    deps.onProgress?.({ ...progress });
  }

  async function worker(): Promise<void> {
    while (signal?.aborted !== true) {
      const next = await queue.next();
      if (next.done === true) return;
      await runChunk(next.value);
    }
  }
  try {
    await Promise.all(Array.from({ length: workers }, () => worker()));
  } finally {
    // Closes a streamed data file left open by an interrupted run.
    await queue.return(undefined);
  }
  return remaining;
}

/** Aggregates and totals of a run, read back from the store page by page. */
export async function aggregateRun(
  store: ResultStore,
  runId: string,
  tasks: readonly PreparedTask[],
  plan: RunPlan,
  groups: readonly TaskGroup[] = [],
): Promise<{ aggregates: Aggregate[]; totals: RunTotals }> {
  const totals = emptyTotals();
  const aggregates: Aggregate[] = [];
  // Items per task and key, kept only when a group needs them (its interval pools its tasks' items).
  const kept = new Map<string, Map<string, { items: MetricItem[]; aggregation: string }>>();
  const PAGE = 2000;
  for (const task of tasks) {
    const config = task.config;
    const filters = config.output_type === 'generate_until' ? config.filter_list.map((f) => f.name) : [config.filter_list[0]?.name ?? 'none'];
    const keys = filters.flatMap((filter) => config.metric_list.map((spec) => ({ key: scoreKey(spec, filter), spec, filter })));
    const items = new Map<string, MetricItem[]>(keys.map((k) => [k.key, []]));
    const clusters = new Map<string, (string | number)[]>(keys.map((k) => [k.key, []]));
    for (let offset = 0; ; offset += PAGE) {
      const page = await store.samplePage(runId, task.name, offset, PAGE);
      for (const sample of page.samples) {
        totals.samples++;
        if (sample.status === 'error') totals.errors++;
        if (sample.cached) totals.cached++;
        totals.inputTokens += sample.inputTokens ?? 0;
        totals.outputTokens += sample.outputTokens ?? 0;
        totals.costUsd += sample.costUsd ?? 0;
        if (sample.status !== 'scored' || sample.items === undefined) continue;
        const cluster = clusterOf(sample, config.cluster_field, task.repeats);
        for (const { key } of keys) {
          const item = sample.items[key];
          if (item === undefined) continue;
          items.get(key)!.push(item as MetricItem);
          if (cluster !== null) clusters.get(key)!.push(cluster);
        }
      }
      if (offset + PAGE >= page.total) break;
    }
    for (const { key, spec, filter } of keys) {
      const list = items.get(key)!;
      if (list.length === 0) continue;
      const cl = clusters.get(key)!;
      const value = aggregateItems(spec.aggregation, list, {
        seed: plan.seed,
        bootstrapIters: plan.bootstrapIters,
        clusters: cl.length === list.length ? cl : null,
        meanInterval: plan.ciMethod ?? 'analytic',
      });
      aggregates.push({ task: task.name, metric: spec.name ?? spec.metric, filter, value: value.value, n: value.n, stderr: value.stderr, ciLow: value.ciLow, ciHigh: value.ciHigh, method: value.method, seed: value.seed });
      if (groups.length > 0) {
        if (!kept.has(task.name)) kept.set(task.name, new Map());
        kept.get(task.name)!.set(key, { items: list, aggregation: spec.aggregation });
      }
    }
  }
  aggregates.push(...groupAggregates(groups, aggregates, kept, plan));
  return { aggregates, totals };
}

/** A harness group (`group` + `aggregate_metric_list`): members are tasks or other groups. */
export interface TaskGroup {
  name: string;
  members: readonly string[];
  metrics: readonly string[];
  /** Default true: members weighted by their number of documents (MMLU). */
  weightBySize?: boolean;
}

/**
 * Group rows as the harness computes them (aggregate_subtask_metrics over the members' values,
 * pooled_sample_stderr over their standard errors), members before the groups that contain
 * them; the interval is assay's, over every document of the group's tasks together.
 */
function groupAggregates(groups: readonly TaskGroup[], taskRows: readonly Aggregate[], kept: Map<string, Map<string, { items: MetricItem[]; aggregation: string }>>, plan: RunPlan): Aggregate[] {
  const byName = new Map(groups.map((g) => [g.name, g]));
  const rows = new Map<string, Aggregate>(taskRows.map((a) => [`${a.task}\u0000${a.metric}\u0000${a.filter}`, a]));
  // Leaves may repeat through overlapping subgroups; each task counts once.
  const out: Aggregate[] = [];
  const leaves = (name: string): string[] => [...new Set(byName.has(name) ? byName.get(name)!.members.flatMap(leaves) : [name])];
  const done = new Set<string>();
  const visit = (group: TaskGroup): void => {
    if (done.has(group.name)) return;
    done.add(group.name);
    const filters = new Set(taskRows.filter((a) => leaves(group.name).includes(a.task)).map((a) => a.filter));
    for (const metric of group.metrics) {
      for (const filter of filters) {
        // The harness aggregates a group over its leaf tasks (get_subtask_list), not its subgroups' rows.
        const children = leaves(group.name).map((m) => rows.get(`${m}\u0000${metric}\u0000${filter}`)).filter((a): a is Aggregate => a !== undefined);
        if (children.length === 0) continue;
        const { value, stderr } = aggregateGroup(children.map((c) => ({ value: c.value, n: c.n, stderr: c.stderr })), group.weightBySize ?? true);
        const pooled: MetricItem[] = [];
        let aggregation = 'mean';
        for (const leaf of leaves(group.name)) {
          const entry = kept.get(leaf)?.get(`${metric},${filter}`);
          if (entry === undefined) continue;
          aggregation = entry.aggregation;
          for (const item of entry.items) pooled.push(item);
        }
        const interval = aggregation === 'mean' && pooled.length > 0 ? aggregateItems('mean', pooled, { seed: plan.seed, bootstrapIters: plan.bootstrapIters, meanInterval: plan.ciMethod ?? 'analytic' }) : null;
        const row: Aggregate = {
          task: group.name,
          metric,
          filter,
          value,
          n: children.reduce((sum, c) => sum + c.n, 0),
          stderr,
          ciLow: interval?.ciLow ?? null,
          ciHigh: interval?.ciHigh ?? null,
          method: interval === null ? null : `${interval.method} (pooled documents)`,
          seed: interval?.seed ?? null,
        };
        out.push(row);
      }
    }
  };
  for (const group of groups) visit(group);
  return out;
}

/** The cluster of a sample: the task's cluster_field, else its document when documents repeat. */
function clusterOf(sample: Sample, field: string | null, repeats: number): string | number | null {
  if (field !== null) {
    const inputs = sample.inputs;
    const value = inputs !== null && typeof inputs === 'object' && !Array.isArray(inputs) ? inputs[field] : undefined;
    if (value === undefined) throw new ConfigError(`task "${sample.task}": cluster_field "${field}" is not a field of document ${sample.docId}`, { field: 'cluster_field' });
    return typeof value === 'number' ? value : JSON.stringify(value);
  }
  return repeats > 1 ? sample.docId : null;
}

function provenanceOf(plan: RunPlan, provider: Provider, tasks: readonly PreparedTask[]): RunProvenance {
  const modelParams: { [key: string]: JsonValue } = { ...provider.identity };
  if (plan.temperature !== null) modelParams.temperature = plan.temperature;
  if (plan.maxTokens !== null) modelParams.maxTokens = plan.maxTokens;
  if (plan.chat) modelParams.chat = true;
  return {
    model: plan.model,
    modelParams,
    tasks: tasks.map((t) => t.provenance),
    seed: plan.seed,
    toolVersion: VERSION,
    gitCommit: toolGitCommit(),
    plan: plan as unknown as JsonValue,
  };
}

async function finish(store: ResultStore, runId: string, tasks: readonly PreparedTask[], plan: RunPlan, remaining: number, aborted: boolean, groups: readonly TaskGroup[] = []): Promise<RunOutcome> {
  const { aggregates, totals } = await aggregateRun(store, runId, tasks, plan, groups);
  const stopped = aborted && remaining > 0;
  if (!stopped) await store.setAggregates(runId, aggregates);
  await store.finishRun(runId, stopped ? 'interrupted' : 'finished', totals);
  const run = (await store.getRun(runId))!;
  return { run, aggregates: stopped ? [] : aggregates, remaining: stopped ? remaining : 0 };
}

async function guarded<T>(store: ResultStore, runId: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    // Whatever went wrong, the samples already stored stay, and the run can be resumed.
    await store.finishRun(runId, 'failed', emptyTotals()).catch(() => undefined);
    throw error;
  }
}

/** The judges of the tasks' `metric: judge` entries, on their providers (checked like the model's). */
async function openJudges(tasks: readonly PreparedTask[], deps: RunDeps): Promise<Map<MetricSpec, Judge>> {
  const judges = new Map<MetricSpec, Judge>();
  const providers = new Map<string, Provider>();
  for (const task of tasks) {
    for (const spec of task.judgeMetrics) {
      const settings = spec.judge!;
      if (deps.judgeProvider === undefined) throw new UsageError(`task "${task.name}" has a judge metric; give the runner a judgeProvider`);
      let provider = providers.get(settings.model);
      if (provider === undefined) {
        provider = await deps.judgeProvider(settings.model);
        await provider.check?.();
        providers.set(settings.model, provider);
      }
      const { criteria: _criteria, requireValidation, ...judgeSpec } = settings;
      const judge = createJudge(judgeSpec, provider);
      if (requireValidation !== undefined) await requireValidated(judge, requireValidation, task.name, deps);
      judges.set(spec, judge);
    }
  }
  return judges;
}

/** A task that requires a validated judge runs only when a stored validation report meets its minimums. */
async function requireValidated(judge: Judge, need: { minAlpha?: number; minKappa?: number }, task: string, deps: RunDeps): Promise<void> {
  const what = `task "${task}" requires a validated judge (${judge.identity.model}, ${judge.identity.kind}, template ${judge.identity.templateHash})`;
  const report = deps.judgeValidation === undefined ? undefined : await deps.judgeValidation(judge.identity);
  if (report === undefined) throw new UsageError(`${what}, and the store has no validation report for it; run \`assay judge validate\` with the same settings first`);
  for (const [name, min, value] of [
    ['Krippendorff alpha', need.minAlpha, report.alpha],
    ["Cohen's kappa", need.minKappa, report.kappa],
  ] as const) {
    if (min !== undefined && (value === null || value < min)) {
      throw new UsageError(`${what}: its validation of ${report.createdAt} has ${name} ${value === null ? 'n/a' : value.toFixed(4)}, below the required ${min}`);
    }
  }
}

/** Judge identities for the run's provenance: model, kind, template hash and parameters. */
function judgeProvenance(tasks: readonly PreparedTask[], judges: ReadonlyMap<MetricSpec, Judge>): JsonValue[] {
  return tasks.flatMap((task) => task.judgeMetrics.map((spec) => ({ task: task.name, metric: spec.name ?? spec.metric, ...(judges.get(spec)!.identity as unknown as { [key: string]: JsonValue }) })));
}

/** Runs the tasks on the provider as a new run in the store. */
export async function startRun(plan: RunPlan, tasks: readonly PreparedTask[], deps: RunDeps): Promise<RunOutcome> {
  await preflight(deps.provider, tasks, plan);
  const judges = await openJudges(tasks, deps);
  const provenance = provenanceOf(plan, deps.provider, tasks);
  if (judges.size > 0) provenance.judges = judgeProvenance(tasks, judges);
  const runId = await deps.store.createRun(provenance);
  deps.onStart?.(runId, false);
  return guarded(deps.store, runId, async () => {
    const remaining = await execute(runId, tasks, plan, deps, new Set(), judges);
    return finish(deps.store, runId, tasks, plan, remaining, deps.signal?.aborted === true, deps.groups);
  });
}

/** The plan stored with a run (for `--resume`). */
export function storedPlan(run: Run): RunPlan {
  const plan = run.provenance.plan;
  if (plan === undefined || plan === null || typeof plan !== 'object' || Array.isArray(plan) || !Array.isArray(plan.tasks)) {
    throw new UsageError(`run ${run.id} was not started by \`assay run\` (it stores no plan), so it cannot be resumed`);
  }
  return plan as unknown as RunPlan;
}

/**
 * Continues an interrupted or failed run: stored samples are kept (errored ones are retried),
 * the rest is sent, and the aggregates are computed over everything. The tasks must be the ones
 * the run started with: a task file or data set that changed since is refused.
 */
export async function resumeRun(run: Run, tasks: readonly PreparedTask[], deps: RunDeps): Promise<RunOutcome> {
  const plan = storedPlan(run);
  for (const task of tasks) {
    const before = run.provenance.tasks.find((t) => t.task === task.name);
    if (before === undefined) throw new UsageError(`run ${run.id} has no task "${task.name}"`);
    for (const [what, was, now] of [
      ['task file', before.taskFileHash, task.provenance.taskFileHash],
      ['data set', before.dataHash, task.provenance.dataHash],
      ['prompt template', before.templateHash, task.provenance.templateHash],
    ] as const) {
      if (was !== now) throw new UsageError(`cannot resume run ${run.id}: the ${what} of task "${task.name}" changed since the run started (hash ${was}, now ${now}); start a new run`);
    }
  }
  await preflight(deps.provider, tasks, plan);
  const judges = await openJudges(tasks, deps);
  await deps.store.resumeRun(run.id);
  deps.onStart?.(run.id, true);
  return guarded(deps.store, run.id, async () => {
    const finished = await deps.store.finishedKeys(run.id, { includeErrors: false });
    const remaining = await execute(run.id, tasks, plan, deps, finished, judges);
    return finish(deps.store, run.id, tasks, plan, remaining, deps.signal?.aborted === true, deps.groups);
  });
}
