// Judge audits against scripted judges with known biases; expected values from scipy spearmanr,
// numpy and statsmodels proportion_confint(method='wilson').
import { afterEach, describe, expect, it } from 'vitest';
import { closeTo } from '../../test/support/shared.js';
import { answerAt, type FakeJudgeServer, type JudgeScript, startFakeJudgeServer } from '../../test/support/fake-judge-server.js';
import { createProvider } from '../providers/registry.js';
import type { Provider } from '../providers/types.js';
import { auditJudge, NEUTRAL_PADDING } from './audit.js';
import { createJudge } from './judge.js';
import type { JudgeInput, JudgeSpec } from './types.js';

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

const spec = (over: Partial<JudgeSpec> = {}): JudgeSpec => ({ kind: 'single', model: 'openai-compatible:judge', structured: false, ...over });
const expectClose = (actual: number | null, expected: number): void => expect(closeTo(actual ?? Number.NaN, expected, 1e-9)).toBe(true);
const PAIRS: JudgeInput[] = ['one', 'two', 'three', 'four', 'five'].map((w, i) => ({ question: `q${i}`, answer: `Answer ${w}.`, answerB: `The answer is ${w}, explained at length.` }));

describe('position bias', () => {
  it('a judge that always picks the first position: every pair order-dependent, every decisive raw verdict for the first position', async () => {
    const p = await setup(() => ({ text: 'A is better. [[A]]' }));
    const judge = createJudge(spec({ kind: 'pairwise' }), p);
    const report = await auditJudge(judge, PAIRS, { repeatJudge: createJudge(spec({ kind: 'pairwise', temperature: 1 }), p), repeats: 3, resamples: 100 });
    const pos = report.position!;
    expect({ n: pos.n, unscored: pos.unscored, rawTies: pos.rawTies }).toEqual({ n: 5, unscored: 0, rawTies: 0 });
    expect(pos.inconsistent).toEqual({ value: 1, low: pos.inconsistent.low, high: 1, n: 5, method: 'wilson' });
    expectClose(pos.inconsistent.low, 0.5655175352168252);
    expect([pos.firstPosition.value, pos.firstPosition.n, pos.firstPosition.high]).toEqual([1, 10, 1]);
    expectClose(pos.firstPosition.low, 0.7224672001371106);
    // (answer, answer + padding) is order-dependent too: a tie, so no shift and no padded wins.
    expect(report.verbosity.paddingShift.value).toBe(0);
    expect([report.verbosity.paddedWinRate?.value, report.verbosity.paddedWinRate?.n, report.verbosity.paddedWinRate?.low]).toEqual([0, 5, 0]);
    expectClose(report.verbosity.paddedWinRate?.high ?? null, 0.43448246478317487);
    expect(report.verbosity.lengthCorrelation).toBeNull();
    // Repeats: the same (inconsistent) tie every time.
    expect(report.consistency?.agreement.value).toBe(1);
    expect(report.consistency?.meanScoreSd).toBeNull();
  });

  it('a judge that prefers the longer answer wherever it stands: consistent, padded answer always wins', async () => {
    const p = await setup(({ prompt }) => ({ text: answerAt(prompt, 'A').length >= answerAt(prompt, 'B').length ? '[[A]]' : '[[B]]' }));
    const report = await auditJudge(createJudge(spec({ kind: 'pairwise' }), p), PAIRS, { resamples: 100 });
    expect(report.position?.inconsistent.value).toBe(0);
    expect(report.position?.firstPosition.value).toBe(0.5);
    expect([report.verbosity.paddingShift.value, report.verbosity.paddingShift.low, report.verbosity.paddingShift.high]).toEqual([1, 1, 1]);
    expect(report.verbosity.paddedWinRate?.value).toBe(1);
    expect(report.consistency).toBeNull();
  });
});

describe('verbosity bias and self-consistency of a rating judge', () => {
  const ANSWERS = ['Short.', 'A somewhat longer answer here.', 'Tiny', 'This is quite a long answer that keeps going on and on for a while.', 'Medium length answer.', 'Another answer of moderate size, okay.', 'Two words', 'An answer with forty or so characters..'];
  const OFFSET = [0, 2, -1, 1, 0, 3, -2, 1];
  const ITEMS: JudgeInput[] = ANSWERS.map((answer, i) => ({ question: `item-${i}?`, answer }));
  const shown = (prompt: string): string => /\[Assistant's answer begins\]\n([\s\S]*?)\n\[Assistant's answer ends\]/.exec(prompt)?.[1] ?? '';

  it('score vs length Spearman, padded-score shift, and repeats that disagree on half the items', async () => {
    const seen = new Map<number, number>();
    // Score: a tenth of the answer's length plus a per-item offset, within 1..10. Sampled calls
    // (temperature > 0) on odd-numbered items alternate between 5 and 6; even ones give 5 always.
    const p = await setup(({ prompt, body }) => {
      const k = Number(/item-(\d+)\?/.exec(prompt)?.[1]);
      if (typeof body.temperature === 'number' && body.temperature > 0) {
        const count = seen.get(k) ?? 0;
        seen.set(k, count + 1);
        return { text: `[[${k % 2 === 1 ? 5 + (count % 2) : 5}]]` };
      }
      return { text: `[[${Math.min(10, Math.max(1, Math.floor(shown(prompt).length / 10) + OFFSET[k]))}]]` };
    });
    const report = await auditJudge(createJudge(spec(), p), ITEMS, { repeatJudge: createJudge(spec({ temperature: 1 }), p), repeats: 3, resamples: 100, seed: 3 });
    expect(report.position).toBeNull();
    expect(report.verbosity.lengthCorrelation?.n).toBe(8);
    expectClose(report.verbosity.lengthCorrelation?.value ?? null, 0.9027075674773933);
    expectClose(report.verbosity.paddingShift.value, 6.625);
    expect(report.verbosity.padding).toBe(NEUTRAL_PADDING);
    const c = report.consistency!;
    expect({ repeats: c.repeats, temperature: c.temperature, incomplete: c.incomplete, agree: c.agreement.value, n: c.agreement.n }).toEqual({ repeats: 3, temperature: 1, incomplete: 0, agree: 0.5, n: 8 });
    expectClose(c.agreement.low, 0.2152160622138775);
    expectClose(c.agreement.high, 0.7847839377861225);
    expectClose(c.meanScoreSd?.value ?? null, 0.2886751345948129);
  });

  it('repeats at temperature 0 are refused: they would be one answer (or a cache hit) three times', async () => {
    const p = await setup(() => ({ text: '[[5]]' }));
    await expect(auditJudge(createJudge(spec(), p), ITEMS, { repeatJudge: createJudge(spec(), p), resamples: 0 })).rejects.toThrow('self-consistency needs a judge sampling at temperature > 0');
  });
});
