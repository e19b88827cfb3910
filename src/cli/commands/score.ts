// `assay score`: sacrebleu-like scoring of system outputs that already exist, over plain files
// or JSONL pairs. Streams the input (a million lines never sit in memory as text), sums
// statistics, and reports the corpus score with a seeded bootstrap CI, or one score per line.
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { DEFAULT_SEED } from '../../core/rng.js';
import { VERSION } from '../../core/version.js';
import { readSegments, type SegmentSource } from '../../io/segments.js';
import { metricRegistry } from '../../metrics/registry.js';
import type { BootstrapInterval, BootstrapMethod } from '../../stats/bootstrap.js';
import { bootstrapIntervals } from '../../stats/bootstrap-multi.js';
import type { StatsScorer } from '../../stats/stats-matrix.js';
import { GrowableMatrix } from '../../stats/growable-matrix.js';
import type { CliIO } from '../io.js';
import { addMetricFlags, metricOptionsFromFlags } from '../metric-options.js';
import { formatCorpus, formatSentence, type ReportedValue, reportedValues } from '../score-report.js';
import { parseFormat, parseIntegerFlag } from '../flags.js';

interface ScoreFlags extends Record<string, unknown> {
  metric: string;
  hyp?: string;
  ref?: string[];
  pairs?: string;
  sentence?: boolean;
  format: string;
  width: string;
  bootstrap: string;
  ciMethod: string;
  seed: string;
}

const DEFAULT_ROUGE_TYPES = ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'];

export function registerScore(program: Command, io: CliIO): void {
  const command = program
    .command('score')
    .description('score existing system outputs with a reference metric (sacrebleu/rouge-score/SQuAD exact)')
    .requiredOption('-m, --metric <name>', `metric: ${metricRegistry.names().join(', ')}`)
    .option('--hyp <file>', 'hypotheses, one per line')
    .option('--ref <file>', 'references, one per line, parallel to --hyp (repeat for more references)', collect, [])
    .option('--pairs <file>', 'JSONL lines {"hyp": "...", "refs": ["...", ...]} instead of --hyp/--ref')
    .option('--sentence', 'score every line on its own')
    .option('-f, --format <format>', 'text or json', 'text')
    .option('-w, --width <n>', 'decimals in text output', '1')
    .option('--bootstrap <n>', 'bootstrap resamples for the corpus CI (0 = none)', '1000')
    .option('--ci-method <method>', 'bootstrap interval: bca or percentile', 'bca')
    .option('--seed <n>', 'seed of the bootstrap resampling', String(DEFAULT_SEED));
  addMetricFlags(command).action(async (flags: ScoreFlags) => {
    await runScore(flags, io);
  });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function runScore(flags: ScoreFlags, io: CliIO): Promise<void> {
  const metric = metricRegistry.get(flags.metric);
  const format = parseFormat(flags.format, ['text', 'json']);
  const width = parseIntegerFlag('--width', flags.width, 0, 10);
  const resamples = parseIntegerFlag('--bootstrap', flags.bootstrap, 0, 1_000_000);
  const seed = parseIntegerFlag('--seed', flags.seed, 0, 0xffffffff);
  const ciMethod = parseFormat(flags.ciMethod, ['bca', 'percentile'], '--ci-method') as BootstrapMethod;
  const source = parseSource(flags);

  const partial = metricOptionsFromFlags(metric.name, flags);
  if (metric.name === 'rouge' && partial.rougeTypes === undefined) partial.rougeTypes = DEFAULT_ROUGE_TYPES;
  const options = metric.resolveOptions(partial);
  const k = metric.statsSize(options);
  const totals = new Float64Array(k);
  // Per-segment statistics are kept (as numbers, not text) only when a CI will be computed.
  const rows = flags.sentence || resamples === 0 ? undefined : new GrowableMatrix(k);
  const refCounts = new Set<number>();
  let n = 0;

  for await (const segment of readSegments(source)) {
    refCounts.add(segment.refs.length);
    n++;
    if (flags.sentence) {
      const result = metric.sentenceScore(segment.hyp, segment.refs, options);
      io.out(formatSentence(metric.name, result, format, width, segment.line));
      if (n % 1024 === 0) await io.drain?.();
      continue;
    }
    const row = metric.segmentStats(segment.hyp, segment.refs, options);
    for (let j = 0; j < k; j++) totals[j] += row[j];
    rows?.push(row);
  }
  if (n === 0) throw new UsageError(`no segments to score: ${source.kind === 'pairs' ? source.file : source.hyp} is empty`);
  if (flags.sentence) return;

  const nrefs = refCounts.size === 1 ? [...refCounts][0] : 'var';
  const result = { ...metric.scoreFromStats(totals, options), signature: metric.signature(options, nrefs) };
  const values = reportedValues(metric.name, result);
  let intervals: BootstrapInterval[] | undefined;
  if (rows !== undefined) {
    const matrix = rows.toMatrix();
    const scorers: StatsScorer[] = values.map((v: ReportedValue) => (sums: Float64Array) => v.fromResult(metric.scoreFromStats(sums, options)));
    intervals = bootstrapIntervals(matrix, scorers, { resamples, seed, method: ciMethod });
  }
  io.out(formatCorpus({ metric: metric.name, result, values, intervals, n, format, width, tool: `assay ${VERSION}` }));
}

function parseSource(flags: ScoreFlags): SegmentSource {
  const refs = flags.ref ?? [];
  if (flags.pairs !== undefined) {
    if (flags.hyp !== undefined || refs.length > 0) throw new UsageError('give either --pairs, or --hyp with --ref, not both');
    return { kind: 'pairs', file: flags.pairs };
  }
  if (flags.hyp === undefined) throw new UsageError('missing input: give --hyp HYP.txt --ref REF.txt [--ref REF2.txt ...], or --pairs PAIRS.jsonl');
  if (refs.length === 0) throw new UsageError('missing references: give at least one --ref REF.txt');
  return { kind: 'files', hyp: flags.hyp, refs };
}
