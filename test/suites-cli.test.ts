// End to end: `assay run SUITE.yaml` on assertion suites against loopback OpenAI-compatible
// servers: the echo model ("echo: " + prompt) with known pass/fail, a promptfoo-format config with
// its ignored keys reported, a scripted flaky provider over 3 repeats, JUnit XML and exit codes.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIO } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import { SQLiteStore } from '../src/store/sqlite.js';
import type { SuiteReport } from '../src/suites/index.js';
import { startFakeJudgeServer } from './support/fake-judge-server.js';
import { type LoopbackServer, openAIRoute, startLoopbackServer } from './support/fake-openai-server.js';
import { REPO_ROOT } from './support/shared.js';

const FIXTURES = join(REPO_ROOT, 'test/fixtures/suites');

let echo: LoopbackServer;
let flaky: LoopbackServer;
beforeAll(async () => {
  echo = await startLoopbackServer(openAIRoute());
  // Answers "yes", "no", "yes", … per distinct prompt, in arrival order; "Is it? 2" always "yes".
  const seen = new Map<string, number>();
  flaky = await startLoopbackServer((request) => {
    const prompt = String((request.body as { prompt?: string }).prompt);
    const i = seen.get(prompt) ?? 0;
    seen.set(prompt, i + 1);
    const text = prompt.endsWith('2') || i % 2 === 0 ? 'yes' : 'no';
    return { status: 200, body: { id: 'c', object: 'text_completion', model: 'flaky', choices: [{ index: 0, text, finish_reason: 'stop', logprobs: null }], usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } } };
  });
});
afterAll(async () => {
  await echo.close();
  await flaky.close();
});

function workdir(): string {
  return mkdtempSync(join(tmpdir(), 'assay-suites-'));
}

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = bufferIO();
  const code = await main(['run', ...args], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('assay run on an assertion suite', () => {
  it('runs CSV tests against the echo model: 2 of 3 pass, exit 1, stored as a run', async () => {
    const dir = workdir();
    const store = join(dir, 'assay.db');
    const r = await run([join(FIXTURES, 'echo-suite.yaml'), '--base-url', echo.url, '--store', store, '--cache-file', join(dir, 'c.sqlite'), '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as SuiteReport;
    expect(report.pass).toBe(false);
    const [cell] = report.cells;
    expect(cell!.tests.map((t) => [t.description, t.pass, t.runs[0]!.output, t.runs[0]!.outcome!.reason])).toEqual([
      ['mentions cats', true, 'echo: tell me about cats', 'All assertions passed'],
      ['mentions puppies', false, 'echo: tell me about dogs', 'Expected output to contain "puppies"'],
      ['exact echo', true, 'echo: tell me about birds', 'All assertions passed'],
    ]);
    // Wilson 95% for 2/3: statsmodels proportion_confint(2, 3, method='wilson').
    expect([cell!.passed, cell!.failed, cell!.errors, cell!.passRate]).toEqual([2, 1, 0, 2 / 3]);
    expect(Math.abs(cell!.ci!.low / 0.2076596008020477 - 1)).toBeLessThan(1e-9);
    expect(Math.abs(cell!.ci!.high / 0.9385080552796037 - 1)).toBeLessThan(1e-9);
    const db = SQLiteStore.open(store);
    try {
      const stored = await db.getRun(cell!.runId!);
      expect([stored!.status, stored!.model, stored!.provenance.tasks.map((t) => t.task)]).toEqual(['finished', 'openai-compatible:fake', ['suite:echo-suite']]);
      const [agg] = await db.aggregates(cell!.runId!);
      expect([agg!.task, agg!.metric, agg!.value, agg!.n, agg!.method, agg!.ciLow, agg!.ciHigh]).toEqual(['suite:echo-suite', 'pass_rate', 2 / 3, 3, 'wilson', cell!.ci!.low, cell!.ci!.high]);
      const page = await db.samplePage(cell!.runId!, 'suite:echo-suite', 0, 10);
      expect(page.samples.map((s) => [s.docId, s.repeat, s.scores.pass, s.rawResponse])).toEqual([
        [0, 0, 1, 'echo: tell me about cats'],
        [1, 0, 0, 'echo: tell me about dogs'],
        [2, 0, 1, 'echo: tell me about birds'],
      ]);
    } finally {
      await db.close();
    }
  });

  it('writes exact JUnit XML', async () => {
    const dir = workdir();
    const r = await run([join(FIXTURES, 'echo-suite.yaml'), '--base-url', echo.url, '--store', join(dir, 'a.db'), '--no-cache', '--format', 'junit', '--output', join(dir, 'out.xml')]);
    expect(r.code).toBe(1);
    const expected = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<testsuites name="echo-suite" tests="3" failures="1" errors="0">',
      '  <testsuite name="prompt 1 × openai-compatible:fake" tests="3" failures="1" errors="0">',
      '    <properties>',
      '      <property name="provider" value="openai-compatible:fake"/>',
      '      <property name="prompt" value="tell me about {{topic}}"/>',
      '      <property name="repeat" value="1"/>',
      '      <property name="passed" value="2"/>',
      '      <property name="n" value="3"/>',
      `      <property name="pass_rate" value="${2 / 3}"/>`,
      '      <property name="pass_rate_ci_low" value="0.20765960080204776"/>',
      '      <property name="pass_rate_ci_high" value="0.9385080552796037"/>',
      '      <property name="pass_rate_ci_method" value="wilson 95%"/>',
      '    </properties>',
      '    <testcase name="mentions cats" classname="echo-suite.openai-compatible:fake"/>',
      '    <testcase name="mentions puppies" classname="echo-suite.openai-compatible:fake">',
      '      <failure message="Expected output to contain &quot;puppies&quot;" type="assertion">1 of 1 runs failed&#10;repeat 1: Expected output to contain &quot;puppies&quot;</failure>',
      '    </testcase>',
      '    <testcase name="exact echo" classname="echo-suite.openai-compatible:fake"/>',
      '  </testsuite>',
      '</testsuites>',
      '',
    ].join('\n');
    expect(r.stdout).toBe(expected);
    expect(readFileSync(join(dir, 'out.xml'), 'utf8')).toBe(expected);
  });

  it('exits 0 when every test passes, and prints the text table with the CI', async () => {
    const dir = workdir();
    const r = await run([join(FIXTURES, 'all-pass.yaml'), '--base-url', echo.url, '--store', join(dir, 'a.db'), '--no-cache']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('suite all-pass: echo model, every test passes  (repeat 1)');
    expect(lines.slice(3, 6)).toEqual(['test        result   score  reason', 'test 1      PASS    1.0000', 'json check  PASS    1.0000']);
    expect(lines.slice(-4)).toEqual(['pass rates (Wilson 95% CI; errored requests are counted apart)', 'prompt    provider                passed  n  pass rate  95% CI            errors', 'prompt 1  openai-compatible:fake       2  2     1.0000  [0.3424, 1.0000]       0', '']);
  });

  it('runs a promptfoo config (bench shape) and names the keys it ignored', async () => {
    const dir = workdir();
    const saved = { url: process.env.OPENAI_BASE_URL, key: process.env.OPENAI_API_KEY };
    process.env.OPENAI_BASE_URL = echo.url;
    process.env.OPENAI_API_KEY = 'sk-test';
    try {
      const before = echo.requests.length;
      const r = await run([join(FIXTURES, 'promptfooconfig.yaml'), '--store', join(dir, 'a.db'), '--no-cache', '--format', 'json']);
      expect(r.stderr).toBe(`assay: warning: ${join(FIXTURES, 'promptfooconfig.yaml')}: ignored (not supported by assay): sharing, outputPath, providers[0].config.frequency_penalty, tests.jsonl:2.metadata\n`);
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as SuiteReport;
      expect(report.cells.map((c) => [c.providerId, c.passed, c.failed])).toEqual([['openai:bench', 2, 0]]);
      const sent = echo.requests.slice(before).map((q) => [q.path, (q.body as { prompt: string }).prompt, (q.body as { stop: string[] }).stop]);
      expect(sent.sort()).toEqual([
        ['/v1/completions', 'Q: 2+2?\nA:', ['\n']],
        ['/v1/completions', 'Q: capital of France?\nA:', ['\n']],
      ]);
    } finally {
      for (const [k, v] of [['OPENAI_BASE_URL', saved.url], ['OPENAI_API_KEY', saved.key]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('repeat 3 with a flaky provider: exact pass@k, pass^k, flakiness; a cached rerun replays every repeat', async () => {
    const dir = workdir();
    const args = [join(FIXTURES, 'flaky.yaml'), '--base-url', flaky.url, '--store', join(dir, 'a.db'), '--cache-file', join(dir, 'c.sqlite'), '--format', 'json'];
    const r = await run(args);
    expect(r.code).toBe(1);
    const [cell] = (JSON.parse(r.stdout) as SuiteReport).cells;
    const [f, s] = cell!.tests;
    expect([f!.n, f!.passes, f!.passAtK, f!.passHatK, f!.flakiness]).toEqual([3, 2, [2 / 3, 1, 1], [2 / 3, 1 / 3, 0], { n: 3, passes: 2, rate: 1 / 3, flaky: true }]);
    expect([s!.n, s!.passes, s!.passAtK, s!.passHatK, s!.flakiness]).toEqual([3, 3, [1, 1, 1], [1, 1, 1], { n: 3, passes: 3, rate: 0, flaky: false }]);
    expect([cell!.passed, cell!.failed]).toEqual([5, 1]);
    // Repeats of one test are correlated: the interval is clustered by test. Outcomes [1,1,0] and
    // [1,1,1]: mean 5/6, cluster-robust SE 1/6 (statsmodels OLS cov_type='cluster'), t with G-1 = 1 df
    // (scipy t.ppf(0.975, 1) = 12.706204736174707).
    expect(cell!.ciMethod).toBe('clustered-t');
    expect(cell!.ci!.low).toBeCloseTo(5 / 6 - 12.706204736174707 / 6, 9);
    expect(cell!.ci!.high).toBeCloseTo(5 / 6 + 12.706204736174707 / 6, 9);
    const requests = flaky.requests.length;
    expect(requests).toBe(6);
    const again = JSON.parse((await run(args)).stdout) as SuiteReport;
    expect(flaky.requests.length).toBe(requests);
    expect(again.cells[0]!.tests.map((t) => [t.passes, t.runs.every((x) => x.cached)])).toEqual([[2, true], [3, true]]);
    // --repeat overrides the suite's repeat: 1 repeat of the flaky test is cached from the first run.
    const once = JSON.parse((await run([...args, '--repeat', '1'])).stdout) as SuiteReport;
    expect(once.repeat).toBe(1);
  });

  it('grades llm-rubric with the judge named in defaultTest.options.provider; a reply without a rating fails as an error result', async () => {
    const judge = await startFakeJudgeServer((call) => ({ text: call.prompt.includes('echo: hi') ? '{"explanation": "polite", "rating": 8}' : 'no idea' }));
    try {
      const dir = workdir();
      writeFileSync(
        join(dir, 'rubric.yaml'),
        [
          'prompts: ["{{w}}"]',
          `providers: ["openai-compatible:fake@${echo.url}"]`,
          'defaultTest:',
          `  options: {provider: "openai-compatible:judge@${judge.url}"}`,
          '  assert: [{type: llm-rubric, value: is polite}]',
          'tests: [{vars: {w: hi}}, {vars: {w: yo}}]',
          '',
        ].join('\n'),
      );
      const r = await run([join(dir, 'rubric.yaml'), '--store', join(dir, 'a.db'), '--no-cache', '--format', 'json']);
      expect(r.code).toBe(1);
      const results = (JSON.parse(r.stdout) as SuiteReport).cells[0]!.tests.map((t) => t.runs[0]!.outcome!.results[0]!);
      // Rating 8 on [1, 10] is 7/9 on [0, 1], over llm-rubric's 0.5.
      expect(results.map((x) => [x.pass, x.score, x.error ?? false])).toEqual([[true, 7 / 9, false], [false, 0, true]]);
      expect(judge.calls.length).toBe(2);
    } finally {
      await judge.close();
    }
  });

  it('exits 2 on bad input, naming the key or type and the closest valid names', async () => {
    const dir = workdir();
    const badKey = await run([join(FIXTURES, 'bad-key.yaml'), '--store', join(dir, 'a.db')]);
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toBe(`assay: error: ${join(FIXTURES, 'bad-key.yaml')} field "tests[0].asert": unknown test key "asert"; did you mean "assert"? (valid: description, vars, assert, threshold, options)\n`);
    const badType = await run([join(FIXTURES, 'bad-type.yaml'), '--store', join(dir, 'a.db')]);
    expect(badType.code).toBe(2);
    expect(badType.stderr).toMatch(/^assay: error: .*bad-type\.yaml: tests\[0\]\.assert\[0\]: unknown assertion type "icontain"; did you mean "icontains"/);
    const badFormat = await run([join(FIXTURES, 'all-pass.yaml'), '--format', 'xml', '--store', join(dir, 'a.db')]);
    expect([badFormat.code, badFormat.stderr]).toEqual([2, 'assay: error: --format must be one of text, json, junit, got "xml"\n']);
    const withModel = await run([join(FIXTURES, 'all-pass.yaml'), '--model', 'openai:x', '--store', join(dir, 'a.db')]);
    expect([withModel.code, withModel.stderr]).toEqual([2, `assay: error: ${join(FIXTURES, 'all-pass.yaml')} is an assertion suite: its providers and tests are in the file; --model and --tasks are for evaluation suites\n`]);
  });
});
