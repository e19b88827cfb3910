// Leaderboards from pairwise battles as Chatbot Arena builds them: Bradley-Terry (default) or
// online Elo ratings, a percentile bootstrap over battles (resampled with replacement, each
// replicate normalised like the point estimate, as Arena's `get_bootstrap_result` does), and
// rank = 1 + number of models whose interval lies entirely above this model's.
// Deliberate difference: a BT resample whose MLE does not exist (the win/tie graph is not
// strongly connected, e.g. a model drawn with no loss) is left out and counted, not fitted to an
// arbitrary large value as sklearn's unpenalised logistic regression would.
import { UsageError } from '../core/errors.js';
import { DEFAULT_SEED, Rng } from '../core/rng.js';
import { assaySignature } from '../core/signature.js';
import { type Battle, encodeBattles, pairTotals } from './battles.js';
import { betaToRatings, bradleyTerry, solveBradleyTerry } from './bradley-terry.js';
import { type EloOptions, onlineEloEncoded, resolveEloOptions } from './elo.js';
import { percentileInterval } from './percentile.js';

export type RankMethod = 'bt' | 'elo';
export const RANK_METHODS: readonly RankMethod[] = ['bt', 'elo'];

export interface RankOptions {
  method?: RankMethod;
  /** Bootstrap resamples of the battles; 0 = no intervals. Default 1000. */
  bootstrap?: number;
  seed?: number;
  confidence?: number;
  /** BT: the model pinned at 1000 (default the first model to appear). */
  anchor?: string;
  /** Online Elo settings (K factor etc.). */
  elo?: EloOptions;
}

export interface RankedModel {
  model: string;
  rating: number;
  ci_low: number | null;
  ci_high: number | null;
  rank: number;
  /** Battles the model played. */
  battles: number;
}

export interface RankResult {
  method: RankMethod;
  /** Best first. */
  ratings: RankedModel[];
  n_battles: number;
  bootstrap: number;
  /** Resamples that gave ratings (BT resamples without a finite MLE are left out). */
  n_valid: number;
  confidence: number;
  seed: number;
  anchor: string | null;
  signature: string;
}

/** Arena's rank: 1 + how many models have a lower bound above this model's upper bound. */
export function arenaRanks(ciLow: readonly number[], ciHigh: readonly number[]): number[] {
  return ciHigh.map((high) => 1 + ciLow.filter((low) => low > high).length);
}

export function rankModels(battles: readonly Battle[], options: RankOptions = {}): RankResult {
  const method = options.method ?? 'bt';
  if (!RANK_METHODS.includes(method)) throw new UsageError(`unknown rating method "${String(method)}" (valid: ${RANK_METHODS.join(', ')})`);
  const bootstrap = options.bootstrap ?? 1000;
  if (!Number.isInteger(bootstrap) || bootstrap < 0) throw new UsageError(`bootstrap must be a whole number >= 0, got ${bootstrap}`);
  const seed = options.seed ?? DEFAULT_SEED;
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new UsageError(`confidence must be between 0 and 1, got ${confidence}`);
  if (battles.length === 0) throw new UsageError('no battles to rank');
  if (method === 'elo' && options.anchor !== undefined) throw new UsageError('an anchor applies to bt only; online Elo starts every model at its initial rating');
  const encoded = encodeBattles(battles);
  const k = encoded.models.length;
  const anchor = options.anchor === undefined ? 0 : encoded.models.indexOf(options.anchor);
  if (anchor < 0) throw new UsageError(`anchor model "${options.anchor}" does not appear in the battles`);
  const eloOptions = resolveEloOptions(options.elo);

  let point: number[];
  let beta: Float64Array | undefined;
  if (method === 'bt') {
    const fit = bradleyTerry(battles, { models: encoded.models, anchor: encoded.models[anchor] });
    point = fit.ratings;
    beta = Float64Array.from(point, (r) => ((r - 1000) * Math.LN10) / 400);
  } else {
    point = Array.from(onlineEloEncoded(encoded, eloOptions));
  }

  const rng = new Rng(seed);
  const n = encoded.a.length;
  const replicates = Array.from({ length: k }, () => new Float64Array(bootstrap).fill(Number.NaN));
  let nValid = 0;
  const counts = new Float64Array(n);
  const order = new Int32Array(n);
  for (let b = 0; b < bootstrap; b++) {
    for (let t = 0; t < n; t++) order[t] = rng.intBelow(n);
    let ratings: ArrayLike<number> | undefined;
    if (method === 'bt') {
      counts.fill(0);
      for (let t = 0; t < n; t++) counts[order[t]] += 1;
      const fit = solveBradleyTerry(pairTotals(encoded, counts), anchor, beta);
      if (fit) ratings = betaToRatings(fit.beta);
    } else {
      ratings = onlineEloEncoded(encoded, eloOptions, order);
    }
    if (!ratings) continue;
    nValid++;
    for (let i = 0; i < k; i++) replicates[i][b] = ratings[i];
  }

  const played = new Array<number>(k).fill(0);
  for (let t = 0; t < n; t++) {
    played[encoded.a[t]]++;
    played[encoded.b[t]]++;
  }
  const low: number[] = [];
  const high: number[] = [];
  for (let i = 0; i < k; i++) {
    if (bootstrap === 0) {
      low.push(point[i]);
      high.push(point[i]);
    } else {
      const interval = percentileInterval(replicates[i], confidence);
      low.push(interval.low);
      high.push(interval.high);
    }
  }
  const ranks = arenaRanks(low, high);
  const rows: RankedModel[] = encoded.models.map((model, i) => ({
    model,
    rating: point[i],
    ci_low: bootstrap === 0 ? null : low[i],
    ci_high: bootstrap === 0 ? null : high[i],
    rank: ranks[i],
    battles: played[i],
  }));
  rows.sort((x, y) => y.rating - x.rating || x.model.localeCompare(y.model));
  const sig: Record<string, string | number> = { method };
  if (method === 'bt') sig.anchor = encoded.models[anchor];
  else Object.assign(sig, { k: eloOptions.k, scale: eloOptions.scale, base: eloOptions.base, init: eloOptions.initial });
  Object.assign(sig, { boot: bootstrap, seed });
  return {
    method,
    ratings: rows,
    n_battles: n,
    bootstrap,
    n_valid: nValid,
    confidence,
    seed,
    anchor: method === 'bt' ? encoded.models[anchor] : null,
    signature: assaySignature(sig),
  };
}
