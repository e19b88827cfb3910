import { describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { Battle } from './battles.js';
import { bradleyTerry } from './bradley-terry.js';
import { onlineElo } from './elo.js';
import { percentileInterval } from './percentile.js';
import { arenaRanks, rankModels } from './ranking.js';

// 4 models, 40 battles from a fixed generator (strongly connected).
function makeBattles(): Battle[] {
  const rng = new Rng(5);
  const models = ['m0', 'm1', 'm2', 'm3'];
  const out: Battle[] = [];
  for (let t = 0; t < 40; t++) {
    const i = rng.intBelow(4);
    const j = (i + 1 + rng.intBelow(3)) % 4;
    const u = rng.nextFloat();
    const pWin = 1 / (1 + 10 ** ((j - i) / 4)); // lower index is stronger
    out.push({ model_a: models[i], model_b: models[j], winner: u < 0.1 ? 'tie' : u < 0.1 + 0.9 * pWin ? 'model_a' : 'model_b' });
  }
  return out;
}

describe('arenaRanks', () => {
  it('is 1 + the number of models whose lower bound is above this upper bound', () => {
    expect(arenaRanks([10, 8, 1, 0], [12, 11, 9, 2])).toEqual([1, 1, 2, 3]);
    expect(arenaRanks([10, 8, 3, 0], [12, 11, 9, 2])).toEqual([1, 1, 2, 4]);
  });
});

describe('rankModels', () => {
  const battles = makeBattles();

  it('without a bootstrap: point ratings, no intervals, ranks by rating', () => {
    const result = rankModels(battles, { bootstrap: 0 });
    const fit = bradleyTerry(battles);
    expect(result.ratings.map((r) => r.rating)).toEqual([...fit.ratings].sort((a, b) => b - a));
    expect(result.ratings.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
    expect(result.ratings.every((r) => r.ci_low === null && r.ci_high === null)).toBe(true);
    expect(result.ratings.reduce((s, r) => s + r.battles, 0)).toBe(80);
    expect(result.signature).toBe('method:bt|anchor:m2|boot:0|seed:12345|assay:0.1.0');
  });

  it('BT intervals equal a by-hand bootstrap of the battles with the same seed', () => {
    const result = rankModels(battles, { bootstrap: 100, seed: 3 });
    const rng = new Rng(3);
    const models = result.anchor === null ? [] : bradleyTerry(battles).models;
    const reps: number[][] = models.map(() => []);
    let valid = 0;
    for (let b = 0; b < 100; b++) {
      const sample = battles.map(() => battles[rng.intBelow(battles.length)]);
      let fit;
      try {
        fit = bradleyTerry(sample, { models });
      } catch {
        continue;
      }
      valid++;
      fit.ratings.forEach((r, i) => reps[i].push(r));
    }
    expect(result.n_valid).toBe(valid);
    for (const row of result.ratings) {
      const i = models.indexOf(row.model);
      const interval = percentileInterval(reps[i]);
      expect(Math.abs((row.ci_low as number) - interval.low)).toBeLessThanOrEqual(1e-6);
      expect(Math.abs((row.ci_high as number) - interval.high)).toBeLessThanOrEqual(1e-6);
    }
    const ranks = arenaRanks(result.ratings.map((r) => r.ci_low as number), result.ratings.map((r) => r.ci_high as number));
    expect(result.ratings.map((r) => r.rank)).toEqual(ranks);
  });

  it('Elo intervals replay resampled battles in the drawn order', () => {
    const result = rankModels(battles, { method: 'elo', bootstrap: 50, seed: 11 });
    const rng = new Rng(11);
    const reps = new Map<string, number[]>();
    for (let b = 0; b < 50; b++) {
      const sample = battles.map(() => battles[rng.intBelow(battles.length)]);
      const elo = onlineElo(sample);
      elo.models.forEach((m, i) => reps.set(m, [...(reps.get(m) ?? []), elo.ratings[i]]));
    }
    const point = onlineElo(battles);
    for (const row of result.ratings) {
      expect(row.rating).toBe(point.ratings[point.models.indexOf(row.model)]);
      const interval = percentileInterval(reps.get(row.model) ?? []);
      expect([row.ci_low, row.ci_high]).toEqual([interval.low, interval.high]);
    }
    expect(result.anchor).toBeNull();
  });

  it('rejects bad options', () => {
    expect(() => rankModels(battles, { anchor: 'nope' })).toThrow(UsageError);
    expect(() => rankModels(battles, { method: 'elo', anchor: 'm0' })).toThrow(UsageError);
    expect(() => rankModels([], {})).toThrow(/no battles/);
  });
});
