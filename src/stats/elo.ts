// Online Elo as in Chatbot Arena's `compute_online_elo` (K = 4, base 10, scale 400, initial 1000):
// battles are processed in order and both updates use the pre-battle ratings, so the result
// depends on the order, which is why Arena moved to Bradley-Terry for its leaderboard.
import { UsageError } from '../core/errors.js';
import { type Battle, type EncodedBattles, encodeBattles } from './battles.js';

export interface EloOptions {
  k?: number;
  base?: number;
  scale?: number;
  initial?: number;
}

export const ELO_DEFAULTS: Required<EloOptions> = { k: 4, base: 10, scale: 400, initial: 1000 };

export function resolveEloOptions(options: EloOptions = {}): Required<EloOptions> {
  const out = { ...ELO_DEFAULTS, ...options };
  for (const [name, value] of Object.entries(out)) {
    if (!Number.isFinite(value)) throw new UsageError(`elo ${name} must be a finite number, got ${value}`);
  }
  if (!(out.k > 0) || !(out.base > 1) || !(out.scale > 0)) throw new UsageError('elo needs k > 0, base > 1 and scale > 0');
  return out;
}

/**
 * Ratings after the battles `order` (indices into the encoded battles, default all in order);
 * models never seen stay NaN.
 */
export function onlineEloEncoded(encoded: EncodedBattles, options: Required<EloOptions>, order?: ArrayLike<number>): Float64Array {
  const rating = new Float64Array(encoded.models.length).fill(Number.NaN);
  const { k, base, scale, initial } = options;
  const n = order ? order.length : encoded.a.length;
  for (let r = 0; r < n; r++) {
    const t = order ? order[r] : r;
    const i = encoded.a[t];
    const j = encoded.b[t];
    if (Number.isNaN(rating[i])) rating[i] = initial;
    if (Number.isNaN(rating[j])) rating[j] = initial;
    const ra = rating[i];
    const rb = rating[j];
    const ea = 1 / (1 + base ** ((rb - ra) / scale));
    const eb = 1 / (1 + base ** ((ra - rb) / scale));
    const sa = encoded.scoreA[t];
    rating[i] += k * (sa - ea);
    rating[j] += k * (1 - sa - eb);
  }
  return rating;
}

/** Online Elo over the battles in order; models in order of first appearance. */
export function onlineElo(battles: readonly Battle[], options: EloOptions = {}): { models: string[]; ratings: number[] } {
  const encoded = encodeBattles(battles);
  return { models: encoded.models, ratings: Array.from(onlineEloEncoded(encoded, resolveEloOptions(options))) };
}
