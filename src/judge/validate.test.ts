// Judge validation against a scripted judge over HTTP with a fixed label set; expected values from
// sklearn cohen_kappa_score(weights='quadratic'), Krippendorff's coincidence-matrix alpha (checked
// against NLTK AnnotationTask for nominal), scipy spearmanr / kendalltau and statsmodels' Wilson.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeTo } from '../../test/support/shared.js';
import { answerAt, type FakeJudgeServer, type JudgeScript, startFakeJudgeServer } from '../../test/support/fake-judge-server.js';
import { createProvider } from '../providers/registry.js';
import type { Provider } from '../providers/types.js';
import { createJudge } from './judge.js';
import type { JudgeSpec } from './types.js';
import { humanMajority, humanMedian, readLabels, validateJudge } from './validate.js';

let server: FakeJudgeServer | undefined;
let provider: Provider | undefined;
afterEach(async () => {
  await provider?.close();
  await server?.close();
  server = provider = undefined;
});

async function setup(script: JudgeScript): Promise<Provider> {
  server = await startFakeJudgeServer(script);
  provider = await createProvider('openai-compatible:judge', { baseUrl: server.url, maxRetries: 0 });
  return provider;
}

const dir = mkdtempSync(join(tmpdir(), 'assay-validate-'));
function file(name: string, lines: unknown[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return path;
}

const expectClose = (actual: number | null, expected: number): void => expect(closeTo(actual ?? Number.NaN, expected, 1e-9)).toBe(true);

/** Ratings for items 1..12: the judge's (null = broken output) and the raters'. */
const JUDGE_RATINGS = [8, 7, 4, 9, 2, 5, 9, 3, 9, 2, null, 6];
const HUMAN_RATINGS = [[8], [6, 7], [3], [9, 9, 8], [2], [5, 6], [7], [4, 4], [10], [1, 2], [5], [6]];
const ratingLines = HUMAN_RATINGS.map((human, i) => ({ question: `item-${i + 1}?`, answer: `answer ${i + 1}`, human: human.length === 1 ? human[0] : human }));
const ratingScript: JudgeScript = ({ prompt }) => {
  const k = Number(/item-(\d+)\?/.exec(prompt)?.[1]);
  const r = JUDGE_RATINGS[k - 1];
  return { text: r === null ? 'I cannot decide.' : `Fine.\nRating: [[${r}]]` };
};
const spec = (over: Partial<JudgeSpec> = {}): JudgeSpec => ({ kind: 'single', model: 'openai-compatible:judge', structured: false, ...over });

describe('validateJudge on ratings', () => {
  it('reports the exact kappa, alpha, Spearman and Kendall of a fixed label set, and counts the unscored item with its reason', async () => {
    const p = await setup(ratingScript);
    const items = await readLabels(file('ratings.jsonl', ratingLines), 'single');
    const report = await validateJudge(createJudge(spec(), p), items, { seed: 7, resamples: 200 });
    expect({ n: report.n, scored: report.scored, unscored: report.unscored, noHumanMajority: report.noHumanMajority, scale: report.scale }).toEqual({ n: 12, scored: 11, unscored: 1, noHumanMajority: 0, scale: 'ordinal' });
    expect(Object.values(report.unscoredReasons)).toEqual([1]);
    expect(report.cohenKappa.weights).toBe('quadratic');
    expectClose(report.cohenKappa.value, 0.9441624365482233);
    expect(report.cohenKappa.n).toBe(11);
    expectClose(report.krippendorffAlpha.value, 0.9389285714285714);
    expect(report.krippendorffAlpha.level).toBe('ordinal');
    expectClose(report.spearman?.value ?? null, 0.958566059437099);
    expectClose(report.kendallTauB?.value ?? null, 0.8765483240617118);
    expect(report.accuracy).toBeNull();
    // Seeded bootstrap intervals: they bracket the estimate and repeat exactly for the same seed.
    for (const e of [report.cohenKappa, report.krippendorffAlpha, report.spearman!, report.kendallTauB!]) {
      expect(e.method).toBe('bootstrap-percentile');
      expect((e.low as number) <= (e.value as number) && (e.value as number) <= (e.high as number)).toBe(true);
    }
    const again = await validateJudge(createJudge(spec(), p), items, { seed: 7, resamples: 200 });
    expect(again).toEqual(report);
  });

  it('geval scores are treated as interval data (no kappa on continuous scores)', async () => {
    const p = await setup(ratingScript);
    const items = await readLabels(file('ratings-geval.jsonl', ratingLines), 'single');
    const judge = createJudge(spec(), p);
    const report = await validateJudge({ ...judge, identity: { ...judge.identity, kind: 'geval' } }, items, { resamples: 0 });
    expect(report.cohenKappa.value).toBeNull();
    expectClose(report.krippendorffAlpha.value, 0.9456740442655935);
    expect([report.krippendorffAlpha.low, report.krippendorffAlpha.high]).toEqual([null, null]);
  });
});

describe('validateJudge on pairwise winners', () => {
  it('unweighted kappa, nominal alpha and accuracy against the human majority with a Wilson interval', async () => {
    // The judge prefers the answer that says "good", in either position; both or neither: a tie.
    const p = await setup(({ prompt }) => {
      const a = answerAt(prompt, 'A').includes('good');
      const b = answerAt(prompt, 'B').includes('good');
      return { text: a === b ? '[[C]]' : a ? '[[A]]' : '[[B]]' };
    });
    const pairs: Array<[string, string, string[]]> = [
      ['good x', 'bad', ['A']],
      ['bad', 'good', ['B', 'B', 'A']],
      ['good', 'good too', ['tie']],
      ['meh', 'good', ['A']],
      ['good', 'no', ['A', 'B']],
      ['x', 'y', ['B']],
      ['good', 'nah', ['A']],
    ];
    const path = file('pairs.jsonl', pairs.map(([a, b, h], i) => ({ question: `q${i}`, answer: a, answerB: b, human: h.length === 1 ? h[0] : h })));
    const report = await validateJudge(createJudge(spec({ kind: 'pairwise' }), p), await readLabels(path, 'pairwise'), { resamples: 100 });
    expect(report.noHumanMajority).toBe(1);
    expect(report.scale).toBe('nominal');
    expect(report.cohenKappa.weights).toBeNull();
    expectClose(report.cohenKappa.value, 0.5);
    expectClose(report.krippendorffAlpha.value, 0.28888888888888886);
    expect(report.accuracy?.n).toBe(6);
    expectClose(report.accuracy?.value ?? null, 4 / 6);
    expectClose(report.accuracy?.low ?? null, 0.29999331513839184);
    expectClose(report.accuracy?.high ?? null, 0.9032285888942195);
    expect(report.spearman).toBeNull();
  });
});

describe('validateJudge on classification choices', () => {
  it('compares the judge\'s choice string with the human label: unweighted kappa, nominal alpha, accuracy', async () => {
    const JUDGE = ['Y', 'N', 'Y', 'Y', 'N', 'N'];
    const HUMAN = ['Y', 'N', 'N', 'Y', 'N', 'Y'];
    const p = await setup(({ prompt }) => ({ text: `{"choice": "${JUDGE[Number(/item-(\d+)\?/.exec(prompt)?.[1])]}"}` }));
    const path = file('choices.jsonl', HUMAN.map((h, i) => ({ question: `item-${i}?`, answer: 'a', human: h })));
    const judge = createJudge(spec({ kind: 'classify', choices: { Y: 1, N: 0 }, template: file('classify.jinja', ['{{ question }} {{ answer }} {{ choices_text }}']) }), p);
    const report = await validateJudge(judge, await readLabels(path, 'classify'), { resamples: 0 });
    expectClose(report.cohenKappa.value, 0.33333333333333337);
    expectClose(report.krippendorffAlpha.value, 0.38888888888888884);
    expect([report.accuracy?.value, report.accuracy?.n]).toEqual([4 / 6, 6]);
    expectClose(report.accuracy?.low ?? null, 0.29999331513839184);
  });
});

describe('labels file', () => {
  it('consensus helpers: low median, unique majority', () => {
    expect([humanMedian([6, 7]), humanMedian([9, 8, 9]), humanMedian([1, 2, 3, 4])]).toEqual([6, 9, 2]);
    expect([humanMajority(['A', 'B', 'A']), humanMajority(['A', 'B']), humanMajority([3])]).toEqual(['A', undefined, 3]);
  });

  it('bad lines are file:line errors naming the field and what is valid', async () => {
    const bad = async (lines: unknown[], kind: 'single' | 'pairwise' | 'classify' | 'reference'): Promise<string> => {
      const path = file('bad.jsonl', lines);
      return readLabels(path, kind).then(
        () => 'no error',
        (e: Error) => e.message.replace(path, 'F'),
      );
    };
    expect(await bad([{ question: 'q', answer: 'a', human: 3 }, '{"question": "q"'], 'single')).toMatch(/^F:2: not valid JSON/);
    expect(await bad([{ question: 'q', answer: 'a' }], 'single')).toBe('F:1 field "human": missing: expected a number, or an array of numbers from several raters');
    expect(await bad([{ question: 'q', answer: 'a', human: 'A' }], 'single')).toBe('F:1 field "human": a single judge gives ratings: expected a number, or an array of numbers from several raters, got "A"');
    expect(await bad([{ question: 'q', answer: 'a', answerB: 'b', human: 'C' }], 'pairwise')).toBe('F:1 field "human": expected "A", "B" or "tie", or an array of them, got "C"');
    expect(await bad([{ question: 'q', answer: 'a', human: 'A' }], 'pairwise')).toBe('F:1 field "answerB": a pairwise judge needs "answerB" (the second answer)');
    expect(await bad([{ question: 'q', answer: 'a', human: 2 }], 'reference')).toBe('F:1 field "reference": a reference judge needs "reference" (the reference answer)');
    expect(await bad([{ question: 'q', answer: 'a', human: ['Y', 1] }], 'classify')).toBe('F:1 field "human": mixes choice strings and scores (["Y",1]); give one kind of label per file');
    expect(await bad([''], 'single')).toBe('F: no labelled items (every line is blank)');
  });
});
