// `assay run`: a suite file, or --model with --tasks, or --resume RUN_ID. Loads the tasks,
// opens the provider behind the response cache, runs, and prints the results table with each
// number's interval, n and provenance signature. Ctrl-C stops cleanly and says how to resume.
import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { DEFAULT_SEED } from '../../core/rng.js';
import { formatSignature } from '../../core/signature.js';
import { DEFAULT_FEWSHOT_SEED, prepareTask, type PreparedTask } from '../../engine/prepare.js';
import { resultsFile, sampleFileChunks, writeFileAtomic, writeResultsFile } from '../../engine/results-file.js';
import { resumeRun, startRun, storedPlan, type RunOutcome, type RunPlan, type TaskGroup } from '../../engine/runner.js';
import { benchmarkGroups, expandTaskName } from '../../benchmarks/registry.js';
import { loadSuite, type Suite, type SuiteModel } from '../../engine/suite.js';
import { withCache, ResponseCache } from '../../providers/cache.js';
import { createProvider } from '../../providers/registry.js';
import type { Provider, ProviderConfig } from '../../providers/types.js';
import { DEFAULT_STORE_PATH, SQLiteStore } from '../../store/sqlite.js';
import type { Aggregate, JsonValue, ResultStore, Run } from '../../store/types.js';
import { loadTaskConfig } from '../../tasks/task-config.js';
import { latestJudgeReport } from '../../judge/reports.js';
import type { JudgeIdentity } from '../../judge/types.js';
import type { ValidationReport } from '../../judge/validate.js';
import { parseIntegerFlag, parseFormat } from '../flags.js';
import { progressBars } from '../progress.js';
import { storePath } from './runs.js';
import type { CliIO } from '../io.js';
import { cachePath } from './cache.js';
import { isAssertionSuiteFile, runAssertionSuite } from './suite-run.js';

interface RunFlags {
  model?: string;
  tasks?: string;
  dataDir?: string;
  resume?: string;
  limit?: string;
  numFewshot?: string;
  fewshotSeed?: string;
  seed?: string;
  repeats?: string;
  maxTokens?: string;
  temperature?: string;
  chat?: boolean;
  cache: boolean;
  cacheFile?: string;
  store?: string;
  output?: string;
  logSamples?: string;
  baseUrl?: string;
  concurrency?: string;
  threads?: string;
  contextSize?: string;
  modelsDir?: string;
  bootstrap: string;
  ci: string;
  tag: string[];
  progress: boolean;
  format: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function optionalInt(flag: string, raw: string | undefined, min: number): number | undefined {
  return raw === undefined ? undefined : parseIntegerFlag(flag, raw, min, Number.MAX_SAFE_INTEGER);
}

function temperatureFlag(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0) throw new UsageError(`--temperature must be a number >= 0, got "${raw}"`);
  return value;
}

/** Provider options safe to store: everything but headers (which may carry credentials). */
function storableConfig(config: ProviderConfig): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (const key of ['baseUrl', 'apiKeyEnv', 'concurrency', 'timeoutMs', 'maxRetries', 'contextSize', 'threads', 'batchSize', 'modelsDir'] as const) {
    const value = config[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function configFromPlan(stored: { [key: string]: JsonValue }): ProviderConfig {
  return stored as ProviderConfig;
}

function flagConfig(flags: RunFlags): ProviderConfig {
  const config: ProviderConfig = {};
  if (flags.baseUrl !== undefined) config.baseUrl = flags.baseUrl;
  const concurrency = optionalInt('--concurrency', flags.concurrency, 1);
  if (concurrency !== undefined) config.concurrency = concurrency;
  const threads = optionalInt('--threads', flags.threads, 1);
  if (threads !== undefined) config.threads = threads;
  const contextSize = optionalInt('--context-size', flags.contextSize, 1);
  if (contextSize !== undefined) config.contextSize = contextSize;
  const modelsDir = flags.modelsDir ?? process.env.ASSAY_MODELS_DIR;
  if (modelsDir !== undefined) config.modelsDir = resolve(modelsDir);
  return config;
}

interface Job {
  model: SuiteModel;
  plan: RunPlan;
}

function plansFrom(flags: RunFlags, suiteFile: string | undefined): { jobs: Job[]; tags: string[] } {
  let suite: Suite | undefined;
  if (suiteFile !== undefined) {
    if (flags.model !== undefined || flags.tasks !== undefined) throw new UsageError('give either a suite file or --model with --tasks, not both');
    suite = loadSuite(suiteFile);
  } else if (flags.model === undefined || flags.tasks === undefined) {
    throw new UsageError('name what to run: assay run SUITE.yaml, or assay run --model PROVIDER:MODEL --tasks TASK.yaml[,MORE.yaml], or assay run --resume RUN_ID');
  }
  const models: SuiteModel[] = suite?.models ?? [{ id: flags.model!, config: {} }];
  const tasks = suite?.tasks ?? flags.tasks!.split(',').map((t) => t.trim()).filter((t) => t !== '').map(taskEntry);
  if (tasks.length === 0) throw new UsageError('--tasks names no task file');
  const fromFlags = flagConfig(flags);
  const limit = optionalInt('--limit', flags.limit, 0) ?? suite?.limit;
  const numFewshot = optionalInt('--num-fewshot', flags.numFewshot, 0) ?? suite?.numFewshot;
  const repeats = optionalInt('--repeats', flags.repeats, 1) ?? suite?.repeats;
  const maxTokens = optionalInt('--max-tokens', flags.maxTokens, 1) ?? suite?.maxTokens;
  const temperature = temperatureFlag(flags.temperature) ?? suite?.temperature;
  const dataDirFlag = flags.dataDir ?? process.env.ASSAY_DATA_DIR;
  const dataDir = dataDirFlag === undefined ? suite?.dataDir : resolve(dataDirFlag);
  const jobs = models.map((model): Job => {
    const config = { ...model.config, ...fromFlags };
    return {
      model: { id: model.id, config },
      plan: {
        model: model.id,
        tasks,
        limit: limit ?? null,
        numFewshot: numFewshot ?? null,
        fewshotSeed: optionalInt('--fewshot-seed', flags.fewshotSeed, 0) ?? suite?.fewshotSeed ?? DEFAULT_FEWSHOT_SEED,
        seed: optionalInt('--seed', flags.seed, 0) ?? suite?.seed ?? DEFAULT_SEED,
        repeats: repeats ?? null,
        maxTokens: maxTokens ?? null,
        temperature: temperature ?? null,
        chat: flags.chat === true || suite?.chat === true,
        noCache: !flags.cache,
        bootstrapIters: suite?.bootstrap ?? parseIntegerFlag('--bootstrap', flags.bootstrap, 0, 1_000_000),
        ciMethod: suite?.ci ?? parseFormat(flags.ci, ['analytic', 'bootstrap'] as const, '--ci'),
        provider: storableConfig(config),
        dataDir: dataDir ?? null,
      },
    };
  });
  return { jobs, tags: [...(suite?.tags ?? []), ...flags.tag] };
}

async function loadHub(path: string, name: string | null, split: string): Promise<{ records: Record<string, unknown>[]; hash: string }> {
  const { loadHubSplit } = await import('../../data/hub.js');
  const loaded = await loadHubSplit(path, name, split);
  return { records: loaded.records, hash: loaded.hash };
}

/** A `--tasks` entry: a YAML file (by extension or because it exists), else a built-in name. */
export function taskEntry(entry: string): string {
  if (/\.ya?ml$/i.test(entry) || existsSync(entry)) return resolve(entry);
  expandTaskName(entry); // an unknown name fails here, with the closest built-in names
  return `builtin:${entry}`;
}

/** The groups a built-in name brings (itself when a group, and its subgroups). */
function groupsOf(name: string, out: Map<string, TaskGroup>): void {
  if (!benchmarkGroups.has(name) || out.has(name)) return;
  const group = benchmarkGroups.get(name);
  out.set(name, { name: group.name, members: group.members, metrics: group.metrics });
  for (const member of group.members) groupsOf(member, out);
}

async function prepareAll(plan: RunPlan): Promise<{ tasks: PreparedTask[]; groups: TaskGroup[] }> {
  const tasks: PreparedTask[] = [];
  const groups = new Map<string, TaskGroup>();
  const names = new Set<string>();
  const common = {
    ...(plan.limit === null ? {} : { limit: plan.limit }),
    ...(plan.numFewshot === null ? {} : { numFewshot: plan.numFewshot }),
    ...(plan.repeats === null ? {} : { repeats: plan.repeats }),
    fewshotSeed: plan.fewshotSeed,
  };
  const dataDir = plan.dataDir ?? null;
  for (const entry of plan.tasks) {
    if (entry.startsWith('builtin:')) {
      const name = entry.slice('builtin:'.length);
      groupsOf(name, groups);
      for (const bench of expandTaskName(name)) {
        if (names.has(bench.name)) continue;
        names.add(bench.name);
        const fromHub = bench.fromHub;
        tasks.push(
          await prepareTask(bench.config, {
            ...common,
            ...(bench.hooks === undefined ? {} : { hooks: bench.hooks }),
            ...(dataDir === null
              ? { hub: async (path: string, config: string | null, split: string) => {
                  const loaded = await loadHub(path, config, split);
                  return fromHub === undefined ? loaded : { records: fromHub(loaded.records), hash: loaded.hash };
                } }
              : { splits: () => bench.load(dataDir) }),
          }),
        );
      }
      continue;
    }
    const config = loadTaskConfig(entry);
    if (names.has(config.task)) throw new UsageError(`two tasks are named "${config.task}" (${entry}); task names must be unique within a run`);
    names.add(config.task);
    tasks.push(await prepareTask(config, { ...common, hub: loadHub, stream: true }));
  }
  return { tasks, groups: [...groups.values()] };
}

async function openProvider(id: string, config: ProviderConfig, noCache: boolean, cacheFile: string | undefined): Promise<{ provider: Provider; close: () => Promise<void> }> {
  const raw = await createProvider(id, config);
  const cache = noCache ? undefined : ResponseCache.open(cachePath(cacheFile));
  return {
    provider: withCache(raw, cache, { noCache }),
    close: async () => {
      await raw.close();
      cache?.close();
    },
  };
}

/** Judge models' providers for one run (behind the same response cache), closed with it. */
function judgePool(noCache: boolean, cacheFile: string | undefined): { judgeProvider: (model: string) => Promise<Provider>; close: () => Promise<void> } {
  const opened: { close: () => Promise<void> }[] = [];
  return {
    async judgeProvider(model) {
      const o = await openProvider(model, {}, noCache, cacheFile);
      opened.push(o);
      return o.provider;
    },
    close: async () => {
      for (const o of opened) await o.close();
    },
  };
}

/** The newest `assay judge validate` report of a judge in the store, as `require_validation` reads it. */
async function storedValidation(path: string, identity: JudgeIdentity): Promise<{ createdAt: string; alpha: number | null; kappa: number | null } | undefined> {
  const stored = latestJudgeReport<ValidationReport>(path, identity, 'validate');
  if (stored === undefined) return undefined;
  return { createdAt: stored.createdAt, alpha: stored.report.krippendorffAlpha.value, kappa: stored.report.cohenKappa.value };
}


function fmt(value: number | null, digits = 4): string {
  if (value === null) return '-';
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-3)) return value.toExponential(3);
  return value.toFixed(digits);
}

/** The results table: task, metric, value, 95% CI, n, stderr; then one provenance signature per task. */
export function resultsTable(run: Run, aggregates: readonly Aggregate[]): string {
  const rows = aggregates.map((a) => [a.task, a.metric, a.filter, fmt(a.value), a.ciLow === null || a.ciHigh === null ? '-' : `[${fmt(a.ciLow)}, ${fmt(a.ciHigh)}]`, String(a.n), fmt(a.stderr), a.method ?? '-']);
  const header = ['task', 'metric', 'filter', 'value', '95% CI', 'n', 'stderr', 'interval'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 3 || i === 5 || i === 6 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [`run ${run.id}  model ${run.model}  status ${run.status}`, line(header), ...rows.map(line)];
  const p = run.provenance;
  for (const t of p.tasks) {
    out.push(
      `${t.task}: ${formatSignature({
        model: run.model,
        task: t.taskFileHash,
        data: t.dataHash,
        template: t.templateHash,
        fewshot_seed: t.fewshotSeed === null ? 'none' : t.fewshotSeed,
        seed: p.seed === null ? 'none' : p.seed,
        git: p.gitCommit === null ? 'none' : p.gitCommit.slice(0, 12),
        version: p.toolVersion,
      })}`,
    );
  }
  return `${out.join('\n')}\n`;
}

async function writeSampleLog(store: ResultStore, run: Run, file: string): Promise<void> {
  async function* text(): AsyncGenerator<string> {
    for await (const chunk of sampleFileChunks(store, run, 'jsonl')) yield chunk.text;
  }
  await writeFileAtomic(file, text());
}

/** `--output results.json` for one model; with several models each gets `results.<n>.json`. */
function outputFor(path: string, index: number, count: number): string {
  if (count === 1) return path;
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}.${index + 1}${ext || '.json'}`;
}

export function registerRun(program: Command, io: CliIO): void {
  program
    .command('run')
    .description('run models on tasks, store every sample and print scores with 95% CIs (resumable)')
    .argument('[suite]', 'suite YAML naming models and tasks')
    .option('--model <id>', 'PROVIDER:MODEL, e.g. llama:stories260K.gguf, openai:gpt-4o-mini, openai-compatible:NAME@http://localhost:8000/v1')
    .option('--tasks <list>', 'task YAML files and/or built-in tasks and groups (assay tasks list), comma-separated')
    .option('--data-dir <dir>', "built-in tasks read their release files here (default: $ASSAY_DATA_DIR, else the Hugging Face Hub)")
    .option('--resume <run-id>', 'continue an interrupted or failed run')
    .option('--limit <n>', 'evaluate only the first N documents of each task')
    .option('--num-fewshot <k>', "override the tasks' num_fewshot")
    .option('--fewshot-seed <n>', 'seed of the few-shot sampler', String(DEFAULT_FEWSHOT_SEED))
    .option('--seed <n>', 'seed for sampled repeats and bootstrap intervals', String(DEFAULT_SEED))
    .option('--repeats <n>', "override the tasks' repeats (generations per document)")
    .option('--max-tokens <n>', 'maximum generated tokens (overrides max_gen_toks)')
    .option('--temperature <t>', 'sampling temperature for generate_until tasks (default: the task\'s, else 0)')
    .option('--chat', 'send generate_until prompts as a user chat message')
    .option('--no-cache', 'neither read nor write the response cache')
    .option('--cache-file <path>', 'response cache (default: $ASSAY_CACHE or .assay/cache.sqlite)')
    .option('--store <path>', `results store (default: $ASSAY_STORE or ${DEFAULT_STORE_PATH})`)
    .option('--output <file>', 'write results JSON (lm-evaluation-harness layout plus assay fields)')
    .option('--log-samples <file>', 'write every sample as JSON Lines')
    .option('--base-url <url>', 'server base URL for HTTP providers')
    .option('--concurrency <n>', 'requests in flight for HTTP providers')
    .option('--threads <n>', 'llama: CPU threads')
    .option('--context-size <n>', 'llama: context size in tokens')
    .option('--models-dir <dir>', 'llama: where bare GGUF names resolve (default: $ASSAY_MODELS_DIR)')
    .option('--bootstrap <n>', 'bootstrap resamples for non-mean aggregates and --ci bootstrap (0 = none)', '1000')
    .option('--ci <method>', 'interval of mean metrics: analytic (Wilson / t / clustered t) or bootstrap (seeded percentile)', 'analytic')
    .option('--tag <tag>', 'tag the run (repeatable)', collect, [])
    .option('--no-progress', 'no progress bar or progress lines')
    .option('--repeat <n>', 'assertion suites: run each test N times (pass@k, pass^k, flakiness)')
    .option('--filter-pattern <regex>', 'assertion suites: only tests whose description matches')
    .option('-f, --format <format>', 'text or json (the results file on stdout); junit too for assertion suites', 'text')
    .action(async (suiteFile: string | undefined, flags: RunFlags) => {
      // An assertion suite (promptfoo-style prompts/providers/tests) has its own runner: src/suites.
      if (suiteFile !== undefined && flags.resume === undefined && isAssertionSuiteFile(suiteFile)) return runAssertionSuite(suiteFile, flags, io);
      const format = parseFormat(flags.format, ['text', 'json'] as const);
      const store = SQLiteStore.open(storePath(flags.store));
      const controller = new AbortController();
      let interrupts = 0;
      const onSigint = () => {
        interrupts++;
        if (interrupts > 1) process.exit(130);
        io.err('\nassay: interrupted: finishing the requests in flight and saving them (Ctrl-C again to quit at once)\n');
        controller.abort();
      };
      process.on('SIGINT', onSigint);
      try {
        const outcomes: { outcome: RunOutcome; tasks: PreparedTask[]; groups?: TaskGroup[] }[] = [];
        if (flags.resume !== undefined) {
          if (suiteFile !== undefined || flags.model !== undefined || flags.tasks !== undefined) throw new UsageError('--resume takes the run id alone: the run keeps its own models, tasks and options');
          const run = await store.getRun(flags.resume);
          if (run === undefined) throw new UsageError(`unknown run id "${flags.resume}" in ${store.path}; \`assay runs list\` shows the stored runs`);
          if (run.status === 'finished') throw new UsageError(`run ${run.id} is already finished; start a new run instead`);
          const plan = storedPlan(run);
          const { tasks, groups } = await prepareAll(plan);
          const opened = await openProvider(plan.model, configFromPlan(plan.provider), plan.noCache, flags.cacheFile);
          const bars = progressBars(io, flags.progress, 1);
          const progress = bars.reporter();
          const judges = judgePool(plan.noCache, flags.cacheFile);
          try {
            outcomes.push({
              outcome: await resumeRun(run, tasks, { store, provider: opened.provider, signal: controller.signal, onProgress: progress.update, groups, judgeProvider: judges.judgeProvider, judgeValidation: (identity) => storedValidation(store.path, identity) }),
              tasks,
              groups,
            });
          } finally {
            progress.stop();
            bars.stop();
            await opened.close();
            await judges.close();
          }
        } else {
          const { jobs, tags } = plansFrom(flags, suiteFile);
          // Tasks are all prepared (and checked) before any model is called.
          const prepared: { tasks: PreparedTask[]; groups: TaskGroup[] }[] = [];
          for (const job of jobs) prepared.push(await prepareAll(job.plan));
          const bars = progressBars(io, flags.progress, jobs.length);
          const runJob = async (index: number): Promise<void> => {
            const job = jobs[index]!;
            const { tasks, groups } = prepared[index]!;
            if (controller.signal.aborted) return;
            const opened = await openProvider(job.model.id, job.model.config, job.plan.noCache, flags.cacheFile);
            const progress = bars.reporter();
            const judges = judgePool(job.plan.noCache, flags.cacheFile);
            try {
              const outcome = await startRun(job.plan, tasks, {
                store,
                groups,
                judgeProvider: judges.judgeProvider,
                judgeValidation: (identity) => storedValidation(store.path, identity),
                provider: opened.provider,
                signal: controller.signal,
                onProgress: progress.update,
                onStart: (id) => {
                  if (flags.progress) bars.log(`assay: run ${id}: ${job.model.id} on ${tasks.map((t) => t.name).join(', ')}\n`);
                },
              });
              for (const tag of tags) await store.addTag(outcome.run.id, tag);
              results[index] = { outcome, tasks, groups };
            } finally {
              progress.stop();
              await opened.close();
              await judges.close();
            }
          };
          // Each provider has its own concurrency limit, so models run side by side; in-process
          // llama models take turns (each uses the CPU threads it is given).
          const results: ({ outcome: RunOutcome; tasks: PreparedTask[]; groups: TaskGroup[] } | undefined)[] = new Array(jobs.length);
          const local = jobs.map((_, i) => i).filter((i) => jobs[i]!.model.id.startsWith('llama:'));
          const remote = jobs.map((_, i) => i).filter((i) => !jobs[i]!.model.id.startsWith('llama:'));
          try {
            await Promise.all([
              (async () => {
                for (const i of local) await runJob(i);
              })(),
              ...remote.map((i) => runJob(i)),
            ]);
          } finally {
            bars.stop();
          }
          for (const r of results) if (r !== undefined) outcomes.push(r);
        }
        const files: unknown[] = [];
        for (const [i, { outcome, tasks, groups }] of outcomes.entries()) {
          const run = outcome.run;
          const input = {
            run,
            aggregates: outcome.aggregates,
            tags: await store.tags(run.id),
            configs: Object.fromEntries(tasks.map((t) => [t.name, { ...t.config, num_fewshot: t.numFewshot, repeats: t.repeats }])),
            originalDocs: Object.fromEntries(tasks.map((t) => [t.name, t.splitSize])),
            ...(groups === undefined ? {} : { groups }),
          };
          if (flags.output !== undefined) await writeResultsFile(outputFor(flags.output, i, outcomes.length), input);
          if (flags.logSamples !== undefined) await writeSampleLog(store, run, outputFor(flags.logSamples, i, outcomes.length));
          if (format === 'json') files.push(resultsFile(input));
          else io.out(resultsTable(run, outcome.aggregates));
          if (run.status === 'interrupted') {
            io.err(`assay: run ${run.id} interrupted with ${outcome.remaining} sample${outcome.remaining === 1 ? '' : 's'} left; continue it with: assay run --resume ${run.id}${flags.store === undefined ? '' : ` --store ${flags.store}`}\n`);
            io.status = 130;
          } else if (run.totals !== null && run.totals.errors > 0) {
            io.err(`assay: run ${run.id}: ${run.totals.errors} sample${run.totals.errors === 1 ? '' : 's'} errored (kept in the store with the reason: \`assay runs show ${run.id} --samples\`); they are left out of the aggregates\n`);
          }
        }
        if (format === 'json') io.out(`${JSON.stringify(files.length === 1 ? files[0] : files, null, 2)}\n`);
      } finally {
        process.off('SIGINT', onSigint);
        await store.close();
      }
    });
}
