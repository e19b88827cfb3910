// The evaluation runner: every (task, document, repeat) becomes provider requests, identical
// requests are sent once, results stream into the store chunk by chunk in one transaction each,
// and aggregates are computed from the store alone, so a resumed run (lm-evaluation-harness has
// no resume; inspect_ai's `eval retry` is the model) ends with the numbers of an unbroken one.
import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssayError, UsageError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { requireCapability } from '../providers/capabilities.js';
import type { GenerateRequest, LoglikelihoodRequest, Provider, RollingRequest } from '../providers/types.js';
import { sampleKey, type Aggregate, type JsonValue, type ResultStore, type Run, type RunProvenance } from '../store/types.js';
import type { MetricSpec, OutputType } from '../tasks/task-config.js';
import type { JudgeIdentity } from '../judge/types.js';
import { aggregateRun, emptyTotals, type TaskGroup } from './aggregate-run.js';
import type { DocRequest, PreparedTask } from './prepare.js';
import { judgeProvenance, openJudges, runJudges, type RunJudge } from './run-judges.js';
import { callKey, callsFor, finalize, type Call, type CallResult, type JudgeWork, type Unit } from './sample-scoring.js';

export { aggregateRun, type TaskGroup } from './aggregate-run.js';
export { scoreKey } from './sample-scoring.js';

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
async function execute(runId: string, tasks: readonly PreparedTask[], plan: RunPlan, deps: RunDeps, finished: Set<string>, judges: ReadonlyMap<MetricSpec, RunJudge> = new Map()): Promise<number> {
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
