// `assay tasks list|render`: the built-in benchmarks, and the exact requests a task sends, one
// JSON object per line as lm-evaluation-harness builds them (plain-text mode) and as Python's
// json.dumps(ensure_ascii=False) writes them (the layout of ../shared/reference/lm-eval-prompts).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { benchmarkGroups, benchmarkRegistry, expandTaskName } from '../../benchmarks/registry.js';
import type { BenchmarkTask } from '../../benchmarks/types.js';
import { prepareTask, type PreparedTask, type PrepareOptions } from '../../engine/prepare.js';
import { countBytes, countWords } from '../../engine/task-metrics.js';
import { loadTaskConfig, type TaskConfig } from '../../tasks/task-config.js';
import type { Doc } from '../../tasks/requests.js';
import { parseFormat, parseIntegerFlag } from '../flags.js';
import type { CliIO } from '../io.js';

/** One row of `assay tasks list`. */
export interface TaskListRow {
  name: string;
  output_type: string;
  num_fewshot: number;
  metrics: string[];
  /** Every group the task is in, nearest first (mmlu_anatomy: mmlu_stem, then mmlu). */
  groups: string[];
}

export interface GroupListRow {
  name: string;
  members: string[];
  /** The metrics aggregated over the group's tasks. */
  metrics: string[];
  /** Number of tasks once subgroups are expanded. */
  tasks: number;
  groups: string[];
}

/** The groups that contain `name`, nearest first, each once. */
function containingGroups(name: string): string[] {
  const out: string[] = [];
  let frontier = [name];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const group of benchmarkGroups.names()) {
      if (out.includes(group)) continue;
      if (benchmarkGroups.get(group).members.some((m) => frontier.includes(m))) {
        out.push(group);
        next.push(group);
      }
    }
    frontier = next;
  }
  return out;
}

export function taskListRows(): { tasks: TaskListRow[]; groups: GroupListRow[] } {
  const tasks = benchmarkRegistry.names().map((name): TaskListRow => {
    const { config } = benchmarkRegistry.get(name);
    return { name, output_type: config.output_type, num_fewshot: config.num_fewshot, metrics: config.metric_list.map((m) => m.metric), groups: containingGroups(name) };
  });
  const groups = benchmarkGroups.names().map((name): GroupListRow => {
    const group = benchmarkGroups.get(name);
    return { name, members: [...group.members], metrics: [...group.metrics], tasks: expandTaskName(name).length, groups: containingGroups(name) };
  });
  return { tasks, groups };
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')).join('\n') + '\n';
}

export function formatTaskList(list: { tasks: TaskListRow[]; groups: GroupListRow[] }): string {
  if (list.tasks.length === 0 && list.groups.length === 0) return 'no built-in tasks\n';
  const join = (xs: string[]) => (xs.length === 0 ? '-' : xs.join(','));
  let out = table([
    ['task', 'output_type', 'num_fewshot', 'metrics', 'groups'],
    ...list.tasks.map((t) => [t.name, t.output_type, String(t.num_fewshot), join(t.metrics), join(t.groups)]),
  ]);
  if (list.groups.length > 0) {
    out += '\n';
    out += table([['group', 'tasks', 'metrics', 'members'], ...list.groups.map((g) => [g.name, String(g.tasks), join(g.metrics), join(g.members)])]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// render

/** A JSON value as Python's json.dumps(value, ensure_ascii=False) prints it: ", " and ": " separators. */
export function pyJsonDumps(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value); // escapes exactly " \ and U+0000..U+001F, as Python
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`pyJsonDumps: only integers are rendered, got ${value}`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`;
  if (typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${pyJsonDumps(v)}`).join(', ')}}`;
  throw new Error(`pyJsonDumps: cannot render a ${typeof value}`);
}

/**
 * The words and bytes a loglikelihood_rolling task divides by. A task with its own
 * process_results (wikitext counts the ORIGINAL page, not the detokenised text it scores) says so
 * through the items it returns for word_perplexity and byte_perplexity / bits_per_byte ([ll, count]);
 * otherwise the built-in metrics count the scored text.
 */
export function rollingCounts(task: PreparedTask, doc: Doc, text: string): { words: number; bytes: number } {
  const items = task.processResults?.(doc, { kind: 'loglikelihood_rolling', logprob: 0, text });
  const count = (metric: string): number | undefined => {
    const item = items?.[metric]?.item;
    return Array.isArray(item) && typeof item[1] === 'number' ? item[1] : undefined;
  };
  return { words: count('word_perplexity') ?? countWords(text), bytes: count('byte_perplexity') ?? count('bits_per_byte') ?? countBytes(text) };
}

/** The request record of one document, keys in the reference files' order. */
export function renderRecord(task: PreparedTask, docId: number): Record<string, unknown> {
  const r = task.request(docId);
  if ('rolling' in r) {
    const { words, bytes } = rollingCounts(task, task.docs[docId]!, r.rolling);
    return { doc_id: r.doc_id, text: r.rolling, word_count: words, byte_count: bytes };
  }
  if ('continuations' in r) return { doc_id: r.doc_id, context: r.context, continuations: r.continuations, gold: r.gold };
  if ('continuation' in r) return { doc_id: r.doc_id, context: r.context, continuation: r.continuation };
  return { doc_id: r.doc_id, context: r.context, until: r.until };
}

export interface RenderFlags {
  dataDir?: string;
  numFewshot?: string;
  limit?: string;
  fewshotSeed?: string;
  format: string;
}

async function loadHub(path: string, name: string | null, split: string): Promise<{ records: Record<string, unknown>[]; hash: string }> {
  const { loadHubSplit } = await import('../../data/hub.js');
  const loaded = await loadHubSplit(path, name, split);
  return { records: loaded.records, hash: loaded.hash };
}

/** A built-in's documents: its release files under the data directory, else the Hub rows mapped as the harness sees them. */
function builtinSource(bench: BenchmarkTask, dataDir: string | undefined): Pick<PrepareOptions, 'splits' | 'hub' | 'hooks'> {
  const hooks = bench.hooks === undefined ? {} : { hooks: bench.hooks };
  if (dataDir !== undefined) return { ...hooks, splits: () => bench.load(dataDir) };
  const fromHub = bench.fromHub;
  return {
    ...hooks,
    hub: async (path, name, split) => {
      const loaded = await loadHub(path, name, split);
      return fromHub === undefined ? loaded : { records: fromHub(loaded.records), hash: loaded.hash };
    },
  };
}

/** TASK: a task YAML (by extension, or because the file exists), else a built-in task or group name. */
function resolveTasks(task: string, dataDir: string | undefined): { config: TaskConfig; source: Pick<PrepareOptions, 'splits' | 'hub' | 'hooks'> }[] {
  if (/\.ya?ml$/i.test(task) || existsSync(task)) return [{ config: loadTaskConfig(resolve(task)), source: { hub: loadHub } }];
  return expandTaskName(task).map((bench) => ({ config: bench.config, source: builtinSource(bench, dataDir) }));
}

/** Prints every request of TASK; more than one task (a group) puts `"task"` first on each line. */
export async function renderTasks(task: string, flags: RenderFlags, io: CliIO): Promise<void> {
  parseFormat(flags.format, ['jsonl'] as const);
  const max = Number.MAX_SAFE_INTEGER;
  const common: PrepareOptions = {
    ...(flags.limit === undefined ? {} : { limit: parseIntegerFlag('--limit', flags.limit, 0, max) }),
    ...(flags.numFewshot === undefined ? {} : { numFewshot: parseIntegerFlag('--num-fewshot', flags.numFewshot, 0, max) }),
    ...(flags.fewshotSeed === undefined ? {} : { fewshotSeed: parseIntegerFlag('--fewshot-seed', flags.fewshotSeed, 0, max) }),
  };
  const dataDirFlag = flags.dataDir ?? process.env.ASSAY_DATA_DIR;
  const resolved = resolveTasks(task, dataDirFlag === undefined ? undefined : resolve(dataDirFlag));
  const named = resolved.length > 1;
  for (const { config, source } of resolved) {
    // One task at a time: its documents are released before the next is loaded.
    const prepared = await prepareTask(config, { ...common, ...source });
    let chunk = '';
    for (let docId = 0; docId < prepared.docs.length; docId++) {
      const record = renderRecord(prepared, docId);
      chunk += `${pyJsonDumps(named ? { task: prepared.name, ...record } : record)}\n`;
      if (chunk.length >= 1 << 16) {
        io.out(chunk);
        chunk = '';
        await io.drain?.();
      }
    }
    if (chunk !== '') io.out(chunk);
    await io.drain?.();
  }
}

export function registerTasks(program: Command, io: CliIO): void {
  const tasks = program.command('tasks').description('list the built-in benchmarks, or print the exact requests a task sends');
  tasks
    .command('list')
    .description('every built-in task (output type, default num_fewshot, metrics, groups) and group')
    .option('--format <format>', 'text or json', 'text')
    .action((options: { format: string }) => {
      const format = parseFormat(options.format, ['text', 'json'] as const);
      const list = taskListRows();
      io.out(format === 'json' ? `${JSON.stringify(list)}\n` : formatTaskList(list));
    });
  tasks
    .command('render')
    .description('print the requests of a task (a built-in name, a group, or a task YAML), one JSON object per line')
    .argument('<task>', 'built-in task or group name, or a task YAML file')
    .option('--data-dir <dir>', 'built-in tasks read their release files here (default: $ASSAY_DATA_DIR, else the Hugging Face Hub)')
    .option('--num-fewshot <k>', "few-shot examples per prompt (default: the task's num_fewshot)")
    .option('--limit <n>', 'only the first N documents')
    .option('--fewshot-seed <s>', 'seed of the random few-shot sampler (default 1234, as the harness)')
    .option('--format <format>', 'jsonl (the layout of lm-evaluation-harness request dumps)', 'jsonl')
    .action(async (task: string, options: RenderFlags) => renderTasks(task, options, io));
}
