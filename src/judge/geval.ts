// G-Eval's score (Liu et al. 2023, "G-Eval: NLG Evaluation using GPT-4 with Better Human
// Alignment", eq. 1): score = sum_i p(s_i) * s_i over the allowed score tokens. The paper
// estimated p by sampling GPT-4 20 times; where the backend returns top-logprobs we read p from
// the score position directly (renormalised over the score tokens found there), and fall back to
// the paper's sampling estimate (mean of n sampled ratings) where it does not.
import type { TokenLogprob } from '../providers/types.js';
import type { Parsed } from './parse.js';

export interface ScoreDistribution {
  /** Expected score under the renormalised distribution. */
  score: number;
  /** Score value (as text) → probability, renormalised over the score tokens present. */
  distribution: Record<string, number>;
  /** Probability mass the score tokens held before renormalising. */
  mass: number;
  /** Index of the generated token read as the score position. */
  position: number;
}

/** Integer score values of a scale: [1, 5] → 1..5 (G-Eval scores are whole numbers). */
export function scoreTokens(scale: readonly [number, number]): number[] {
  const out: number[] = [];
  for (let v = Math.ceil(scale[0]); v <= Math.floor(scale[1]); v++) out.push(v);
  return out;
}

/**
 * The score position is the first generated token that is itself a score token (ignoring
 * surrounding whitespace); at it, every top alternative whose text is a score token adds
 * exp(logprob) to that value (so " 7" and "7" pool), and the sum is renormalised. A score such
 * as 10 that the tokenizer splits ("1", "0") is seen as its first piece: use a scale whose
 * values are single tokens (1-5, or 1-9), as G-Eval does.
 */
export function expectedScore(logprobs: readonly TokenLogprob[], scale: readonly [number, number]): Parsed<ScoreDistribution> {
  const allowed = new Map(scoreTokens(scale).map((v) => [String(v), v]));
  if (allowed.size === 0) return { ok: false, reason: `the scale [${scale[0]}, ${scale[1]}] holds no whole-number score` };
  const position = logprobs.findIndex((t) => allowed.has(t.token.trim()));
  if (position < 0) return { ok: false, reason: `no generated token is a score token (${[...allowed.keys()].join(', ')})` };
  const at = logprobs[position];
  const alternatives = at.top && at.top.length > 0 ? at.top : [{ token: at.token, logprob: at.logprob }];
  const mass = new Map<string, number>();
  // A backend may list the chosen token twice (as itself and among the alternatives): count each text once.
  const seen = new Set<string>();
  for (const alt of alternatives) {
    if (seen.has(alt.token)) continue;
    seen.add(alt.token);
    const key = alt.token.trim();
    if (!allowed.has(key) || !Number.isFinite(alt.logprob)) continue;
    mass.set(key, (mass.get(key) ?? 0) + Math.exp(alt.logprob));
  }
  let total = 0;
  for (const p of mass.values()) total += p;
  if (!(total > 0)) return { ok: false, reason: `the top-logprobs at the score position (token ${position + 1}) hold no score token with probability > 0` };
  const keys = [...mass.keys()].sort((a, b) => (allowed.get(a) as number) - (allowed.get(b) as number));
  const distribution: Record<string, number> = {};
  let score = 0;
  for (const key of keys) {
    const p = (mass.get(key) as number) / total;
    distribution[key] = p;
    score += p * (allowed.get(key) as number);
  }
  return { ok: true, value: { score, distribution, mass: total, position } };
}

/** The sampling fallback: mean of the parsed ratings, and their empirical distribution. */
export function sampleMean(ratings: readonly number[]): { score: number; distribution: Record<string, number> } {
  const counts = new Map<number, number>();
  let sum = 0;
  for (const r of ratings) {
    sum += r;
    counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  const distribution: Record<string, number> = {};
  for (const [v, c] of [...counts.entries()].sort((a, b) => a[0] - b[0])) distribution[String(v)] = c / ratings.length;
  return { score: sum / ratings.length, distribution };
}
