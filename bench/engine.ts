// Benchmark (not a test): engine overhead. N generate_until samples with exact_match through
// `assay run` against an instant loopback OpenAI-compatible server (bench/loopback-openai.ts),
// samples/s and peak RSS of the whole process tree, against promptfoo (the named baseline) running
// the equivalent config (bench/promptfoo/promptfooconfig.yaml) against the same server.
//   npx tsx bench/engine.ts [--samples 10000,100000] [--promptfoo-samples 1000,10000]
//                           [--concurrency 16] [--rounds 3] [--promptfoo-rounds 1]
//                           [--skip-assay] [--skip-promptfoo]
//   PROMPTFOO_BIN (default /tmp/pf/node_modules/.bin/promptfoo; install it outside the repo:
//   mkdir -p /tmp/pf && cd /tmp/pf && npm init -y && npm i promptfoo)
// Both sides run as fresh processes (start-up included), one at a time; each size is run
// `rounds` times and keeps its fastest wall time and its highest peak (the machine is shared).
// The speed-up is against promptfoo at the same number of samples. Never fails on timing.
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SQLiteStore } from '../src/store/sqlite.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const list = (name: string, fallback: number[]): number[] => flag(name)?.split(',').map(Number) ?? fallback;
const SAMPLES = list('--samples', [10_000, 100_000]);
const PROMPTFOO_SAMPLES = list('--promptfoo-samples', [1_000, 10_000]);
const CONCURRENCY = Number(flag('--concurrency') ?? 16);
const ROUNDS = Number(flag('--rounds') ?? 3);
const PROMPTFOO_ROUNDS = Number(flag('--promptfoo-rounds') ?? 1);
const SKIP_ASSAY = args.includes('--skip-assay');
const SKIP_PROMPTFOO = args.includes('--skip-promptfoo');
const PROMPTFOO_BIN = process.env.PROMPTFOO_BIN ?? '/tmp/pf/node_modules/.bin/promptfoo';
const ROOT = process.cwd();
const WORK = join(tmpdir(), 'assay-bench-engine');
const PAGE = 4096;

// ---- data ---------------------------------------------------------------------------------------

/** Doc i asks for a number; the loopback server answers the prompt's last number, so exactly the even docs are right. */
function doc(i: number): { question: string; answer: string } {
  const x = (i * 7919) % 100_003;
  return { question: `doc ${i}: repeat the number ${x}`, answer: String(i % 2 === 0 ? x : x + 1) };
}

const TASK_YAML = `# Written by bench/engine.ts: the promptfoo config in bench/promptfoo/ is its equivalent.
task: bench_exact_match
data:
  path: docs.jsonl
output_type: generate_until
doc_to_text: "Q: {{question}}\\nA:"
doc_to_target: "{{answer}}"
generation_kwargs:
  until: ["\\n"]
  max_gen_toks: 256
metric_list:
  - metric: exact_match
`;

/** Writes docs.jsonl + task.yaml (assay) and tests.jsonl + promptfooconfig.yaml (promptfoo) for n docs. */
function writeData(n: number): string {
  const dir = join(WORK, String(n));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const docs: string[] = [];
  const tests: string[] = [];
  for (let i = 0; i < n; i++) {
    const d = doc(i);
    docs.push(JSON.stringify(d));
    tests.push(JSON.stringify({ vars: d }));
  }
  writeFileSync(join(dir, 'docs.jsonl'), `${docs.join('\n')}\n`);
  writeFileSync(join(dir, 'tests.jsonl'), `${tests.join('\n')}\n`);
  writeFileSync(join(dir, 'task.yaml'), TASK_YAML);
  copyFileSync(join(ROOT, 'bench/promptfoo/promptfooconfig.yaml'), join(dir, 'promptfooconfig.yaml'));
  return dir;
}

// ---- measuring a process tree -------------------------------------------------------------------

function children(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ')) if (c.trim() !== '') out.push(Number(c));
    } catch {
      // the thread or process ended while we looked
    }
  }
  return out;
}

/** Resident memory of a process and all its descendants, in bytes (shared pages count once per process). */
function treeRss(root: number): number {
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    try {
      total += Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE;
    } catch {
      continue;
    }
    stack.push(...children(pid));
  }
  return total;
}

interface Measured {
  seconds: number;
  peakMb: number;
  stdout: string;
}

/** Runs a command to completion, sampling its process tree's RSS every 50 ms. */
function measure(cmd: string, cmdArgs: string[], cwd: string, env: Record<string, string> = {}): Promise<Measured> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(cmd, cmdArgs, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-4000)));
    let peak = 0;
    const sample = () => (peak = Math.max(peak, treeRss(child.pid!)));
    const timer = setInterval(sample, 50);
    child.on('error', fail);
    child.on('exit', (code) => {
      clearInterval(timer);
      const seconds = (performance.now() - t0) / 1000;
      if (code !== 0) fail(new Error(`${cmd} ${cmdArgs.join(' ')} exited with ${code}: ${stderr}`));
      else done({ seconds, peakMb: peak / 2 ** 20, stdout });
    });
  });
}

// ---- the server ---------------------------------------------------------------------------------

async function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/loopback-openai.ts', '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((ok, fail) => {
    child.once('exit', (code) => fail(new Error(`loopback server exited with ${code}`)));
    child.stdout!.once('data', (d: Buffer) => ok(d.toString().trim()));
  });
  return { url, child };
}

// ---- the contenders -----------------------------------------------------------------------------

interface Row {
  tool: string;
  samples: number;
  seconds: number;
  peakMb: number;
  accuracy: number;
}

async function runAssay(n: number, url: string): Promise<Row> {
  const dir = writeData(n);
  const db = join(dir, 'assay.db');
  const m = await measure(
    process.execPath,
    [resolve(ROOT, 'bin/assay.js'), 'run', '--model', `openai-compatible:bench@${url}`, '--tasks', join(dir, 'task.yaml'), '--no-cache', '--store', db, '--concurrency', String(CONCURRENCY), '--no-progress'],
    dir,
  );
  const store = SQLiteStore.open(db);
  try {
    const [run] = await store.listRuns({ limit: 1 });
    const em = (await store.aggregates(run.id)).find((a) => a.metric === 'exact_match');
    if (run.totals?.samples !== n || !em) throw new Error(`assay stored ${run.totals?.samples} samples and no exact_match aggregate for ${n} docs`);
    return { tool: 'assay run', samples: n, seconds: m.seconds, peakMb: m.peakMb, accuracy: em.value };
  } finally {
    await store.close();
  }
}

async function runPromptfoo(n: number, url: string): Promise<Row> {
  const dir = writeData(n);
  mkdirSync(join(dir, 'promptfoo-home'), { recursive: true });
  const m = await measure(
    PROMPTFOO_BIN,
    ['eval', '-c', 'promptfooconfig.yaml', '--no-cache', '--max-concurrency', String(CONCURRENCY), '--no-progress-bar', '--no-table', '--no-share', '-o', 'out.json'],
    dir,
    {
      OPENAI_BASE_URL: url,
      OPENAI_API_KEY: 'bench',
      PROMPTFOO_CONFIG_DIR: join(dir, 'promptfoo-home'),
      PROMPTFOO_DISABLE_TELEMETRY: '1',
      PROMPTFOO_DISABLE_UPDATE: '1',
      PROMPTFOO_DISABLE_SHARING: '1',
      PROMPTFOO_DISABLE_REMOTE_GENERATION: '1',
      PROMPTFOO_DISABLE_RUNTIME_WARNINGS: '1',
      // promptfoo exits 100 when any test fails; half of these fail by design.
      PROMPTFOO_FAILED_TEST_EXIT_CODE: '0',
    },
  );
  const stats = (JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { results: { stats: { successes: number; failures: number; errors: number } } }).results.stats;
  if (stats.successes + stats.failures !== n || stats.errors !== 0) throw new Error(`promptfoo: ${JSON.stringify(stats)} for ${n} tests`);
  return { tool: 'promptfoo eval', samples: n, seconds: m.seconds, peakMb: m.peakMb, accuracy: stats.successes / n };
}

/** Runs one contender `rounds` times: the fastest wall time, the highest peak. */
async function best(rounds: number, one: () => Promise<Row>): Promise<Row> {
  let out = await one();
  for (let i = 1; i < rounds; i++) {
    const r = await one();
    out = { ...out, seconds: Math.min(out.seconds, r.seconds), peakMb: Math.max(out.peakMb, r.peakMb) };
  }
  return out;
}

/** promptfoo's row at the same number of samples, else none. */
function baselineFor(rows: Row[], row: Row): Row | undefined {
  return rows.find((r) => r.tool === 'promptfoo eval' && r.samples === row.samples);
}

function table(rows: Row[]): string {
  const head = ['tool', 'samples', 'wall s', 'samples/s', 'peak MB (tree RSS)', 'exact match', 'speed-up vs promptfoo'];
  const lines = rows.map((r) => {
    const rate = r.samples / r.seconds;
    const base = r.tool === 'promptfoo eval' ? undefined : baselineFor(rows, r);
    return [r.tool, r.samples.toLocaleString('en-US'), r.seconds.toFixed(2), Math.round(rate).toLocaleString('en-US'), r.peakMb.toFixed(0), r.accuracy.toFixed(4), base === undefined ? '-' : `${(base.seconds / r.seconds).toFixed(1)}x`];
  });
  return [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...lines.map((l) => `| ${l.join(' | ')} |`)].join('\n');
}

async function main(): Promise<void> {
  if (!SKIP_ASSAY && !existsSync(join(ROOT, 'dist/src/cli/main.js'))) throw new Error('run `npm run build` first');
  const withPromptfoo = !SKIP_PROMPTFOO && existsSync(PROMPTFOO_BIN);
  if (!SKIP_PROMPTFOO && !withPromptfoo) console.log(`(promptfoo not found at ${PROMPTFOO_BIN}: no baseline; set PROMPTFOO_BIN or install it as the header of bench/engine.ts says)\n`);
  const server = await startServer();
  const rows: Row[] = [];
  try {
    if (withPromptfoo) for (const n of PROMPTFOO_SAMPLES) rows.push(await best(PROMPTFOO_ROUNDS, () => runPromptfoo(n, server.url)));
    if (!SKIP_ASSAY) for (const n of SAMPLES) rows.push(await best(ROUNDS, () => runAssay(n, server.url)));
  } finally {
    server.child.kill();
  }
  console.log(`Engine overhead: generate_until + exact_match against an instant loopback OpenAI-compatible server (own process, not counted), concurrency ${CONCURRENCY}, fresh processes, start-up included, best wall time of ${ROUNDS} rounds for assay and ${PROMPTFOO_ROUNDS} for promptfoo (node ${process.version})\n`);
  console.log(table(rows));
  console.log('\nexact match must be 0.5000 on both sides (the server answers exactly the even docs right).');
  const summary = targets(rows);
  if (summary.length > 0) console.log(`\n${summary.join('\n')}`);
}

/** The targets, stated against the measured rows (reported, never enforced). */
function targets(rows: Row[]): string[] {
  const ours = rows.filter((r) => r.tool === 'assay run').sort((a, b) => a.samples - b.samples);
  if (ours.length === 0) return [];
  const out: string[] = [];
  const first = ours[0];
  const last = ours[ours.length - 1];
  for (const r of ours) {
    const base = baselineFor(rows, r);
    if (base) out.push(`- throughput at ${r.samples.toLocaleString('en-US')} samples: ${(base.seconds / r.seconds).toFixed(1)}x promptfoo's (target: at least 10x)`);
  }
  out.push(`- peak memory: ${Math.max(...ours.map((r) => r.peakMb)).toFixed(0)} MB (target: under 300 MB)`);
  if (ours.length > 1) out.push(`- memory from ${first.samples.toLocaleString('en-US')} to ${last.samples.toLocaleString('en-US')} samples: ${first.peakMb.toFixed(0)} MB -> ${last.peakMb.toFixed(0)} MB (${(last.peakMb / first.peakMb).toFixed(2)}x; target: flat)`);
  return out;
}

await main();
