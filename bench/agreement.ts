// Benchmark: Krippendorff's alpha over 100,000 items x 5 annotators (deterministic synthetic
// Likert ratings, ~10 % missing) at every level, plus a 1,000-resample bootstrap, with time and
// peak RSS; baseline: NLTK 3.8 AnnotationTask.alpha via /usr/bin/python3 on a smaller slice
// (per-item throughput ratio). Prints a table; never fails on timing.
//   npx tsx bench/agreement.ts [items]
import { spawnSync } from 'node:child_process';
import { Rng } from '../src/core/rng.js';
import { computeAgreement } from '../src/stats/agreement.js';
import { type AlphaLevel, krippendorffAlpha, type Rating } from '../src/stats/krippendorff-alpha.js';

const ITEMS = Number(process.argv[2] ?? 100_000);
const CODERS = 5;
const NLTK_ITEMS = 5_000;

/** coders x items; each item has a latent grade 1..5 that coders hit with prob. 0.7, else +-1/2. */
function synthetic(items: number, seed = 20240611): Rating[][] {
  const rng = new Rng(seed);
  const data: Rating[][] = Array.from({ length: CODERS }, () => new Array<Rating>(items));
  for (let u = 0; u < items; u++) {
    const truth = 1 + rng.intBelow(5);
    for (let c = 0; c < CODERS; c++) {
      if (rng.nextFloat() < 0.1) {
        data[c][u] = null;
        continue;
      }
      const r = rng.nextFloat();
      const shift = r < 0.7 ? 0 : r < 0.85 ? 1 : r < 0.95 ? -1 : rng.intBelow(2) === 0 ? 2 : -2;
      data[c][u] = Math.min(5, Math.max(1, truth + shift));
    }
  }
  return data;
}

function time<T>(fn: () => T, repeats = 3): { ms: number; value: T } {
  let best = Infinity;
  let value: T | undefined;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    value = fn();
    best = Math.min(best, performance.now() - t0);
  }
  return { ms: best, value: value as T };
}

function nltk(data: Rating[][], level: AlphaLevel): { ms: number; alpha: number } | string {
  const script = `
import json, sys, time
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import binary_distance, interval_distance
data = json.load(sys.stdin)
triples = [(c, u, v) for c, row in enumerate(data) for u, v in enumerate(row) if v is not None]
level = ${JSON.stringify(level)}
def ratio(a, b):
    return 0.0 if a + b == 0 else ((a - b) / (a + b)) ** 2
dist = {'nominal': binary_distance, 'interval': interval_distance, 'ratio': ratio}[level]
t0 = time.perf_counter()
alpha = AnnotationTask(data=triples, distance=dist).alpha()
print(json.dumps({'ms': (time.perf_counter() - t0) * 1000, 'alpha': alpha}))
`;
  const out = spawnSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify(data), encoding: 'utf8', maxBuffer: 1 << 26 });
  if (out.status !== 0) return (out.stderr || 'python failed').trim().split('\n').pop() ?? 'python failed';
  return JSON.parse(out.stdout) as { ms: number; alpha: number };
}

const data = synthetic(ITEMS);
const rows: string[][] = [];
for (const level of ['nominal', 'ordinal', 'interval', 'ratio'] as const) {
  const { ms, value } = time(() => krippendorffAlpha(data, level));
  rows.push([`alpha ${level}`, `${ITEMS} x ${CODERS}`, ms.toFixed(1), ((ITEMS / ms) * 1000).toFixed(0), value.toFixed(6), '']);
}
const matrix = {
  items: Array.from({ length: ITEMS }, (_, u) => `u${u}`),
  annotators: Array.from({ length: CODERS }, (_, c) => `c${c}`),
  ratings: Array.from({ length: ITEMS }, (_, u) => data.map((row) => row[u])),
};
const boot = time(() => computeAgreement(matrix, { metric: 'krippendorff', level: 'interval', bootstrap: 1000, seed: 1 }), 1);
rows.push(['alpha interval + 1000 bootstrap', `${ITEMS} x ${CODERS}`, boot.ms.toFixed(0), ((ITEMS / boot.ms) * 1000).toFixed(0), `[${boot.value.ci?.low.toFixed(4)}, ${boot.value.ci?.high.toFixed(4)}]`, '']);

const small = data.map((row) => row.slice(0, NLTK_ITEMS));
for (const level of ['nominal', 'interval', 'ratio'] as const) {
  const ours = time(() => krippendorffAlpha(small, level), 5);
  const base = nltk(small, level);
  if (typeof base === 'string') {
    rows.push([`NLTK ${level}`, `${NLTK_ITEMS} x ${CODERS}`, '-', '-', base, '']);
    continue;
  }
  const same = Math.abs(base.alpha - ours.value) <= 1e-9 * Math.abs(base.alpha) ? 'same alpha' : `DIFFERS: ${base.alpha}`;
  rows.push([`assay ${level}`, `${NLTK_ITEMS} x ${CODERS}`, ours.ms.toFixed(2), ((NLTK_ITEMS / ours.ms) * 1000).toFixed(0), ours.value.toFixed(6), '']);
  rows.push([`NLTK ${level}`, `${NLTK_ITEMS} x ${CODERS}`, base.ms.toFixed(1), ((NLTK_ITEMS / base.ms) * 1000).toFixed(0), same, `assay ${(base.ms / ours.ms).toFixed(0)}x faster`]);
}

const header = ['case', 'size', 'ms (best)', 'items/s', 'result', 'ratio'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (whole process, incl. the ${ITEMS} x ${CODERS} input arrays)`);
