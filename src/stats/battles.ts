// Pairwise battles (Chatbot Arena's format: model_a, model_b, winner) and their sufficient
// statistics, games and score per ordered pair of models, that Bradley-Terry, Elo bootstraps and
// the win-rate matrix all read. A tie is half a win for each side, as in the Arena notebooks.
import { UsageError } from '../core/errors.js';

export type Winner = 'model_a' | 'model_b' | 'tie';
export const WINNERS: readonly Winner[] = ['model_a', 'model_b', 'tie'];

export interface Battle {
  model_a: string;
  model_b: string;
  winner: Winner;
}

/** Battles as indices into `models`, with model_a's score (1 / 0 / 0.5). */
export interface EncodedBattles {
  models: string[];
  a: Int32Array;
  b: Int32Array;
  scoreA: Float64Array;
}

/** Models in order of first appearance (model_a before model_b). */
export function battleModels(battles: readonly Battle[]): string[] {
  const seen = new Set<string>();
  for (const battle of battles) {
    seen.add(battle.model_a);
    seen.add(battle.model_b);
  }
  return [...seen];
}

export function winnerScore(winner: Winner): number {
  if (winner === 'model_a') return 1;
  if (winner === 'model_b') return 0;
  if (winner === 'tie') return 0.5;
  throw new UsageError(`unknown winner "${String(winner)}" (valid: ${WINNERS.join(', ')})`);
}

/** Encodes battles against `models` (default: order of first appearance). */
export function encodeBattles(battles: readonly Battle[], models: readonly string[] = battleModels(battles)): EncodedBattles {
  const index = new Map<string, number>();
  models.forEach((m, i) => {
    if (index.has(m)) throw new UsageError(`model "${m}" is listed twice`);
    index.set(m, i);
  });
  const a = new Int32Array(battles.length);
  const b = new Int32Array(battles.length);
  const scoreA = new Float64Array(battles.length);
  battles.forEach((battle, i) => {
    const ia = index.get(battle.model_a);
    const ib = index.get(battle.model_b);
    if (ia === undefined || ib === undefined) throw new UsageError(`battle ${i + 1}: model "${ia === undefined ? battle.model_a : battle.model_b}" is not in the model list`);
    if (ia === ib) throw new UsageError(`battle ${i + 1}: model "${battle.model_a}" plays itself`);
    a[i] = ia;
    b[i] = ib;
    scoreA[i] = winnerScore(battle.winner);
  });
  return { models: [...models], a, b, scoreA };
}

/** Games and scores per ordered pair, row-major K x K: `score[i*K+j]` = i's points against j. */
export interface PairTotals {
  k: number;
  games: Float64Array;
  score: Float64Array;
}

/** Sums battles into pair totals; `counts[t]` (default 1) is how often battle t is counted (a bootstrap resample). */
export function pairTotals(encoded: EncodedBattles, counts?: ArrayLike<number>): PairTotals {
  const k = encoded.models.length;
  const games = new Float64Array(k * k);
  const score = new Float64Array(k * k);
  for (let t = 0; t < encoded.a.length; t++) {
    const c = counts ? counts[t] : 1;
    if (c === 0) continue;
    const i = encoded.a[t];
    const j = encoded.b[t];
    const s = encoded.scoreA[t];
    games[i * k + j] += c;
    games[j * k + i] += c;
    score[i * k + j] += c * s;
    score[j * k + i] += c * (1 - s);
  }
  return { k, games, score };
}

/** Win-rate matrix: `rate[i][j]` = i's score against j over their games (ties half); NaN if they never met. */
export function winRateMatrix(battles: readonly Battle[], models?: readonly string[]): { models: string[]; rate: number[][] } {
  const encoded = encodeBattles(battles, models);
  const { k, games, score } = pairTotals(encoded);
  const rate = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (games[i * k + j] > 0 ? score[i * k + j] / games[i * k + j] : Number.NaN)));
  return { models: encoded.models, rate };
}
