// Panels with known votes: majority, mean and median per input, and the agreement between the
// judges, checked against NLTK 3.8 AnnotationTask(...).alpha() (interval and binary distance).
import { describe, expect, it } from 'vitest';
import { closeTo } from '../../test/support/shared.js';
import { gradeWithPanel, type Judge, type JudgeInput, type Verdict } from './index.js';

/** A judge that answers from a fixed list of votes (null = unscored). */
function votingJudge(name: string, votes: ReadonlyArray<number | null>): Judge {
  return {
    identity: { model: name, kind: 'single', templateHash: 'x', params: {} },
    grade: (inputs) =>
      Promise.resolve(inputs.map((_, i): Verdict => (votes[i] === null ? { status: 'unscored', reason: `${name} could not read its output`, raw: ['?'] } : { status: 'scored', score: votes[i] as number, method: 'rating', raw: [`[[${votes[i]}]]`] }))),
    compare: () => Promise.reject(new Error('not pairwise')),
  };
}

const VOTES = [
  [7, 8, 3, 5, 2],
  [7, 6, 3, null, 9],
  [8, 6, 4, 5, null],
];
const JUDGES = VOTES.map((v, j) => votingJudge(`judge${j + 1}`, v));
const INPUTS: JudgeInput[] = VOTES[0].map((_, i) => ({ question: `q${i}`, answer: `a${i}` }));
const scores = (verdicts: readonly Verdict[]) => verdicts.map((v) => (v.status === 'scored' ? v.score : v.reason));

describe('gradeWithPanel', () => {
  it('majority: the score with the most votes; a tie for the most votes is unscored', async () => {
    const result = await gradeWithPanel(JUDGES, INPUTS, 'majority');
    expect(scores(result.verdicts)).toEqual([7, 6, 3, 5, 'no majority: scores 2, 9 have the same number of votes']);
    expect(result.verdicts[0]).toEqual({ status: 'scored', score: 7, method: 'panel-majority', raw: ['[[7]]', '[[7]]', '[[8]]'], distribution: { '7': 2 / 3, '8': 1 / 3 } });
    expect(result.perJudge.map(scores)).toEqual([
      [7, 8, 3, 5, 2],
      [7, 6, 3, 'judge2 could not read its output', 9],
      [8, 6, 4, 5, 'judge3 could not read its output'],
    ]);
    // NLTK binary_distance alpha over the same votes: 0.34246575342465746
    expect(closeTo(result.agreement.krippendorffAlpha ?? Number.NaN, 0.34246575342465746)).toBe(true);
    // Equal pairs: (7,7) (6,6) (3,3) (5,5) out of 3+3+3+1+1 scored pairs.
    expect(result.agreement.pairwiseAgreement).toBe(4 / 11);
  });

  it('mean and median over the judges that scored; interval alpha', async () => {
    const mean = await gradeWithPanel(JUDGES, INPUTS, 'mean');
    expect(scores(mean.verdicts)).toEqual([22 / 3, 20 / 3, 10 / 3, 5, 5.5]);
    expect(mean.verdicts.map((v) => (v.status === 'scored' ? v.method : ''))).toEqual(Array(5).fill('panel-mean'));
    // NLTK interval_distance alpha: 0.11051212938005384
    expect(closeTo(mean.agreement.krippendorffAlpha ?? Number.NaN, 0.11051212938005384)).toBe(true);
    const median = await gradeWithPanel(JUDGES, INPUTS, 'median');
    expect(scores(median.verdicts)).toEqual([7, 6, 3, 5, 5.5]);
  });

  it('an input no judge scored is unscored with every reason; no ratings gives null agreement', async () => {
    const blind = [votingJudge('j1', [null]), votingJudge('j2', [null])];
    const result = await gradeWithPanel(blind, [{ question: 'q', answer: 'a' }], 'mean');
    expect(result.verdicts).toEqual([{ status: 'unscored', reason: 'no judge scored this input (judge 1: j1 could not read its output; judge 2: j2 could not read its output)', raw: ['?', '?'] }]);
    expect(result.agreement).toEqual({ krippendorffAlpha: null, pairwiseAgreement: null });
  });

  it('refuses an empty panel, an unknown combination and a pairwise judge', async () => {
    await expect(gradeWithPanel([], INPUTS, 'mean')).rejects.toThrow('a judge panel needs at least one judge');
    await expect(gradeWithPanel(JUDGES, INPUTS, 'mode' as 'mean')).rejects.toThrow('unknown panel combination "mode" (valid: mean, median, majority)');
    const pair: Judge = { ...votingJudge('p', []), identity: { model: 'p', kind: 'pairwise', templateHash: 'x', params: {} } };
    await expect(gradeWithPanel([pair], INPUTS, 'mean')).rejects.toThrow('judge 1 (p) is pairwise; a grading panel takes single, reference, geval or classify judges');
  });
});
