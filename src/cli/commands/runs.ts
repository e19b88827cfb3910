// `assay runs list|show|export`: read the results store (src/store) without changing a run, after
// lm-evaluation-harness's results/samples files and inspect_ai's `inspect log` listing. Text output
// escapes control characters: prompts and responses are untrusted and must not drive the terminal.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { closestNames, unknownNameMessage } from '../../core/suggest.js';
import { resultsFileText, tasksOfRun, sampleFileChunks, writeFileAtomic, type FileChunk } from '../../engine/results-file.js';
import { DEFAULT_STORE_PATH, SQLiteStore } from '../../store/sqlite.js';
import { RUN_STATUSES, type Aggregate, type ResultStore, type Run, type RunStatus, type Sample } from '../../store/types.js';
import { parseFormat, parseIntegerFlag } from '../flags.js';
import type { CliIO } from '../io.js';
import { escapeChar, escapeText } from '../../core/terminal.js';

const PROMPT_WIDTH = 40;
const RESPONSE_WIDTH = 40;

/** The store path: --store, else ASSAY_STORE, else .assay/assay.db. */
export function storePath(flag: string | undefined): string {
  return flag ?? process.env.ASSAY_STORE ?? DEFAULT_STORE_PATH;
}

interface StoreFlag {
  store?: string;
}

export function registerRuns(program: Command, io: CliIO): void {
  const runs = program.command('runs').description('list stored evaluation runs, show one, or export its results and samples');
  const storeHelp = `results store (default: $ASSAY_STORE or ${DEFAULT_STORE_PATH})`;
  runs
    .command('list')
    .description('stored runs, newest first')
    .option('-f, --format <format>', 'text or json', 'text')
    .option('--model <id>', 'only runs of this model, e.g. openai:gpt-4o-mini')
    .option('--task <name>', 'only runs that include this task')
    .option('--status <status>', `only runs with this status: ${RUN_STATUSES.join(', ')}`)
    .option('--tag <tag>', 'only runs with this tag')
    .option('--limit <n>', 'at most this many runs')
    .option('--store <path>', storeHelp)
    .action(async (flags: StoreFlag & { format: string; model?: string; task?: string; status?: string; tag?: string; limit?: string }) => {
      const format = parseFormat(flags.format, ['text', 'json']);
      const status = flags.status === undefined ? undefined : parseFormat<RunStatus>(flags.status, RUN_STATUSES, '--status');
      const limit = flags.limit === undefined ? undefined : parseIntegerFlag('--limit', flags.limit, 1, 1_000_000_000);
      const path = storePath(flags.store);
      if (!existsSync(path)) {
        io.out(format === 'json' ? '[]\n' : `no results store at ${escapeText(path)}\n`);
        return;
      }
      await withStore(path, async (store) => {
        const list = await store.listRuns({ model: flags.model, task: flags.task, status, tag: flags.tag, limit });
        const rows = await Promise.all(list.map(async (run) => runSummary(run, await store.tags(run.id))));
        if (format === 'json') io.out(`${JSON.stringify(rows)}\n`);
        else io.out(rows.length === 0 ? `no runs in ${escapeText(path)} match\n` : formatRunList(rows));
      });
    });
  runs
    .command('show')
    .description('a run\'s provenance, totals and aggregates; --samples adds a page of its samples')
    .argument('<run-id>', 'run id, or a unique prefix of one')
    .option('--samples', 'also show a page of samples')
    .option('--task <name>', 'only this task (needed with --samples when the run has several)')
    .option('--offset <n>', 'first sample of the page (0-based)', '0')
    .option('--limit <n>', 'samples in the page', '20')
    .option('-f, --format <format>', 'text or json (json gives prompts and responses whole)', 'text')
    .option('--store <path>', storeHelp)
    .action(async (id: string, flags: StoreFlag & { samples?: boolean; task?: string; offset: string; limit: string; format: string }) => {
      const format = parseFormat(flags.format, ['text', 'json']);
      const offset = parseIntegerFlag('--offset', flags.offset, 0, Number.MAX_SAFE_INTEGER);
      const limit = parseIntegerFlag('--limit', flags.limit, 1, 100_000);
      const path = requireStore(storePath(flags.store));
      await withStore(path, async (store) => {
        const run = await resolveRun(store, id, path);
        const all = await store.aggregates(run.id);
        const tasks = tasksOfRun(run, all);
        if (flags.task !== undefined && !tasks.includes(flags.task)) throw new UsageError(`run ${run.id}: ${unknownNameMessage('task', flags.task, tasks)}`);
        const aggregates = all.filter((a) => flags.task === undefined || a.task === flags.task);
        const tags = await store.tags(run.id);
        let page: SamplesPage | undefined;
        if (flags.samples) {
          const task = flags.task ?? onlyTask(run, tasks);
          const { samples, total } = await store.samplePage(run.id, task, offset, limit);
          page = { task, offset, limit, total, samples };
        }
        if (format === 'json') {
          io.out(`${JSON.stringify({ run: { ...runSummary(run, tags), provenance: run.provenance }, aggregates, ...(page ? { samples: page } : {}) })}\n`);
        } else {
          io.out(formatRun(run, tags, aggregates));
          if (page) io.out(`\n${formatSamplePage(page)}`);
        }
      });
    });
  runs
    .command('export')
    .description('a run as a harness-layout results file (json), one sample per line (jsonl) or CSV')
    .argument('<run-id>', 'run id, or a unique prefix of one')
    .option('-f, --format <format>', 'json (results file), jsonl (samples) or csv (samples)', 'json')
    .option('-o, --output <file>', 'write to this file (atomically) instead of standard output')
    .option('--store <path>', storeHelp)
    .action(async (id: string, flags: StoreFlag & { format: string; output?: string }) => {
      const format = parseFormat(flags.format, ['json', 'jsonl', 'csv']);
      const path = requireStore(storePath(flags.store));
      await withStore(path, async (store) => {
        const run = await resolveRun(store, id, path);
        const aggregates = await store.aggregates(run.id);
        const tags = await store.tags(run.id);
        const chunks: AsyncIterable<FileChunk> =
          format === 'json' ? single(resultsFileText({ run, aggregates, tags })) : sampleFileChunks(store, run, format, { tasks: tasksOfRun(run, aggregates) });
        let samples = 0;
        const counted = (async function* () {
          for await (const chunk of chunks) {
            samples += chunk.samples;
            yield chunk.text;
          }
        })();
        if (flags.output === undefined) {
          for await (const text of counted) {
            io.out(text);
            await io.drain?.();
          }
        } else {
          await writeFileAtomic(flags.output, counted);
          io.out(`wrote ${flags.output}${format === 'json' ? '' : ` (${samples} sample${samples === 1 ? '' : 's'})`}\n`);
        }
      });
    });
}

async function* single(text: string): AsyncGenerator<FileChunk> {
  yield { text, samples: 0 };
}

// ---- the store ------------------------------------------------------------------------------

function requireStore(path: string): string {
  if (!existsSync(path)) throw new UsageError(`no results store at ${path} (set --store or $ASSAY_STORE; \`assay run\` creates one)`);
  return path;
}

async function withStore<T>(path: string, fn: (store: ResultStore) => Promise<T>): Promise<T> {
  const store = SQLiteStore.open(path);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** The run with this id, else the one run whose id starts with it (case-insensitive). */
export async function resolveRun(store: ResultStore, id: string, path: string): Promise<Run> {
  if (id.trim() === '') throw new UsageError('the run id is empty (`assay runs list` shows the stored runs)');
  const exact = await store.getRun(id);
  if (exact !== undefined) return exact;
  const ids = (await store.listRuns()).map((r) => r.id);
  const prefix = id.toUpperCase();
  const matches = ids.filter((candidate) => candidate.startsWith(prefix));
  if (matches.length === 1) return (await store.getRun(matches[0])) as Run;
  if (matches.length > 1) {
    const shown = matches.slice(0, 5).join(', ');
    throw new UsageError(`run id prefix "${id}" matches ${matches.length} runs in ${path} (${shown}${matches.length > 5 ? ', …' : ''}); give more characters`);
  }
  const close = closestNames(prefix, ids, 1);
  const hint = close.length > 0 ? `; did you mean ${close[0]}?` : '';
  throw new UsageError(`unknown run id "${id}" in ${path}${hint} (\`assay runs list\` shows the stored runs)`);
}

function onlyTask(run: Run, tasks: readonly string[]): string {
  if (tasks.length === 1) return tasks[0];
  if (tasks.length === 0) throw new UsageError(`run ${run.id} has no tasks`);
  throw new UsageError(`run ${run.id} has ${tasks.length} tasks; choose one with --task (${tasks.join(', ')})`);
}

// ---- list and show --------------------------------------------------------------------------

interface RunSummary {
  id: string;
  created: string;
  finished: string | null;
  status: RunStatus;
  model: string;
  tasks: string[];
  totals: Run['totals'];
  tags: string[];
}

function runSummary(run: Run, tags: string[]): RunSummary {
  return { id: run.id, created: run.createdAt, finished: run.finishedAt, status: run.status, model: run.model, tasks: run.provenance.tasks.map((t) => t.task), totals: run.totals, tags };
}

export function formatRunList(rows: readonly RunSummary[]): string {
  return table(
    ['id', 'created (UTC)', 'status', 'model', 'tasks', 'samples', 'errors', 'cost_usd', 'tags'],
    rows.map((r) => [
      r.id,
      shortTime(r.created),
      r.status,
      r.model,
      r.tasks.join(','),
      r.totals ? String(r.totals.samples) : '-',
      r.totals ? String(r.totals.errors) : '-',
      r.totals ? r.totals.costUsd.toFixed(6) : '-',
      r.tags.join(','),
    ]),
    [false, false, false, false, false, true, true, true, false],
  );
}

export function formatRun(run: Run, tags: readonly string[], aggregates: readonly Aggregate[]): string {
  const p = run.provenance;
  const t = run.totals;
  const lines = table(
    [],
    [
      ['run', run.id],
      ['status', run.status],
      ['model', run.model],
      ['params', JSON.stringify(p.modelParams)],
      ['created', run.createdAt],
      ['finished', run.finishedAt ?? '-'],
      ['seed', p.seed === null ? '-' : String(p.seed)],
      ['tool', `assay ${p.toolVersion}${p.gitCommit === null ? '' : `, git ${p.gitCommit}`}`],
      ['tags', tags.length === 0 ? '-' : tags.join(', ')],
      [
        'totals',
        t === null
          ? '-'
          : `samples ${t.samples}, errors ${t.errors}, cached ${t.cached}, input tokens ${t.inputTokens}, output tokens ${t.outputTokens}, cost $${t.costUsd.toFixed(6)}`,
      ],
    ],
    [false, false],
  );
  const provenance = table(
    ['task', 'task file', 'data', 'template', 'few-shot seed'],
    p.tasks.map((x) => [x.task, shortHash(x.taskFileHash), shortHash(x.dataHash), shortHash(x.templateHash), x.fewshotSeed === null ? '-' : String(x.fewshotSeed)]),
    [false, false, false, false, true],
  );
  const results =
    aggregates.length === 0
      ? 'no aggregates\n'
      : table(
          ['task', 'metric', 'filter', 'value', 'ci', 'stderr', 'n', 'method'],
          aggregates.map((a) => [
            a.task,
            a.metric,
            a.filter,
            fixed(a.value),
            a.ciLow === null || a.ciHigh === null ? '-' : `[${fixed(a.ciLow)}, ${fixed(a.ciHigh)}]`,
            a.stderr === null ? '-' : fixed(a.stderr),
            String(a.n),
            a.method === null ? '-' : `${a.method}${a.seed === null ? '' : ` (seed ${a.seed})`}`,
          ]),
          [false, false, false, true, false, true, true, false],
        );
  return `${lines}\n${provenance}\n${results}`;
}

interface SamplesPage {
  task: string;
  offset: number;
  limit: number;
  total: number;
  samples: Sample[];
}

export function formatSamplePage(page: SamplesPage): string {
  const { task, offset, total, samples } = page;
  if (samples.length === 0) return `samples of ${escapeText(task)}: none at offset ${offset} (${total} in all)\n`;
  const last = offset + samples.length;
  const more = last < total ? `; --offset ${last} for the next page` : '';
  const head = `samples of ${escapeText(task)}: ${offset + 1}-${last} of ${total}${more}\n`;
  return (
    head +
    table(
      ['doc', 'repeat', 'status', 'scores', 'prompt', 'response', 'answer'],
      samples.map((s) => [
        String(s.docId),
        String(s.repeat),
        s.status,
        scoreList(s.scores),
        clip(s.prompt, PROMPT_WIDTH),
        s.rawResponse === null ? clip(`(error: ${s.errorReason ?? 'unknown'})`, RESPONSE_WIDTH) : clip(s.rawResponse, RESPONSE_WIDTH),
        s.filteredAnswer === null ? '-' : clip(s.filteredAnswer, RESPONSE_WIDTH),
      ]),
      [true, true, false, false, false, false, false],
    )
  );
}

function scoreList(scores: Sample['scores']): string {
  const names = Object.keys(scores).sort();
  return names.length === 0 ? '-' : names.map((m) => `${m}=${Number.isNaN(scores[m]) ? 'NaN' : String(Number(scores[m].toFixed(4)))}`).join(' ');
}

/** A table with a two-space gutter; every cell is escaped; `right[i]` right-aligns column i. */
function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>, right: readonly boolean[]): string {
  const all = (headers.length > 0 ? [headers, ...rows] : rows).map((row) => row.map(escapeText));
  const widths = right.map((_, i) => Math.max(...all.map((row) => [...row[i]].length)));
  return all
    .map((row) =>
      row
        .map((cell, i) => {
          const pad = ' '.repeat(widths[i] - [...cell].length);
          return right[i] ? pad + cell : cell + pad;
        })
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

function fixed(x: number): string {
  return Number.isNaN(x) ? 'NaN' : x.toFixed(4);
}

function shortTime(iso: string): string {
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '');
}

function shortHash(hash: string): string {
  return hash.length > 12 ? `${hash.slice(0, 12)}…` : hash;
}

/** At most `width` code points of escaped text, an escape never cut in half, `…` marking a cut. */
function clip(text: string, width: number): string {
  const pieces = Array.from(text, escapeChar);
  // A piece is one code point or an ASCII escape sequence.
  const size = (piece: string): number => (piece.length > 1 && piece[0] === '\\' ? piece.length : 1);
  if (pieces.reduce((sum, piece) => sum + size(piece), 0) <= width) return pieces.join('');
  let out = '';
  let used = 0;
  for (const piece of pieces) {
    if (used + size(piece) > width - 1) break;
    out += piece;
    used += size(piece);
  }
  return `${out}…`;
}
