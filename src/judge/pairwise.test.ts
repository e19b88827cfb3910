// Pairwise summaries (Wilson intervals checked against statsmodels proportion_confint) and the
// battles they give the Bradley-Terry fit.
import { describe, expect, it } from 'vitest';
import { bradleyTerry } from '../stats/bradley-terry.js';
import { closeTo } from '../../test/support/shared.js';
import { type PairVerdict, pairwiseBattles, pairwiseSummary } from './index.js';

const scored = (winner: 'A' | 'B' | 'tie', consistent = true): PairVerdict => ({ status: 'scored', winner, consistent, raw: [], orders: consistent ? [winner, winner] : ['A', 'B'] });
const VERDICTS: PairVerdict[] = [scored('A'), scored('A'), scored('A'), scored('B'), scored('tie'), scored('tie', false), scored('tie', false), { status: 'unscored', reason: 'no verdict', raw: [] }];

describe('pairwiseSummary', () => {
  it('counts wins, ties (inconsistent ones included) and unscored, with rates over the scored verdicts', () => {
    const s = pairwiseSummary(VERDICTS);
    expect({ n: s.n, winA: s.winA, winB: s.winB, tie: s.tie, inconsistent: s.inconsistent, unscored: s.unscored }).toEqual({ n: 8, winA: 3, winB: 1, tie: 3, inconsistent: 2, unscored: 1 });
    expect(s.rates).toEqual({ winA: 3 / 7, winB: 1 / 7, tie: 3 / 7, inconsistent: 2 / 7, unscored: 1 / 8 });
    // statsmodels proportion_confint(k, n, 0.05, 'wilson')
    const expected = {
      winA: [0.15821985525146964, 0.7495416354723428],
      winB: [0.02567962434474355, 0.5131278292743189],
      tie: [0.15821985525146964, 0.7495416354723428],
      inconsistent: [0.08221892400405661, 0.6410655481673807],
      unscored: [0.022417491450056642, 0.47088818221285356],
    } as const;
    for (const [key, [low, high]] of Object.entries(expected)) {
      const ci = s.intervals[key as keyof typeof expected];
      expect(ci !== null && closeTo(ci.low, low) && closeTo(ci.high, high)).toBe(true);
    }
  });

  it('no verdicts: NaN rates and no intervals', () => {
    const s = pairwiseSummary([]);
    expect(s.rates.winA).toBeNaN();
    expect(s.intervals.winA).toBeNull();
  });
});

describe('pairwiseBattles', () => {
  it('turns scored verdicts into battles (inconsistent → tie) and feeds the Bradley-Terry fit', () => {
    const battles = pairwiseBattles(VERDICTS.map((verdict) => ({ modelA: 'm1', modelB: 'm2', verdict })));
    expect(battles.map((b) => b.winner)).toEqual(['model_a', 'model_a', 'model_a', 'model_b', 'tie', 'tie', 'tie']);
    const fit = bradleyTerry(battles);
    // Two models: m1 scores 3 + 3/2 of 7 games, so R_m2 = 1000 - 400 log10(4.5 / 2.5).
    expect(fit.models).toEqual(['m1', 'm2']);
    expect(fit.ratings[0]).toBe(1000);
    expect(closeTo(fit.ratings[1], 1000 - 400 * Math.log10(1.8))).toBe(true);
  });
});
