// Panels of judges (Verga et al. 2024, "Replacing Judges with Juries"): several judge models grade
// the same inputs; their scores are combined by mean, median or majority vote, and the agreement
// between them is reported (Krippendorff's alpha as NLTK computes it, and raw pairwise agreement).
import { UsageError } from '../core/errors.js';
import { krippendorffAlpha, type Rating } from '../stats/krippendorff-alpha.js';
import type { Judge, JudgeInput, Verdict } from './types.js';

export type PanelCombine = 'mean' | 'median' | 'majority';
export const PANEL_COMBINES: readonly PanelCombine[] = ['mean', 'median', 'majority'];

export interface PanelAgreement {
  /** Over judges x inputs (unscored = missing); interval level for mean/median, nominal for majority; null when undefined. */
  krippendorffAlpha: number | null;
  /** Share of (judge pair, input) with both scored where the two scores are equal; null when there is no such pair. */
  pairwiseAgreement: number | null;
}

export interface PanelResult {
  verdicts: Verdict[];
  perJudge: Verdict[][];
  agreement: PanelAgreement;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The score with the most votes, or undefined when two or more scores share the most votes. */
function majority(values: readonly number[]): { winner?: number; tied: number[] } {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const best = Math.max(...counts.values());
  const top = [...counts.entries()].filter(([, c]) => c === best).map(([v]) => v).sort((a, b) => a - b);
  return top.length === 1 ? { winner: top[0], tied: top } : { tied: top };
}

/** Combines one input's verdicts from every judge (unscored ones do not vote). */
export function combineVerdicts(verdicts: readonly Verdict[], combine: PanelCombine): Verdict {
  const raw = verdicts.flatMap((v) => v.raw);
  const scores: number[] = [];
  const reasons: string[] = [];
  verdicts.forEach((v, j) => {
    if (v.status === 'scored') scores.push(v.score);
    else reasons.push(`judge ${j + 1}: ${v.reason}`);
  });
  if (scores.length === 0) return { status: 'unscored', reason: `no judge scored this input (${reasons.join('; ')})`, raw };
  const distribution: Record<string, number> = {};
  for (const s of [...scores].sort((a, b) => a - b)) distribution[String(s)] = (distribution[String(s)] ?? 0) + 1 / scores.length;
  if (combine === 'mean') return { status: 'scored', score: scores.reduce((a, b) => a + b, 0) / scores.length, method: 'panel-mean', raw, distribution };
  if (combine === 'median') return { status: 'scored', score: median(scores), method: 'panel-median', raw, distribution };
  const m = majority(scores);
  if (m.winner === undefined) return { status: 'unscored', reason: `no majority: scores ${m.tied.join(', ')} have the same number of votes`, raw };
  return { status: 'scored', score: m.winner, method: 'panel-majority', raw, distribution };
}

/** Agreement between judges over the same inputs (judge-major verdicts). */
export function panelAgreement(perJudge: readonly (readonly Verdict[])[], level: 'interval' | 'nominal'): PanelAgreement {
  const data: Rating[][] = perJudge.map((row) => row.map((v) => (v.status === 'scored' ? v.score : null)));
  let alpha: number | null = null;
  try {
    const a = krippendorffAlpha(data, level);
    alpha = Number.isFinite(a) ? a : null;
  } catch {
    alpha = null; // no ratings at all
  }
  let pairs = 0;
  let agree = 0;
  const nInputs = data[0]?.length ?? 0;
  for (let u = 0; u < nInputs; u++) {
    for (let a = 0; a < data.length; a++) {
      for (let b = a + 1; b < data.length; b++) {
        const x = data[a][u];
        const y = data[b][u];
        if (x === null || y === null) continue;
        pairs++;
        if (x === y) agree++;
      }
    }
  }
  return { krippendorffAlpha: alpha, pairwiseAgreement: pairs === 0 ? null : agree / pairs };
}

/** Every judge grades every input (judges run concurrently); one combined verdict per input. */
export async function gradeWithPanel(judges: readonly Judge[], inputs: readonly JudgeInput[], combine: PanelCombine, options: { signal?: AbortSignal } = {}): Promise<PanelResult> {
  if (judges.length === 0) throw new UsageError('a judge panel needs at least one judge');
  if (!PANEL_COMBINES.includes(combine)) throw new UsageError(`unknown panel combination "${String(combine)}" (valid: ${PANEL_COMBINES.join(', ')})`);
  const pairwise = judges.findIndex((j) => j.identity.kind === 'pairwise');
  if (pairwise >= 0) throw new UsageError(`judge ${pairwise + 1} (${judges[pairwise].identity.model}) is pairwise; a grading panel takes single, reference, geval or classify judges`);
  const perJudge = await Promise.all(judges.map((judge) => judge.grade(inputs, options)));
  const verdicts = inputs.map((_, i) => combineVerdicts(perJudge.map((row) => row[i]), combine));
  return { verdicts, perJudge, agreement: panelAgreement(perJudge, combine === 'majority' ? 'nominal' : 'interval') };
}
