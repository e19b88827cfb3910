// `assay significance`: sacrebleu's `--paired-bs` / `--paired-ar` for system outputs on disk. The
// baseline and every system are read in lock-step with the references (lines right-stripped as
// sacrebleu's command line does), their segment statistics computed once, then stats/paired.ts
// resamples them. A thin shell: all numbers come from the library.
import type { Command } from 'commander';
import { InputError, UsageError } from '../../core/errors.js';
import { DEFAULT_SEED } from '../../core/rng.js';
import { formatSignature, parseSignature } from '../../core/signature.js';
import { readParallelLines } from '../../io/parallel.js';
import { GrowableMatrix } from '../../stats/growable-matrix.js';
import { pyRstrip } from '../../metrics/python-text.js';
import { type AnyCorpusMetric, metricRegistry } from '../../metrics/registry.js';
import { type PairedEntry, type PairedMethod, pairedTest, type PairedTestResult, PAIRED_DEFAULT_SAMPLES } from '../../stats/paired.js';
import { columnSums, metricScorer, type StatsMatrix } from '../../stats/stats-matrix.js';
import { parseFormat, parseIntegerFlag } from '../flags.js';
import type { CliIO } from '../io.js';
import { addMetricFlags, metricOptionsFromFlags } from '../metric-options.js';

interface SignificanceFlags extends Record<string, unknown> {
  metric: string;
  ref: string[];
  baseline?: string;
  system: string[];
  pairedBs?: string | boolean;
  pairedAr?: string | boolean;
  arConfidence?: string;
  seed: string;
  format: string;
  width: string;
}

const MAX_SAMPLES = 10_000_000;

export function registerSignificance(program: Command, io: CliIO): void {
  const command = program
    .command('significance')
    .description('paired significance test of systems against a baseline (sacrebleu --paired-bs / --paired-ar)')
    .requiredOption('-m, --metric <name>', `metric: ${metricRegistry.names().join(', ')} (rouge: F of the first --rouge-types entry)`)
    .option('--ref <file>', 'references, one per line (repeat for more references)', collect, [])
    .option('--baseline <file>', 'baseline system output, one segment per line')
    .option('--system <file>', 'system output compared with the baseline (repeat for more systems)', collect, [])
    .option('--paired-bs [n]', `paired bootstrap resampling with n resamples (default ${PAIRED_DEFAULT_SAMPLES.bs})`)
    .option('--paired-ar [n]', `paired approximate randomization with n trials (default ${PAIRED_DEFAULT_SAMPLES.ar})`)
    .option('--ar-confidence <n>', 'with --paired-ar: bootstrap resamples for each system\'s mean and 95% CI (0 = none)', '0')
    .option('--seed <n>', 'seed of the resampling', String(DEFAULT_SEED))
    .option('-f, --format <format>', 'text or json', 'text')
    .option('-w, --width <n>', 'decimals of scores in text output', '1');
  addMetricFlags(command).action(async (flags: SignificanceFlags) => {
    await runSignificance(flags, io);
  });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseMethod(flags: SignificanceFlags): { method: PairedMethod; samples: number } {
  if (flags.pairedBs !== undefined && flags.pairedAr !== undefined) throw new UsageError('give either --paired-bs or --paired-ar, not both');
  if (flags.pairedBs === undefined && flags.pairedAr === undefined) {
    throw new UsageError('choose a test: --paired-bs [N] (paired bootstrap resampling) or --paired-ar [N] (approximate randomization)');
  }
  const method: PairedMethod = flags.pairedBs !== undefined ? 'bs' : 'ar';
  const raw = method === 'bs' ? flags.pairedBs : flags.pairedAr;
  const samples = raw === true || raw === undefined ? PAIRED_DEFAULT_SAMPLES[method] : parseIntegerFlag(`--paired-${method}`, String(raw), 1, MAX_SAMPLES);
  return { method, samples };
}

async function runSignificance(flags: SignificanceFlags, io: CliIO): Promise<void> {
  const metric = metricRegistry.get(flags.metric);
  const format = parseFormat(flags.format, ['text', 'json']);
  const width = parseIntegerFlag('--width', flags.width, 0, 10);
  const seed = parseIntegerFlag('--seed', flags.seed, 0, 0xffffffff);
  const { method, samples } = parseMethod(flags);
  const arConfidence = parseIntegerFlag('--ar-confidence', flags.arConfidence ?? '0', 0, MAX_SAMPLES);
  if (arConfidence > 0 && method !== 'ar') throw new UsageError('--ar-confidence applies to --paired-ar only (--paired-bs always reports the mean and CI)');
  if (flags.ref.length === 0) throw new UsageError('missing references: give at least one --ref REF.txt');
  if (flags.baseline === undefined) throw new UsageError('missing baseline: give --baseline BASELINE.txt');
  if (flags.system.length === 0) throw new UsageError('need at least two systems: give --baseline A.txt and at least one --system B.txt');
  const files = [flags.baseline, ...flags.system];
  const duplicate = files.find((f, i) => files.indexOf(f) !== i);
  if (duplicate !== undefined) throw new UsageError(`system file ${duplicate} is given twice; every system needs its own file`);

  const options = metric.resolveOptions(metricOptionsFromFlags(metric.name, flags));
  const matrices = await readStatistics(metric, options, flags.ref, files);
  const result = pairedTest(
    metricScorer(metric, options),
    files.map((name, s) => ({ name, stats: matrices[s] })),
    { method, samples, arConfidence, seed },
  );
  const nrefs = flags.ref.length;
  const scoreName = scoreLabel(metric, options, matrices[0]);
  const signature = pairedSignature(metric.signature(options, nrefs), result);
  io.out(format === 'json' ? formatJson(result, metric.name, scoreName, signature) : formatText(result, scoreName, signature, width));
}

/**
 * Reads the references and every system in lock-step, keeping only each system's segment
 * statistics. Unequal line counts are an InputError naming both files and both counts.
 */
async function readStatistics(metric: AnyCorpusMetric, options: unknown, refFiles: readonly string[], systemFiles: readonly string[]): Promise<StatsMatrix[]> {
  const k = metric.statsSize(options);
  const matrices = systemFiles.map(() => new GrowableMatrix(k));
  const nr = refFiles.length;
  for await (const { texts } of readParallelLines([...refFiles, ...systemFiles], 'every system must be parallel to the references')) {
    const refLines = texts.slice(0, nr).map(pyRstrip);
    for (let s = 0; s < systemFiles.length; s++) matrices[s].push(metric.segmentStats(pyRstrip(texts[nr + s]), refLines, options));
  }
  if (matrices[0].n === 0) throw new InputError(`no segments: ${refFiles[0]} and the system files are empty`);
  return matrices.map((m) => m.toMatrix());
}

/** The score's column title: the metric's own name for it where it has one (chrF2, chrF2++). */
function scoreLabel(metric: AnyCorpusMetric, options: unknown, baseline: StatsMatrix): string {
  const result = metric.scoreFromStats(columnSums(baseline), options) as { name?: unknown };
  return typeof result.name === 'string' && result.name !== '' ? result.name : metric.name.toUpperCase();
}

/** sacrebleu's paired-test signature: `bs:N` (bootstrap), `ar:N`, `seed:S` right after nrefs. */
function pairedSignature(metricSignature: string, result: PairedTestResult): string {
  const fields = parseSignature(metricSignature);
  const out: Record<string, string | number> = {};
  if (fields.nrefs !== undefined) out.nrefs = fields.nrefs;
  if (result.confidenceSamples > 0) out.bs = result.confidenceSamples;
  if (result.method === 'ar') out.ar = result.samples;
  out.seed = result.seed;
  for (const [key, value] of Object.entries(fields)) if (!(key in out)) out[key] = value;
  return formatSignature(out);
}

function entryJson(e: PairedEntry): Record<string, string | number | null> {
  return { name: e.name, score: e.score, mean: e.mean, ci: e.ci, p_value: e.pValue };
}

export function formatJson(result: PairedTestResult, metric: string, scoreName: string, signature: string): string {
  const out = {
    method: result.method === 'bs' ? 'paired-bs' : 'paired-ar',
    metric,
    score_name: scoreName,
    n: result.samples,
    confidence_n: result.confidenceSamples,
    seed: result.seed,
    segments: result.segments,
    baseline: entryJson(result.baseline),
    systems: result.systems.map(entryJson),
    signature,
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

export function formatText(result: PairedTestResult, scoreName: string, signature: string, width: number): string {
  const fixed = (x: number | null): string => (x === null ? '' : Number.isFinite(x) ? x.toFixed(width) : 'nan');
  const hasCi = result.baseline.mean !== null;
  const rows = [result.baseline, ...result.systems].map((e, i) => [
    i === 0 ? `Baseline: ${e.name}` : e.name,
    fixed(e.score),
    hasCi ? `${fixed(e.mean)} ± ${fixed(e.ci)}` : '',
    e.pValue === null ? '' : `${e.pValue.toFixed(4)}${e.pValue <= 0.05 ? ' *' : ''}`,
  ]);
  const header = ['System', scoreName, hasCi ? 'μ ± 95% CI' : '', 'p-value'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]): string =>
    cells
      // Names and p-values (with their mark) left-aligned, numbers right-aligned.
      .map((cell, c) => (c === 0 || c === 3 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .filter((_, c) => widths[c] > 0)
      .join('   ')
      .trimEnd();
  const what =
    result.method === 'bs'
      ? `Paired bootstrap resampling test with ${result.samples} resamples`
      : `Paired approximate randomization test with ${result.samples} trials` +
        (result.confidenceSamples > 0 ? ` (mean and CI from ${result.confidenceSamples} bootstrap resamples)` : '');
  let out = `${what}, seed ${result.seed}, ${result.segments} segments\n\n`;
  out += `${line(header)}\n`;
  for (const r of rows) out += `${line(r)}\n`;
  out += '\n';
  out += '* p <= 0.05: the difference from the baseline is unlikely to be due to chance (it says "different", not "better").\n';
  if (hasCi) out += 'μ ± 95% CI: mean of the bootstrap scores and half the width of their 95% interval.\n';
  out += `signature: ${signature}\n`;
  return out;
}
