import { describe, expect, it } from 'vitest';
import { closeTo, readJsonl } from '../../test/support/shared.js';
import { InputError } from '../core/errors.js';
import { type Battle, winRateMatrix } from './battles.js';
import { bradleyTerry } from './bradley-terry.js';
import { onlineElo } from './elo.js';

interface Case {
  id: string;
  input: { models: string[]; battles: { model_a: string; model_b: string; winner: 'a' | 'b' | 'tie' }[] };
  expected: {
    bt_ratings: Record<string, number>;
    bt_neg_log_likelihood: number;
    online_elo_ratings: Record<string, number>;
  };
}

const WINNER = { a: 'model_a', b: 'model_b', tie: 'tie' } as const;
const cases = readJsonl<Case>('reference', 'stats', 'bradley_terry.jsonl').map((c) => ({
  ...c,
  battles: c.input.battles.map((b): Battle => ({ model_a: b.model_a, model_b: b.model_b, winner: WINNER[b.winner] })),
}));

describe('Bradley-Terry MLE and online Elo (every public vector)', () => {
  it('has the public vectors', () => expect(cases.length).toBe(18));
  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const fit = bradleyTerry(c.battles, { models: c.input.models });
    expect(fit.models).toEqual(c.input.models);
    expect(fit.ratings[0]).toBe(1000);
    fit.models.forEach((m, i) => expect(Math.abs(fit.ratings[i] - c.expected.bt_ratings[m]), m).toBeLessThanOrEqual(1e-4));
    expect(closeTo(fit.negLogLikelihood, c.expected.bt_neg_log_likelihood), `${fit.negLogLikelihood}`).toBe(true);
    expect(fit.maxAbsGradient).toBeLessThanOrEqual(1e-9);

    const elo = onlineElo(c.battles);
    expect(elo.models).toEqual(Object.keys(c.expected.online_elo_ratings));
    elo.models.forEach((m, i) => expect(closeTo(elo.ratings[i], c.expected.online_elo_ratings[m]), m).toBe(true));
  });
});

describe('bradleyTerry details', () => {
  const battles: Battle[] = [
    { model_a: 'x', model_b: 'y', winner: 'model_a' },
    { model_a: 'y', model_b: 'x', winner: 'model_a' },
    { model_a: 'x', model_b: 'y', winner: 'model_a' },
  ];
  it('two models: the rating gap is 400 log10 of the win odds', () => {
    const fit = bradleyTerry(battles);
    expect(closeTo(fit.ratings[1], 1000 - 400 * Math.log10(2), 1e-12)).toBe(true);
  });
  it('the anchor moves the scale, not the gaps', () => {
    const fit = bradleyTerry(battles, { anchor: 'y' });
    expect(fit.ratings[1]).toBe(1000);
    expect(closeTo(fit.ratings[0], 1000 + 400 * Math.log10(2), 1e-12)).toBe(true);
  });
  it('a model that never lost has no finite rating', () => {
    expect(() => bradleyTerry([...battles, { model_a: 'z', model_b: 'x', winner: 'model_a' }])).toThrow(InputError);
    expect(() => bradleyTerry([...battles, { model_a: 'z', model_b: 'x', winner: 'model_a' }])).toThrow('no finite Bradley-Terry ratings: "z" never lost or tied (every split of the models into two groups needs a win or tie each way)');
  });
  it('names a group that never lost to the rest', () => {
    const group: Battle[] = [
      { model_a: 'a', model_b: 'b', winner: 'model_a' },
      { model_a: 'b', model_b: 'a', winner: 'model_a' },
      { model_a: 'c', model_b: 'd', winner: 'model_a' },
      { model_a: 'd', model_b: 'c', winner: 'model_a' },
      { model_a: 'a', model_b: 'c', winner: 'model_a' },
    ];
    expect(() => bradleyTerry(group)).toThrow('no finite Bradley-Terry ratings: "c", "d" never won or tied against the others, or never lost or tied against them');
  });
  it('ties are half a win: all ties give equal ratings', () => {
    const fit = bradleyTerry([
      { model_a: 'p', model_b: 'q', winner: 'tie' },
      { model_a: 'q', model_b: 'r', winner: 'tie' },
      { model_a: 'r', model_b: 'p', winner: 'tie' },
    ]);
    expect(fit.ratings).toEqual([1000, 1000, 1000]);
  });
});

describe('winRateMatrix', () => {
  it('counts ties as half and leaves unmet pairs NaN', () => {
    const { models, rate } = winRateMatrix([
      { model_a: 'a', model_b: 'b', winner: 'model_a' },
      { model_a: 'b', model_b: 'a', winner: 'tie' },
      { model_a: 'a', model_b: 'b', winner: 'model_b' },
      { model_a: 'c', model_b: 'a', winner: 'model_a' },
    ]);
    expect(models).toEqual(['a', 'b', 'c']);
    expect(rate).toEqual([
      [Number.NaN, 0.5, 0],
      [0.5, Number.NaN, Number.NaN],
      [1, Number.NaN, Number.NaN],
    ]);
  });
});
