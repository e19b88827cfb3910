// createJudge end to end over HTTP: the OpenAI-compatible provider against a scripted judge
// server whose answers and top_logprobs are fixed per request, so every verdict is known.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { contentHash } from '../core/signature.js';
import { closeTo } from '../../test/support/shared.js';
import { ResponseCache, withCache } from '../providers/cache.js';
import { createProvider } from '../providers/registry.js';
import type { Provider } from '../providers/types.js';
import { answerAt, type FakeJudgeServer, type JudgeScript, type ScriptedReply, startFakeJudgeServer } from '../../test/support/fake-judge-server.js';
import { createJudge, gradeWithPanel, pairwiseSummary, type JudgeInput, type JudgeSpec } from './index.js';

let server: FakeJudgeServer | undefined;
let provider: Provider | undefined;

afterEach(async () => {
  await provider?.close();
  await server?.close();
  server = undefined;
  provider = undefined;
});

async function setup(script: JudgeScript, flavour: 'openai-compatible' | 'ollama' = 'openai-compatible'): Promise<{ server: FakeJudgeServer; provider: Provider }> {
  server = await startFakeJudgeServer(script);
  provider = await createProvider(`${flavour}:judge`, { baseUrl: server.url, maxRetries: 0 });
  return { server, provider };
}

const spec = (over: Partial<JudgeSpec>): JudgeSpec => ({ kind: 'single', model: 'openai-compatible:judge', structured: false, ...over });
const PAIRS: JudgeInput[] = [
  { question: 'Capital of France?', answer: 'Paris.', answerB: 'Paris, on the Seine, is the capital.' },
  { question: '2 + 2?', answer: 'Four, because 2 + 2 = 4.', answerB: '4' },
  { question: 'Name a colour.', answer: 'Blue', answerB: 'Red' },
];
const LN_HALF = Math.log(0.5);

describe('pairwise judging with position swap', () => {
  it('a judge that always prefers the first position is inconsistent on every pair and never names a winner', async () => {
    const { server, provider } = await setup(() => ({ text: 'Assistant A is better.\n[[A]]' }));
    const judge = createJudge(spec({ kind: 'pairwise' }), provider);
    const verdicts = await judge.compare(PAIRS);
    expect(verdicts).toEqual(
      PAIRS.map(() => ({ status: 'scored', winner: 'tie', consistent: false, orders: ['A', 'B'], raw: ['Assistant A is better.\n[[A]]', 'Assistant A is better.\n[[A]]'] })),
    );
    expect(server.calls).toHaveLength(6);
    // Order 2 shows answerB in position A.
    expect(answerAt(server.calls[0].prompt, 'A')).toBe('Paris.');
    expect(answerAt(server.calls[1].prompt, 'A')).toBe('Paris, on the Seine, is the capital.');
    expect(answerAt(server.calls[1].prompt, 'B')).toBe('Paris.');
    const summary = pairwiseSummary(verdicts);
    expect({ n: summary.n, winA: summary.winA, winB: summary.winB, tie: summary.tie, inconsistent: summary.inconsistent, unscored: summary.unscored }).toEqual({ n: 3, winA: 0, winB: 0, tie: 3, inconsistent: 3, unscored: 0 });
    expect(summary.rates).toEqual({ winA: 0, winB: 0, tie: 1, inconsistent: 1, unscored: 0 });
  });

  it('a judge that prefers the longer answer wherever it stands is consistent; the winner is mapped back', async () => {
    const { provider } = await setup(({ prompt }) => {
      const a = answerAt(prompt, 'A');
      const b = answerAt(prompt, 'B');
      return { text: a.length === b.length ? '[[C]]' : a.length > b.length ? '[[A]]' : '[[B]]' };
    });
    const verdicts = await createJudge(spec({ kind: 'pairwise' }), provider).compare([...PAIRS, { question: 'q', answer: 'same', answerB: 'size' }]);
    expect(verdicts.map((v) => (v.status === 'scored' ? [v.winner, v.consistent, v.orders] : v.reason))).toEqual([
      ['B', true, ['B', 'B']],
      ['A', true, ['A', 'A']],
      ['A', true, ['A', 'A']],
      ['tie', true, ['tie', 'tie']],
    ]);
  });

  it('swap: false asks once per pair and takes that verdict', async () => {
    const { server, provider } = await setup(() => ({ text: '[[A]]' }));
    const verdicts = await createJudge(spec({ kind: 'pairwise', swap: false }), provider).compare(PAIRS.slice(0, 1));
    expect(verdicts).toEqual([{ status: 'scored', winner: 'A', consistent: true, orders: ['A'], raw: ['[[A]]'] }]);
    expect(server.calls).toHaveLength(1);
  });

  it('an unreadable verdict in either order leaves the pair unscored, naming the order', async () => {
    const { provider } = await setup(({ index }) => ({ text: index === 1 ? 'Both are fine.' : '[[B]]' }));
    const verdicts = await createJudge(spec({ kind: 'pairwise' }), provider).compare(PAIRS.slice(0, 1));
    expect(verdicts).toEqual([{ status: 'unscored', reason: 'no verdict found (expected [[A]], [[B]] or [[C]]) in "Both are fine." (order 2, answers swapped)', raw: ['[[B]]', 'Both are fine.'] }]);
  });
});

describe('G-Eval scores', () => {
  it('top-logprobs {"7": 0.5, "8": 0.5} at the score position give 7.5 (logprob-weighted)', async () => {
    const { server, provider } = await setup(() => ({ tokens: [{ token: '7', top: { '7': LN_HALF, '8': LN_HALF } }] }));
    const verdicts = await createJudge(spec({ kind: 'geval' }), provider).grade([{ question: 'q', answer: 'a' }]);
    expect(verdicts).toEqual([{ status: 'scored', score: 7.5, method: 'logprob-weighted', distribution: { '7': 0.5, '8': 0.5 }, raw: ['7'] }]);
    expect(server.calls[0].body).toMatchObject({ logprobs: true, top_logprobs: 5, temperature: 0, max_tokens: 16 });
    expect(server.calls[0].body.response_format).toBeUndefined();
  });

  it('renormalises over the score tokens, pools " 4" with "4" and skips tokens before the score', async () => {
    const { provider } = await setup((): ScriptedReply => ({
      tokens: [
        { token: 'Score', top: { Score: -0.1 } },
        { token: ':', top: { ':': -0.01 } },
        { token: ' 4', top: { ' 4': Math.log(0.4), '4': Math.log(0.2), ' 5': Math.log(0.2), ' the': Math.log(0.2) } },
      ],
    }));
    const [v] = await createJudge(spec({ kind: 'geval', scale: [1, 5] }), provider).grade([{ question: 'q', answer: 'a' }]);
    // p(4) = 0.6/0.8 = 0.75, p(5) = 0.25 → 4.25
    expect(v.status).toBe('scored');
    if (v.status !== 'scored') return;
    expect(v.method).toBe('logprob-weighted');
    expect(Math.abs(v.score - 4.25)).toBeLessThanOrEqual(1e-12);
    expect(Math.abs((v.distribution?.['4'] ?? 0) - 0.75)).toBeLessThanOrEqual(1e-12);
    expect(Math.abs((v.distribution?.['5'] ?? 0) - 0.25)).toBeLessThanOrEqual(1e-12);
  });

  it('without logprobs (ollama) it averages n samples at temperature 1, each with its own seed', async () => {
    const ratings = ['6', '7', '7', '8', '9'];
    const { server, provider } = await setup(({ index }) => ({ text: ratings[index] }), 'ollama');
    const [v] = await createJudge(spec({ kind: 'geval', model: 'ollama:judge' }), provider).grade([{ question: 'q', answer: 'a' }]);
    expect(v).toEqual({ status: 'scored', score: 7.4, method: 'sample-mean', distribution: { '6': 0.2, '7': 0.4, '8': 0.2, '9': 0.2 }, raw: ratings });
    expect(server.calls.map((c) => [c.body.temperature, c.body.seed, c.body.logprobs])).toEqual([0, 1, 2, 3, 4].map((s) => [1, s, undefined]));
  });

  it('a score position with no score token among its alternatives is unscored', async () => {
    const { provider } = await setup(() => ({ tokens: [{ token: 'Good', top: { Good: -0.1, Bad: -2 } }] }));
    const [v] = await createJudge(spec({ kind: 'geval', scale: [1, 5] }), provider).grade([{ question: 'q', answer: 'a' }]);
    expect(v).toEqual({ status: 'unscored', reason: 'no generated token is a score token (1, 2, 3, 4, 5)', raw: ['Good'] });
  });
});

describe('single and reference grading', () => {
  it('parses [[rating]] and leaves broken formats, out-of-scale ratings and failed calls unscored with reasons', async () => {
    const replies = ['Solid answer.\nRating: [[8]]', 'I would give it a good score.', 'Rating: [[11]]', '', 'ok'];
    const { provider } = await setup(({ index }) => (index === 3 ? { status: 400 } : { text: replies[index] }));
    const inputs = replies.map((_, i) => ({ question: `q${i}`, answer: `a${i}` }));
    const verdicts = await createJudge(spec({}), provider).grade(inputs.slice(0, 4));
    expect(verdicts).toEqual([
      { status: 'scored', score: 8, method: 'rating', raw: [replies[0]] },
      { status: 'unscored', reason: 'no rating found (expected [[n]] with n in [1, 10]) in "I would give it a good score."', raw: [replies[1]] },
      { status: 'unscored', reason: 'rating 11 is outside the scale [1, 10]', raw: [replies[2]] },
      { status: 'unscored', reason: expect.stringMatching(/^judge request failed \(client_error\): /) as unknown as string, raw: [] },
    ]);
  });

  it('uses the JSON schema (response_format) when the backend has it, and reads {"rating": n}', async () => {
    const { server, provider } = await setup(() => ({ text: '{"explanation": "Accurate.", "rating": 9}' }));
    const judge = createJudge(spec({ kind: 'reference', structured: true }), provider);
    const verdicts = await judge.grade([{ question: 'q', answer: 'a', reference: 'r' }]);
    expect(verdicts).toEqual([{ status: 'scored', score: 9, method: 'rating', raw: ['{"explanation": "Accurate.", "rating": 9}'] }]);
    expect(server.calls[0].body.response_format).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'judge_reference',
        strict: true,
        schema: {
          type: 'object',
          properties: { explanation: { type: 'string' }, rating: { type: 'integer', enum: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] } },
          required: ['explanation', 'rating'],
          additionalProperties: false,
        },
      },
    });
    expect(server.calls[0].prompt).toContain('[Reference answer begins]\nr\n[Reference answer ends]');
    expect(judge.identity.params.structured).toBe(true);
  });

  it('a reference judge refuses an input without a reference (InputError naming the field)', async () => {
    const { provider } = await setup(() => ({ text: '[[5]]' }));
    await expect(createJudge(spec({ kind: 'reference' }), provider).grade([{ question: 'q', answer: 'a' }])).rejects.toThrow(
      'field "reference": judge input 1: a reference judge needs "reference" (the reference answer), and this input has none',
    );
  });
});

describe('classification judges', () => {
  it('factuality: reasoning, then the choice on the last line, mapped to autoevals scores', async () => {
    const replies = ['The submission adds the river.\nB', 'They contradict each other.\nD\nD', 'Not sure.'];
    const { server, provider } = await setup(({ index }) => ({ text: replies[index] }));
    const judge = createJudge(spec({ kind: 'classify', preset: 'factuality' }), provider);
    const verdicts = await judge.grade(replies.map(() => ({ question: 'Capital of France?', answer: 'Paris, on the Seine.', reference: 'Paris' })));
    expect(verdicts).toEqual([
      { status: 'scored', score: 0.6, method: 'choice', choice: 'B', raw: [replies[0]] },
      { status: 'scored', score: 0, method: 'choice', choice: 'D', raw: [replies[1]] },
      { status: 'unscored', reason: 'no choice found (valid: A, B, C, D, E) in "Not sure."', raw: [replies[2]] },
    ]);
    expect(server.calls[0].prompt).toContain('[Expert]: Paris\n');
    expect(judge.identity.params).toEqual({ template: 'builtin:factuality', temperature: 0, maxTokens: 512, structured: false, preset: 'factuality', reasoning: true, choices: '{"A":0.4,"B":0.6,"C":1,"D":0,"E":1}' });
  });

  it('closedqa with structured output reads {"reasons", "choice"}', async () => {
    const { server, provider } = await setup(() => ({ text: '{"reasons": "It names Paris.", "choice": "Y"}' }));
    const [v] = await createJudge(spec({ kind: 'classify', preset: 'closedqa', structured: true }), provider).grade([{ question: 'Capital of France?', answer: 'Paris', criteria: 'names the capital' }]);
    expect(v).toEqual({ status: 'scored', score: 1, method: 'choice', choice: 'Y', raw: ['{"reasons": "It names Paris.", "choice": "Y"}'] });
    const format = server.calls[0].body.response_format as { json_schema: { schema: { properties: Record<string, unknown> } } };
    expect(format.json_schema.schema.properties).toEqual({ reasons: { type: 'string' }, choice: { type: 'string', enum: ['Y', 'N'] } });
  });

  it('a classify judge without a preset or template is a configuration error', async () => {
    const { provider } = await setup(() => ({ text: 'Y' }));
    expect(() => createJudge(spec({ kind: 'classify', choices: { Y: 1, N: 0 } }), provider)).toThrow('field "preset": a classify judge needs a preset (closedqa, factuality) or a template file');
    expect(() => createJudge(spec({ kind: 'classify', preset: 'factual' }), provider)).toThrow('unknown classify preset "factual"; did you mean "factuality"?');
  });
});

describe('templates and identity', () => {
  it('a template file replaces the built-in prompt; its hash is in the identity', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-judge-'));
    const file = join(dir, 'rubric.jinja');
    const source = 'Rate {{ answer }} for "{{ question }}" from {{ scale_min }} to {{ scale_max }}: [[n]]';
    writeFileSync(file, source);
    const { server, provider } = await setup(() => ({ text: '[[4]]' }));
    const judge = createJudge(spec({ template: file, scale: [1, 5], temperature: 0.5, maxTokens: 64 }), provider);
    const [v] = await judge.grade([{ question: 'Why?', answer: 'Because.' }]);
    expect(v).toEqual({ status: 'scored', score: 4, method: 'rating', raw: ['[[4]]'] });
    expect(server.calls[0].prompt).toBe('Rate Because. for "Why?" from 1 to 5: [[n]]');
    expect(judge.identity).toEqual({ model: 'openai-compatible:judge', kind: 'single', templateHash: contentHash(source), params: { template: file, temperature: 0.5, maxTokens: 64, structured: false, scaleMin: 1, scaleMax: 5 } });
  });

  it('grade() on a pairwise judge and compare() on a grading judge are usage errors', async () => {
    const { provider } = await setup(() => ({ text: '' }));
    await expect(createJudge(spec({ kind: 'pairwise' }), provider).grade(PAIRS)).rejects.toThrow('a pairwise judge compares two answers: call compare(), not grade()');
    await expect(createJudge(spec({}), provider).compare(PAIRS)).rejects.toThrow('a single judge grades one answer: call grade(), not compare()');
  });
});

describe("judge calls go through the caller's provider", () => {
  it('a cached provider answers a repeated geval sampling run from the cache (seeded samples stay apart)', async () => {
    const ratings = ['6', '7', '7', '8', '9'];
    const { server, provider } = await setup(({ index }) => ({ text: ratings[index % 5] }), 'ollama');
    const dir = mkdtempSync(join(tmpdir(), 'assay-judge-cache-'));
    const cache = ResponseCache.open(join(dir, 'cache.sqlite'));
    try {
      const judge = createJudge(spec({ kind: 'geval', model: 'ollama:judge' }), withCache(provider, cache));
      const first = await judge.grade([{ question: 'q', answer: 'a' }]);
      const second = await judge.grade([{ question: 'q', answer: 'a' }]);
      expect(server.calls).toHaveLength(5);
      expect(second).toEqual(first);
      expect(first[0]).toMatchObject({ status: 'scored', score: 7.4, method: 'sample-mean' });
    } finally {
      cache.close();
    }
  });

  it('a panel of two HTTP judges: known votes give the known mean and agreement', async () => {
    const votesA: Record<string, string> = { q1: '[[4]]', q2: '[[2]]', q3: '[[5]]' };
    const votesB: Record<string, string> = { q1: '[[4]]', q2: 'Rating: 3', q3: 'no idea' };
    const question = (prompt: string) => /\[Question\]\n(q\d)/.exec(prompt)?.[1] ?? '';
    const a = await startFakeJudgeServer(({ prompt }) => ({ text: votesA[question(prompt)] }));
    const b = await startFakeJudgeServer(({ prompt }) => ({ text: votesB[question(prompt)] }));
    const pa = await createProvider('openai-compatible:a', { baseUrl: a.url, maxRetries: 0 });
    const pb = await createProvider('openai-compatible:b', { baseUrl: b.url, maxRetries: 0 });
    try {
      const judges = [createJudge(spec({ model: 'openai-compatible:a' }), pa), createJudge(spec({ model: 'openai-compatible:b' }), pb)];
      const result = await gradeWithPanel(judges, ['q1', 'q2', 'q3'].map((q) => ({ question: q, answer: 'x' })), 'mean');
      expect(result.verdicts.map((v) => (v.status === 'scored' ? v.score : v.reason))).toEqual([4, 2.5, 5]);
      expect(result.perJudge[1][2]).toEqual({ status: 'unscored', reason: 'no rating found (expected [[n]] with n in [1, 10]) in "no idea"', raw: ['no idea'] });
      // NLTK AnnotationTask(interval_distance).alpha() on a=[4,2,5], b=[4,3,-]: 0.7272727272727273; pairs agree on q1 only.
      expect(closeTo(result.agreement.krippendorffAlpha ?? Number.NaN, 0.7272727272727273)).toBe(true);
      expect(result.agreement.pairwiseAgreement).toBe(0.5);
    } finally {
      await pa.close();
      await pb.close();
      await a.close();
      await b.close();
    }
  });
});
