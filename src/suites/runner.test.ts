import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GenerateRequest, Provider, Settled, GenerateResult } from '../providers/types.js';
import { loadAssertionSuite } from './config.js';
import { formatSuiteText, xmlEscape } from './report.js';
import { runSuite } from './runner.js';

/** A scripted provider: `answer(prompt)` gives the text, or an Error for a failed request. */
function scripted(id: string, answer: (prompt: string, request: GenerateRequest) => string | Error, seen: GenerateRequest[] = []): Provider {
  const generate = async (requests: readonly GenerateRequest[]): Promise<Settled<GenerateResult>[]> =>
    requests.map((r) => {
      seen.push(r);
      const text = typeof r.prompt === 'string' ? r.prompt : r.prompt.map((m) => `${m.role}:${m.content}`).join('|');
      const out = answer(text, r);
      if (out instanceof Error) return { ok: false, error: { code: 'server_error', message: out.message, attempts: 1 } };
      return { ok: true, value: { text: out, finishReason: 'stop', usage: { promptTokens: 1, completionTokens: 1 }, latencyMs: 5, cached: false, ...(r.logprobs ? { logprobs: [{ token: out, logprob: -Math.log(4) }] } : {}) } };
    });
  const none = async () => [];
  return {
    id,
    capabilities: { generate: true, loglikelihood: false, loglikelihoodRolling: false, topLogprobs: 1, chat: true, constraint: { jsonSchema: false, grammar: false }, embeddings: false, tokenCount: false },
    identity: { id },
    generate,
    loglikelihood: none,
    loglikelihoodRolling: none,
    embed: none,
    countTokens: async () => 0,
    close: async () => undefined,
  };
}

async function suiteFile(yaml: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'assay-suite-run-'));
  writeFileSync(join(dir, 's.yaml'), yaml);
  return join(dir, 's.yaml');
}

describe('runSuite', () => {
  it('sends chat prompts to chat providers, asks for logprobs only for perplexity, records failed requests as errors', async () => {
    const file = await suiteFile(
      [
        'prompts: ["Say {{w}}", \'[{"role": "system", "content": "be brief"}, {"role": "user", "content": "{{w}}?"}]\']',
        'providers: ["openai:chat:m"]',
        'tests:',
        '  - {vars: {w: a}, assert: [{type: perplexity, threshold: 4}]}',
        '  - {vars: {w: b}, assert: [{type: contains, value: b, metric: has_b}, {type: contains, value: z, weight: 0, metric: has_b}]}',
        '  - {vars: {w: boom}, assert: [{type: contains, value: x}]}',
        '',
      ].join('\n'),
    );
    const suite = await loadAssertionSuite(file);
    const seen: GenerateRequest[] = [];
    const report = await runSuite(suite, { open: async () => scripted('openai:m', (p) => (p.includes('boom') ? new Error('HTTP 500') : `got ${p}`), seen) });
    expect(seen.map((r) => [r.prompt, r.logprobs ?? false])).toEqual([
      [[{ role: 'user', content: 'Say a' }], true],
      [[{ role: 'user', content: 'Say b' }], false],
      [[{ role: 'user', content: 'Say boom' }], false],
      [[{ role: 'system', content: 'be brief' }, { role: 'user', content: 'a?' }], true],
      [[{ role: 'system', content: 'be brief' }, { role: 'user', content: 'b?' }], false],
      [[{ role: 'system', content: 'be brief' }, { role: 'user', content: 'boom?' }], false],
    ]);
    const [first] = report.cells;
    expect(first!.tests.map((t) => [t.pass, t.errors, t.runs[0]!.outcome?.score ?? null, t.runs[0]!.error])).toEqual([
      [true, 0, 1, null],
      [true, 0, 1, null],
      [false, 1, null, 'server_error: HTTP 500'],
    ]);
    // perplexity exp(log 4) = 4 <= 4; the metric-only assertion (weight 0) counts in has_b's mean.
    expect(first!.tests[0]!.runs[0]!.outcome!.results[0]!.reason).toBe('Assertion passed');
    expect([first!.passed, first!.failed, first!.errors, first!.passRate, report.pass]).toEqual([2, 0, 1, 1, false]);
    expect(first!.named).toEqual({ has_b: { mean: 0.5, n: 1, ciLow: null, ciHigh: null } });
    const text = formatSuiteText(report).split('\n');
    expect(text.slice(1, 7)).toEqual([
      '',
      'prompt 1 (Say {{w}}) × openai:chat:m',
      'test    result   score  reason',
      'test 1  PASS    1.0000',
      'test 2  PASS    1.0000',
      'test 3  ERROR        -  error: server_error: HTTP 500',
    ]);
  });

  it('reports pass@k, pass^k and flakiness per test over repeats, and filters tests by description', async () => {
    const file = await suiteFile('prompts: ["{{q}}"]\nproviders: [m:x]\nrepeat: 4\ntests:\n  - {description: coin, vars: {q: c}, assert: [{type: equals, value: "yes"}]}\n  - {description: skip me, vars: {q: s}}\n');
    const suite = await loadAssertionSuite(file);
    let calls = 0;
    const report = await runSuite(suite, { open: async () => scripted('m:x', () => (calls++ % 2 === 0 ? 'yes' : 'no')), filter: /coin/ });
    const [t] = report.cells[0]!.tests;
    expect(report.cells[0]!.tests.length).toBe(1);
    // n = 4, c = 2: pass@k = 1 - C(2,k)/C(4,k); pass^k = C(2,k)/C(4,k).
    expect([t!.passAtK[0], t!.passAtK[2], t!.passAtK[3], t!.passHatK, t!.flakiness]).toEqual([0.5, 1, 1, [0.5, 1 / 6, 0, 0], { n: 4, passes: 2, rate: 0.5, flaky: true }]);
    expect(Math.abs(t!.passAtK[1]! / (5 / 6) - 1)).toBeLessThan(1e-12);
    expect(formatSuiteText(report).split('\n').slice(3, 5)).toEqual([
      'test  result  passes   score  pass@4  pass^4   flaky  reason',
      'coin  FAIL       2/4  0.5000  1.0000  0.0000  0.5000  Expected output "no" to equal "yes"',
    ]);
  });
});

describe('runSuite judges', () => {
  it("opens one judge per options.provider; a test's own provider overrides defaultTest's", async () => {
    const file = await suiteFile(
      [
        'prompts: ["{{q}}"]',
        'providers: [m:x]',
        'defaultTest: {options: {provider: "j:a"}, assert: [{type: llm-rubric, value: polite}]}',
        'tests:',
        '  - {vars: {q: one}}',
        '  - {vars: {q: two}, options: {provider: "j:b"}}',
        '',
      ].join('\n'),
    );
    const suite = await loadAssertionSuite(file);
    const opened: string[] = [];
    const report = await runSuite(suite, {
      open: async (p) => {
        opened.push(p.id);
        if (p.id === 'j:a') return scripted('j:a', () => 'Fine. Rating: [[10]]');
        if (p.id === 'j:b') return scripted('j:b', () => 'Rude. Rating: [[1]]');
        return scripted(p.id, (q) => `answer ${q}`);
      },
    });
    expect(opened).toEqual(['j:a', 'j:b', 'm:x']);
    expect(report.cells[0]!.tests.map((t) => [t.pass, t.runs[0]!.outcome!.score, t.runs[0]!.outcome!.results[0]!.reason])).toEqual([
      [true, 1, 'j:a rating 10 on [1, 10]: Fine. Rating: [[10]]'],
      [false, 0, 'j:b rating 1 on [1, 10]: Rude. Rating: [[1]]'],
    ]);
  });
});

describe('xmlEscape', () => {
  it('escapes markup, keeps line breaks as character references, replaces what XML cannot hold', () => {
    expect(xmlEscape(`a<b>&"c"'\n\t\u0001\u001b[31m`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;&#10;&#9;\uFFFD\uFFFD[31m');
  });
});
