// Summaries of position-swapped pairwise verdicts as MT-Bench's show_result reports them (an
// order-dependent verdict is a tie, also counted as inconsistent), with Wilson intervals, and
// their conversion into Chatbot Arena battles for the Bradley-Terry ranking (src/stats).
import type { Battle } from '../stats/battles.js';
import { proportionConfint } from '../stats/proportion.js';
import type { PairVerdict } from './types.js';

export type PairOutcome = 'winA' | 'winB' | 'tie' | 'inconsistent' | 'unscored';

export interface PairwiseSummary {
  /** Every verdict, scored or not. */
  n: number;
  winA: number;
  winB: number;
  /** Ties, including the inconsistent pairs (scored as ties). */
  tie: number;
  inconsistent: number;
  unscored: number;
  /** winA, winB, tie and inconsistent over the scored verdicts; unscored over n (NaN when the denominator is 0). */
  rates: Record<PairOutcome, number>;
  /** 95% Wilson intervals of the rates (null when the denominator is 0). */
  intervals: Record<PairOutcome, { low: number; high: number } | null>;
}

export function pairwiseSummary(verdicts: readonly PairVerdict[]): PairwiseSummary {
  const counts: Record<PairOutcome, number> = { winA: 0, winB: 0, tie: 0, inconsistent: 0, unscored: 0 };
  for (const v of verdicts) {
    if (v.status === 'unscored') counts.unscored++;
    else {
      if (v.winner === 'A') counts.winA++;
      else if (v.winner === 'B') counts.winB++;
      else counts.tie++;
      if (!v.consistent) counts.inconsistent++;
    }
  }
  const n = verdicts.length;
  const scored = n - counts.unscored;
  const keys: PairOutcome[] = ['winA', 'winB', 'tie', 'inconsistent', 'unscored'];
  const rates = {} as Record<PairOutcome, number>;
  const intervals = {} as Record<PairOutcome, { low: number; high: number } | null>;
  for (const key of keys) {
    const denominator = key === 'unscored' ? n : scored;
    rates[key] = denominator === 0 ? Number.NaN : counts[key] / denominator;
    intervals[key] = denominator === 0 ? null : proportionConfint(counts[key], denominator, 0.05, 'wilson');
  }
  return { n, ...counts, rates, intervals };
}

export interface PairwiseItem {
  /** The model whose answer was `answer` (position A in order 1). */
  modelA: string;
  /** The model whose answer was `answerB`. */
  modelB: string;
  verdict: PairVerdict;
}

/** Scored verdicts as battles (winner A → model_a, B → model_b, tie or inconsistent → tie); unscored ones are left out. */
export function pairwiseBattles(items: readonly PairwiseItem[]): Battle[] {
  const battles: Battle[] = [];
  for (const { modelA, modelB, verdict } of items) {
    if (verdict.status !== 'scored') continue;
    battles.push({ model_a: modelA, model_b: modelB, winner: verdict.winner === 'A' ? 'model_a' : verdict.winner === 'B' ? 'model_b' : 'tie' });
  }
  return battles;
}
