// One document's calls and its samples: the requests each output type needs (as the harness's
// construct_requests), and the scoring of what came back (process_results, filters, repeats).
import { AssayError, ConfigError } from '../core/errors.js';
import type { GenerateRequest, GenerateResult, LoglikelihoodRequest, LoglikelihoodResult, RequestFailure, RollingRequest, RollingResult, Settled } from '../providers/types.js';
import type { JsonValue, Sample } from '../store/types.js';
import type { MetricSpec, TaskConfig } from '../tasks/task-config.js';
import type { Doc } from '../tasks/requests.js';
import type { JudgeInput } from '../judge/types.js';
import { applyFilterPipeline } from './filters.js';
import type { DocRequest, PreparedTask } from './prepare.js';
import { isRepeatMetric, scoreRepeats } from './repeat-metrics.js';
import type { RunPlan } from './runner.js';
import { scoreDocument, type DocOutcome } from './task-metrics.js';

export type Call =
  | { kind: 'loglikelihood'; request: LoglikelihoodRequest }
  | { kind: 'rolling'; request: RollingRequest }
  | { kind: 'generate'; request: GenerateRequest };
export type CallResult = Settled<LoglikelihoodResult> | Settled<RollingResult> | Settled<GenerateResult>;

export interface Unit {
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

/** JSON of a document for the store (BigInt as a string, undefined dropped). */
function toJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? 'null') as JsonValue;
}

function describeFailure(error: RequestFailure): string {
  return `${error.code}: ${error.message}${error.attempts > 1 ? ` (after ${error.attempts} attempts)` : ''}`;
}

/** The calls of one repeat of a document. */
export function callsFor(task: PreparedTask, doc: Doc, request: DocRequest, repeat: number, plan: RunPlan): Call[] {
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

export function callKey(call: Call): string {
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
  const [filter] = scoreFilters(task.config);
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

/** A judge grading still owed to a sample (`metric: judge`), done per chunk in one batch per judge. */
export interface JudgeWork {
  sample: Sample;
  key: string;
  spec: MetricSpec;
  input: JudgeInput;
}

/**
 * The filter names a task's scores are keyed by: every pipeline of a generate_until task; the
 * first pipeline's name (filters do not apply to log-likelihoods) otherwise, "none" by default.
 */
export function scoreFilters(config: TaskConfig): string[] {
  return config.output_type === 'generate_until' ? config.filter_list.map((f) => f.name) : [config.filter_list[0]?.name ?? 'none'];
}

/** The key of a metric's score: `"<name>,<filter>"`, the name defaulting to the metric. */
export function scoreKey(spec: MetricSpec, filter: string): string {
  return `${spec.name ?? spec.metric},${filter}`;
}

/** Turns a finished unit into its samples (one per repeat); failed requests give `error` samples. */
export function finalize(unit: Unit, results: Map<string, CallResult>, aborted: boolean, judgeWork: JudgeWork[] = []): Sample[] {
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
