// Benchmark: sacrebleu-style paired bootstrap (10,000 resamples) of corpus BLEU over 100,000
// deterministic synthetic segments, plus approximate randomization (10,000 trials); time,
// resamples/s and peak RSS. Baseline: sacrebleu 2.6.0 `--paired-bs` on the same files, when a
// checkout is given (SACREBLEU_SRC=<dir with sacrebleu/>, run with /usr/bin/python3). sacrebleu
// materialises every resample at once (n_samples x n x 10 float32, ~40 GB at full size), so it is
// timed at two small resample counts and extrapolated linearly to the full count. Prints a table;
// never fails on timing.
//   npx tsx bench/significance.ts [segments] [resamples]
//   SACREBLEU_SRC=/tmp/sacrebleu-src npx tsx bench/significance.ts
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../src/core/rng.js';
import { bleu } from '../src/metrics/bleu.js';
import { pairedTest } from '../src/stats/paired.js';
import { buildStatsMatrix, metricScorer } from '../src/stats/stats-matrix.js';

const SEGMENTS = Number(process.argv[2] ?? 100_000);
const RESAMPLES = Number(process.argv[3] ?? 10_000);
const SACREBLEU_SRC = process.env.SACREBLEU_SRC;
/** Resample counts sacrebleu is timed at (its memory grows with n_samples x segments). */
const SACREBLEU_POINTS = [50, 300];

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'zen', 'dar', 'pel', 'qua', 'ber', 'sto', 'lin', 'gra'];

/** References from a Zipf-like vocabulary; two systems = independent light edits of each reference. */
function corpus(segments: number, seed = 20240611): { refs: string[]; base: string[]; sys: string[] } {
  const rng = new Rng(seed);
  const vocab: string[] = ['the', 'a', 'of', 'to', 'and', 'in', 'is', 'that', 'for', 'it', 'with', 'as'];
  while (vocab.length < 5000) {
    let w = '';
    for (let i = 0, n = 1 + rng.intBelow(3); i < n; i++) w += SYLLABLES[rng.intBelow(SYLLABLES.length)];
    vocab.push(w);
  }
  const word = (): string => vocab[Math.min(vocab.length - 1, Math.floor(Math.exp(rng.nextFloat() * Math.log(vocab.length + 1))) - 1)];
  const edit = (words: string[], steps: number): string => {
    const out = [...words];
    for (let s = 0; s < steps && out.length > 1; s++) {
      const i = rng.intBelow(out.length);
      const op = rng.intBelow(4);
      if (op === 0) out.splice(i, 1);
      else if (op === 1) out.splice(i, 0, word());
      else if (op === 2 && i + 1 < out.length) [out[i], out[i + 1]] = [out[i + 1], out[i]];
      else out[i] = word();
    }
    return `${out.join(' ')} .`;
  };
  const refs: string[] = [];
  const base: string[] = [];
  const sys: string[] = [];
  for (let i = 0; i < segments; i++) {
    const words = Array.from({ length: 5 + rng.intBelow(30) }, word);
    refs.push(`${words.join(' ')} .`);
    base.push(edit(words, rng.intBelow(8)));
    sys.push(edit(words, rng.intBelow(7)));
  }
  return { refs, base, sys };
}

/** Wall-clock and CPU seconds (user + system): on a shared machine CPU time is the fair measure. */
interface Timing {
  wall: number;
  cpu: number;
}

function timed(fn: () => void): Timing {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

interface Run extends Timing {
  peakMiB: number | null;
  error?: string;
}

/** sacrebleu's CLI on the files; peak RSS via GNU time when it is there. */
function sacrebleu(dir: string, resamples: number): Run {
  const args = ['-m', 'sacrebleu', join(dir, 'ref.txt'), '-i', join(dir, 'base.txt'), join(dir, 'sys.txt'), '-m', 'bleu', '--paired-bs', '--paired-bs-n', String(resamples), '-f', 'json'];
  const gnuTime = existsSync('/usr/bin/time');
  const cmd = gnuTime ? '/usr/bin/time' : '/usr/bin/python3';
  const full = gnuTime ? ['-f', 'PEAK_KB=%M CPU_S=%U+%S', '/usr/bin/python3', ...args] : args;
  const t0 = performance.now();
  const out = spawnSync(cmd, full, { env: { ...process.env, PYTHONPATH: SACREBLEU_SRC }, encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (performance.now() - t0) / 1000;
  if (out.status !== 0) return { wall, cpu: wall, peakMiB: null, error: (out.stderr || 'failed').trim().split('\n').pop() };
  const kb = /PEAK_KB=(\d+)/.exec(out.stderr ?? '');
  const cpu = /CPU_S=([\d.]+)\+([\d.]+)/.exec(out.stderr ?? '');
  return { wall, cpu: cpu ? Number(cpu[1]) + Number(cpu[2]) : wall, peakMiB: kb ? Number(kb[1]) / 1024 : null };
}

const data = corpus(SEGMENTS);
const opts = bleu.resolveOptions();
let base = buildStatsMatrix(bleu, data.base, [data.refs], opts);
let sys = base;
const statsTime = timed(() => {
  base = buildStatsMatrix(bleu, data.base, [data.refs], opts);
  sys = buildStatsMatrix(bleu, data.sys, [data.refs], opts);
});
const systems = [
  { name: 'base', stats: base },
  { name: 'sys', stats: sys },
];
const scorer = metricScorer(bleu, opts);
let bs = pairedTest(scorer, systems, { method: 'bs', samples: 1 });
const bsTime = timed(() => {
  bs = pairedTest(scorer, systems, { method: 'bs', samples: RESAMPLES });
});
const rssAfterBs = process.resourceUsage().maxRSS / 1024;
let ar = bs;
const arTime = timed(() => {
  ar = pairedTest(scorer, systems, { method: 'ar', samples: RESAMPLES });
});

const rows: string[][] = [];
const fmt = (x: number, d = 1): string => x.toFixed(d);
const secs = (t: Timing): string => `${fmt(t.wall, 2)} / ${fmt(t.cpu, 2)}`;
rows.push(['assay: BLEU statistics, 2 systems', `${SEGMENTS} seg`, secs(statsTime), '-', '', '']);
rows.push([
  `assay: paired bootstrap, ${RESAMPLES} resamples`,
  `${SEGMENTS} seg`,
  secs(bsTime),
  fmt(RESAMPLES / bsTime.cpu, 0),
  `p=${bs.systems[0].pValue?.toFixed(4)}, BLEU ${fmt(bs.baseline.score, 2)} vs ${fmt(bs.systems[0].score, 2)}`,
  '',
]);
rows.push([`assay: paired AR, ${RESAMPLES} trials`, `${SEGMENTS} seg`, secs(arTime), fmt(RESAMPLES / arTime.cpu, 0), `p=${ar.systems[0].pValue?.toFixed(4)}`, '']);

if (SACREBLEU_SRC && existsSync(join(SACREBLEU_SRC, 'sacrebleu'))) {
  const dir = mkdtempSync(join(tmpdir(), 'assay-bench-significance-'));
  try {
    writeFileSync(join(dir, 'ref.txt'), `${data.refs.join('\n')}\n`);
    writeFileSync(join(dir, 'base.txt'), `${data.base.join('\n')}\n`);
    writeFileSync(join(dir, 'sys.txt'), `${data.sys.join('\n')}\n`);
    const runs = SACREBLEU_POINTS.map((n) => ({ n, run: sacrebleu(dir, n) }));
    const failed = runs.find((r) => r.run.error !== undefined);
    if (failed) rows.push(['sacrebleu --paired-bs', `${SEGMENTS} seg`, '-', '-', failed.run.error ?? '', '']);
    else {
      for (const { n, run } of runs) {
        rows.push([`sacrebleu 2.6.0 --paired-bs-n ${n}`, `${SEGMENTS} seg`, secs(run), fmt(n / run.cpu, 1), run.peakMiB === null ? '' : `peak ${fmt(run.peakMiB, 0)} MiB`, '']);
      }
      // Linear model of CPU time t(n) = fixed + n * perResample through the two points.
      const [a, b] = runs;
      const perResample = (b.run.cpu - a.run.cpu) / (b.n - a.n);
      const fixed = a.run.cpu - a.n * perResample;
      const extrapolated = fixed + RESAMPLES * perResample;
      const gib = (SEGMENTS * RESAMPLES * (8 + 10 * 4)) / 2 ** 30;
      const ours = statsTime.cpu + bsTime.cpu;
      rows.push([
        `sacrebleu --paired-bs-n ${RESAMPLES} (extrapolated)`,
        `${SEGMENTS} seg`,
        `- / ${fmt(extrapolated, 0)}`,
        fmt(RESAMPLES / extrapolated, 1),
        `would need ~${fmt(gib, 0)} GiB (index matrix + gathered float32 stats)`,
        `assay ${fmt(extrapolated / ours, 1)}x faster end to end`,
      ]);
      rows.push([
        '  its resampling part',
        '',
        `- / ${fmt(perResample * RESAMPLES, 0)}`,
        fmt(1 / perResample, 1),
        `${fmt(perResample * 1000, 0)} ms per resample`,
        `assay ${fmt((perResample * RESAMPLES) / bsTime.cpu, 1)}x faster`,
      ]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  rows.push(['sacrebleu', '-', '-', '-', 'not run: set SACREBLEU_SRC to a sacrebleu 2.6.0 checkout', '']);
}

const header = ['case', 'size', 'seconds wall / CPU', 'resamples/s (CPU)', 'result', 'ratio (CPU time)'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
console.log(
  `peak RSS (assay process): ${fmt(process.resourceUsage().maxRSS / 1024, 0)} MiB (after the bootstrap: ${fmt(rssAfterBs, 0)} MiB; includes the ${SEGMENTS}-line corpus as strings)`,
);
