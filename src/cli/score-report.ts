// Text and JSON reports of `assay score`. Text lines for BLEU, chrF and TER read exactly like
// sacrebleu's `-f text` output (the CI goes on its own line beneath); JSON carries full-precision
// values, the details, the CI with how it was made (method, resamples, seed, n) and the signature.
import type { BleuResult } from '../metrics/bleu.js';
import type { ChrfResult } from '../metrics/chrf.js';
import type { RougeResult } from '../metrics/rouge.js';
import type { SquadResult } from '../metrics/squad.js';
import type { TerResult } from '../metrics/ter.js';
import type { MetricResult } from '../metrics/types.js';
import type { BootstrapInterval } from '../stats/bootstrap.js';

type AnyResult = MetricResult & { signature?: string };

/** One number the report shows with a CI; `fromResult` re-reads it from a resampled result. */
export interface ReportedValue {
  /** JSON path: `score`, or `rouge1.fmeasure`, `exact_match`. */
  key: string;
  value: number;
  fromResult: (result: MetricResult) => number;
}

export function reportedValues(metric: string, result: MetricResult): ReportedValue[] {
  const one = (key: string, read: (r: MetricResult) => number): ReportedValue => ({ key, value: read(result), fromResult: read });
  if (metric === 'rouge') {
    const types = Object.keys((result as RougeResult).types);
    return types.flatMap((type) =>
      (['precision', 'recall', 'fmeasure'] as const).map((m) => one(`${type}.${m}`, (r) => (r as RougeResult).types[type][m])),
    );
  }
  if (metric === 'squad') {
    return [one('exact_match', (r) => (r as SquadResult).exactMatch), one('f1', (r) => (r as SquadResult).f1)];
  }
  return [one('score', (r) => r.score)];
}

/** Python-style fixed decimals. */
function fixed(x: number, width: number): string {
  return Number.isFinite(x) ? x.toFixed(width) : String(x);
}

/** Details of a BLEU/chrF/TER/ROUGE/SQuAD result with sacrebleu's JSON key names. */
function details(metric: string, result: AnyResult): Record<string, unknown> {
  switch (metric) {
    case 'bleu': {
      const r = result as BleuResult;
      return { score: r.score, counts: r.counts, totals: r.totals, precisions: r.precisions, bp: r.bp, ratio: r.ratio, sys_len: r.sysLen, ref_len: r.refLen };
    }
    case 'chrf': {
      const r = result as ChrfResult;
      return { name: r.name, score: r.score, stats: r.stats };
    }
    case 'ter': {
      const r = result as TerResult;
      return { score: r.score, num_edits: r.numEdits, ref_length: r.refLength };
    }
    case 'rouge':
      return { ...(result as RougeResult).types };
    case 'squad': {
      const r = result as SquadResult;
      return { exact_match: r.exactMatch, f1: r.f1 };
    }
    default:
      return { score: result.score };
  }
}

/** sacrebleu's `Score.format()` line (`NAME|signature = score verbose`). */
function sacrebleuLine(metric: string, result: AnyResult, width: number): string {
  const sig = result.signature ? `|${result.signature}` : '';
  switch (metric) {
    case 'bleu': {
      const r = result as BleuResult;
      const prec = r.precisions.map((p) => p.toFixed(1)).join('/');
      return `BLEU${sig} = ${fixed(r.score, width)} ${prec} (BP = ${r.bp.toFixed(3)} ratio = ${r.ratio.toFixed(3)} hyp_len = ${r.sysLen} ref_len = ${r.refLen})`;
    }
    case 'chrf':
      return `${(result as ChrfResult).name}${sig} = ${fixed(result.score, width)}`;
    case 'ter':
      return `TER${sig} = ${fixed(result.score, width)}`;
    default:
      return `${metric}${sig} = ${fixed(result.score, width)}`;
  }
}

export function formatSentence(metric: string, result: AnyResult, format: 'text' | 'json', width: number, _line: number): string {
  const d = details(metric, result);
  if (format === 'json') {
    // Sentence-level ROUGE pairs carry no name/signature: exactly the per-type objects (rouge-score's dict).
    if (metric === 'chrf') delete d.name;
    return `${JSON.stringify(d)}\n`;
  }
  if (metric === 'rouge') {
    const types = (result as RougeResult).types;
    return `${Object.entries(types).map(([t, s]) => `${t} P ${fixed(s.precision, width + 3)} R ${fixed(s.recall, width + 3)} F ${fixed(s.fmeasure, width + 3)}`).join('  ')}\n`;
  }
  if (metric === 'squad') {
    const r = result as SquadResult;
    return `exact_match ${fixed(r.exactMatch / 100, 0)} f1 ${fixed(r.f1 / 100, width + 3)}\n`;
  }
  return `${sacrebleuLine(metric, result, width)}\n`;
}

export interface CorpusReport {
  metric: string;
  result: AnyResult;
  values: ReportedValue[];
  intervals: BootstrapInterval[] | undefined;
  n: number;
  format: 'text' | 'json';
  width: number;
  tool: string;
}

export function formatCorpus(report: CorpusReport): string {
  const { metric, result, values, intervals, n, width } = report;
  const boot = intervals?.[0];
  const bootstrap = boot === undefined ? null : { method: boot.method, resamples: boot.resamples, seed: boot.seed, confidence: boot.confidence };
  if (report.format === 'json') {
    const out: Record<string, unknown> = { metric, ...details(metric, result) };
    if (metric === 'squad') {
      // The official script's dataset-level numbers: 100 * mean over questions.
      out.exact_match = (result as SquadResult).exactMatch;
      out.f1 = (result as SquadResult).f1;
    }
    if (intervals !== undefined) {
      values.forEach((v, i) => {
        const ci = [intervals[i].low, intervals[i].high];
        const dot = v.key.indexOf('.');
        if (dot < 0) {
          if (v.key === 'score') out.ci = ci;
          else out[`${v.key}_ci`] = ci;
        } else {
          const entry = out[v.key.slice(0, dot)] as Record<string, unknown>;
          entry[`${v.key.slice(dot + 1)}_ci`] = ci;
        }
      });
    }
    Object.assign(out, { n, bootstrap, signature: result.signature ?? '', tool: report.tool });
    return `${JSON.stringify(out, null, 1)}\n`;
  }
  const ciText = (i: number, w: number): string => (intervals ? ` [${fixed(intervals[i].low, w)}, ${fixed(intervals[i].high, w)}]` : '');
  const howText = boot
    ? `${Math.round(boot.confidence * 100)}% CI: ${boot.method} bootstrap, ${boot.resamples} resamples, seed ${boot.seed}; n = ${n} segments`
    : `n = ${n} segments; no CI (--bootstrap 0)`;
  if (metric === 'rouge') {
    const lines = [`ROUGE|${result.signature ?? ''}  (${howText})`];
    const types = Object.keys((result as RougeResult).types);
    const w = width + 3;
    lines.push(`${'type'.padEnd(10)} ${'precision'.padEnd(26)} ${'recall'.padEnd(26)} fmeasure`);
    types.forEach((type, t) => {
      const cells = [0, 1, 2].map((m) => `${fixed(values[3 * t + m].value, w)}${ciText(3 * t + m, w)}`.padEnd(26));
      lines.push(`${type.padEnd(10)} ${cells.join(' ').trimEnd()}`);
    });
    return `${lines.join('\n')}\n`;
  }
  if (metric === 'squad') {
    return `SQuAD|${result.signature ?? ''} = exact_match ${fixed(values[0].value, width)}${ciText(0, width)} f1 ${fixed(values[1].value, width)}${ciText(1, width)}\n  (${howText})\n`;
  }
  const head = sacrebleuLine(metric, result, width);
  return `${head}\n  ${boot ? `${fixed(boot.low, width)}-${fixed(boot.high, width)} ` : ''}(${howText})\n`;
}
