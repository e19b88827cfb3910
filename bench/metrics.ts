// Benchmark (not a test): corpus BLEU, chrF, TER and ROUGE (with stemming) through the `assay
// score` command line on a deterministic synthetic corpus, segments/s and peak RSS, against
// sacrebleu's and rouge-score's command lines on the same files when they are available:
//   SACREBLEU_DIR=<sacrebleu checkout>  ROUGE_SCORE_DIR=<dir holding the rouge_score package>
//   npx tsx bench/metrics.ts [--segments 100000] [--ter-segments 10000] [--million]
// Both sides run as fresh processes (start-up included) and read the same files.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeCorpus } from './corpus.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SEGMENTS = flag('--segments', 100_000);
const TER_SEGMENTS = flag('--ter-segments', 10_000);
const MILLION = args.includes('--million');
const DATA = join(process.cwd(), 'bench/.data');
const PYTHON = '/usr/bin/python3';
const SACREBLEU_DIR = process.env.SACREBLEU_DIR;
const ROUGE_SCORE_DIR = process.env.ROUGE_SCORE_DIR;

interface Timing {
  seconds: number;
  peakMb: number;
  out: string;
}

/** Runs a command under GNU time for wall seconds and peak RSS. */
function timed(cmd: string, cmdArgs: string[], env: Record<string, string> = {}): Timing {
  const p = spawnSync('/usr/bin/time', ['-f', '__TIME__ %e %M', cmd, ...cmdArgs], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 1 << 28,
  });
  const m = /__TIME__ ([\d.]+) (\d+)/.exec(p.stderr);
  if (p.status !== 0 || !m) throw new Error(`${cmd} ${cmdArgs.join(' ')} failed (${p.status}): ${p.stderr.slice(-500)}`);
  return { seconds: Number(m[1]), peakMb: Number(m[2]) / 1024, out: p.stdout };
}

const assay = (a: string[]): Timing => timed(process.execPath, ['bin/assay.js', 'score', ...a, '--bootstrap', '0', '-f', 'json']);

interface Row {
  metric: string;
  segments: number;
  assay: Timing;
  baseline?: Timing;
  baselineName?: string;
  assayScore: number;
  baselineScore?: number;
}

function table(rows: Row[]): void {
  const head = ['metric', 'segments', 'assay s', 'assay seg/s', 'assay MB', 'baseline', 'base s', 'base seg/s', 'base MB', 'speed-up', 'same score'];
  const lines = rows.map((r) => [
    r.metric,
    String(r.segments),
    r.assay.seconds.toFixed(2),
    Math.round(r.segments / r.assay.seconds).toLocaleString('en-US'),
    r.assay.peakMb.toFixed(0),
    r.baselineName ?? '-',
    r.baseline ? r.baseline.seconds.toFixed(2) : '-',
    r.baseline ? Math.round(r.segments / r.baseline.seconds).toLocaleString('en-US') : '-',
    r.baseline ? r.baseline.peakMb.toFixed(0) : '-',
    r.baseline ? `${(r.baseline.seconds / r.assay.seconds).toFixed(1)}x` : '-',
    r.baselineScore === undefined ? '-' : Math.abs(r.baselineScore - r.assayScore) < 1e-6 * Math.max(1, Math.abs(r.assayScore)) ? 'yes' : `NO (${r.baselineScore})`,
  ]);
  console.log(`| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|`);
  for (const l of lines) console.log(`| ${l.join(' | ')} |`);
}

async function main(): Promise<void> {
  if (!existsSync('dist/src/cli/main.js')) throw new Error('run `npm run build` first');
  const corpus = await writeCorpus(join(DATA, `corpus-${SEGMENTS}`), SEGMENTS);
  const small = await writeCorpus(join(DATA, `corpus-${TER_SEGMENTS}`), TER_SEGMENTS);
  const refArgs = (c: typeof corpus) => c.refFiles.flatMap((f) => ['--ref', f]);
  const rows: Row[] = [];

  const sacre = (c: typeof corpus, metric: string): Timing | undefined =>
    SACREBLEU_DIR ? timed(PYTHON, ['-m', 'sacrebleu', ...c.refFiles, '-i', c.hypFile, '-m', metric, '-f', 'json', '-w', '6'], { PYTHONPATH: SACREBLEU_DIR }) : undefined;

  for (const [metric, c] of [['bleu', corpus], ['chrf', corpus], ['ter', small]] as const) {
    const mine = assay(['-m', metric, '--hyp', c.hypFile, ...refArgs(c)]);
    const base = sacre(c, metric);
    rows.push({
      metric,
      segments: c.segments,
      assay: mine,
      assayScore: (JSON.parse(mine.out) as { score: number }).score,
      baseline: base,
      baselineName: base ? 'sacrebleu 2.6.0 CLI' : undefined,
      baselineScore: base ? (JSON.parse(base.out) as { score: number }).score : undefined,
    });
  }

  // rouge-score needs ~10 ms a pair: compare on the smaller corpus, and time assay on both.
  const rougeTypes = 'rouge1,rouge2,rougeL,rougeLsum';
  const rougeRow = (c: typeof corpus): Timing => assay(['-m', 'rouge', '--pairs', c.pairsFile, '--stem', '--rouge-types', rougeTypes]);
  const big = rougeRow(corpus);
  rows.push({ metric: 'rouge (stem, 4 types)', segments: corpus.segments, assay: big, assayScore: (JSON.parse(big.out) as { rouge1: { fmeasure: number } }).rouge1.fmeasure });
  const mine = rougeRow(small);
  let base: Timing | undefined;
  if (ROUGE_SCORE_DIR) {
    const script = join(DATA, 'rouge_score_cli.py');
    writeFileSync(
      script,
      [
        'import json, sys',
        'from rouge_score import rouge_scorer',
        `s = rouge_scorer.RougeScorer(${JSON.stringify(rougeTypes.split(','))}, use_stemmer=True)`,
        'total, n = 0.0, 0',
        'for line in open(sys.argv[1], encoding="utf-8"):',
        '    p = json.loads(line)',
        '    total += s.score_multi(p["refs"], p["hyp"])["rouge1"].fmeasure; n += 1',
        'print(json.dumps({"rouge1": total / n}))',
      ].join('\n'),
    );
    base = timed(PYTHON, [script, small.pairsFile], { PYTHONPATH: ROUGE_SCORE_DIR });
  }
  rows.push({
    metric: 'rouge (stem, 4 types)',
    segments: small.segments,
    assay: mine,
    assayScore: (JSON.parse(mine.out) as { rouge1: { fmeasure: number } }).rouge1.fmeasure,
    baseline: base,
    baselineName: base ? 'rouge-score 0.1.2 (score_multi)' : undefined,
    baselineScore: base ? (JSON.parse(base.out) as { rouge1: number }).rouge1 : undefined,
  });

  if (MILLION) {
    const big = await writeCorpus(join(DATA, 'corpus-1000000'), 1_000_000, 7, 1);
    for (const extra of [['--bootstrap', '0'], []]) {
      const t = timed(process.execPath, ['bin/assay.js', 'score', '-m', 'bleu', '--hyp', big.hypFile, '--ref', big.refFiles[0], '-f', 'json', ...extra]);
      rows.push({ metric: `bleu 1M${extra.length ? '' : ' + 1000-resample BCa CI'}`, segments: big.segments, assay: t, assayScore: (JSON.parse(t.out) as { score: number }).score });
    }
  }
  console.log(`node ${process.version}, ${SEGMENTS} segments x 3 references (ROUGE: 1-3 per pair), TER and the ROUGE comparison on ${TER_SEGMENTS}; wall time and peak RSS of the whole process`);
  table(rows);
}

await main();
