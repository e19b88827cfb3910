import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAssertionSuite, loadAssertionSuite } from './config.js';
import { mapProviderId } from './provider-ids.js';
import { assertionFromString, loadTestFile } from './test-files.js';

function files(entries: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'assay-suite-config-'));
  for (const [name, text] of Object.entries(entries)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('isAssertionSuite', () => {
  it('tells assertion suites from eval suites', () => {
    expect([
      isAssertionSuite({ prompts: ['x'], providers: ['a:b'], tests: [] }),
      isAssertionSuite({ tests: 'file://t.csv' }),
      isAssertionSuite({ models: ['a:b'], tasks: ['t.yaml'] }),
      isAssertionSuite({ models: ['a:b'], prompts: ['x'] }),
      isAssertionSuite(['prompts']),
      isAssertionSuite(null),
    ]).toEqual([true, true, false, false, false, false]);
  });
});

describe('mapProviderId', () => {
  const at = { file: 's.yaml', field: 'providers[0]' };
  const map = (id: string, config: Record<string, unknown> = {}) => {
    const ignored: string[] = [];
    const m = mapProviderId(id, config, at, (k) => ignored.push(k));
    return { ...m, ignored };
  };
  it('maps promptfoo ids to assay ids with the chat mode they imply', () => {
    const rows = ['openai:gpt-4o', 'openai:chat:gpt-4o', 'openai:completion:davinci-002', 'anthropic:messages:claude-3-5-sonnet-20241022', 'ollama:chat:llama3', 'ollama:llama3:8b', 'openai-compatible:m@http://h:1/v1', 'llama:stories260K.gguf'].map((id) => {
      const m = map(id);
      return [m.id, m.chat, m.promptfooId ?? null];
    });
    expect(rows).toEqual([
      ['openai:gpt-4o', true, null],
      ['openai:gpt-4o', true, 'openai:chat:gpt-4o'],
      ['openai:davinci-002', false, 'openai:completion:davinci-002'],
      ['anthropic:claude-3-5-sonnet-20241022', true, 'anthropic:messages:claude-3-5-sonnet-20241022'],
      ['ollama:llama3', true, 'ollama:chat:llama3'],
      ['ollama:llama3:8b', false, null],
      ['openai-compatible:m@http://h:1/v1', false, null],
      ['llama:stories260K.gguf', false, null],
    ]);
  });
  it('reads generation and connection settings from config and reports the rest', () => {
    const m = map('openai:chat:x', { temperature: 0.7, max_tokens: 64, stop: '###', top_p: 0.9, seed: 3, apiBaseUrl: 'http://h/v1', apiKeyEnvar: 'MY_KEY', response_format: { type: 'json_object' } });
    expect([m.params, m.config, m.ignored]).toEqual([{ temperature: 0.7, maxTokens: 64, stop: ['###'], topP: 0.9, seed: 3 }, { baseUrl: 'http://h/v1', apiKeyEnv: 'MY_KEY' }, ['response_format']]);
    expect(() => map('openai:x', { max_tokens: 1.5 })).toThrow('s.yaml field "providers[0]": config.max_tokens must be a non-negative integer, got 1.5');
  });
});

describe('assertionFromString (promptfoo __expected)', () => {
  it('reads type: value, thresholds, negation, aliases and plain equals', () => {
    expect(['contains: cats', 'not-icontains: CATS', 'similar(0.8): a cat', 'similar:cosine(0.5): x', 'is-json', 'grade: is polite', 'fn: output.length < 5', 'levenshtein(2): abc', 'Paris', 'contains-any: a, b']
      .map(assertionFromString)).toEqual([
      { type: 'contains', value: 'cats' },
      { type: 'not-icontains', value: 'CATS' },
      { type: 'similar', threshold: 0.8, value: 'a cat' },
      { type: 'similar:cosine', threshold: 0.5, value: 'x' },
      { type: 'is-json' },
      { type: 'llm-rubric', value: 'is polite' },
      { type: 'javascript', value: 'output.length < 5' },
      { type: 'levenshtein', threshold: 2, value: 'abc' },
      { type: 'equals', value: 'Paris' },
      { type: 'contains-any', value: 'a, b' },
    ]);
  });
  it('reads CSV rows: vars, __expected columns, __description, __threshold, __metric', async () => {
    const dir = files({ 't.csv': 'q,__expected1,__expected2,__description,__threshold,__metric\nhi,contains: h,starts-with: e,first,0.5,m\n' });
    expect(await loadTestFile(join(dir, 't.csv'))).toEqual([
      { where: 't.csv:2', test: { vars: { q: 'hi' }, assert: [{ type: 'contains', value: 'h', metric: 'm' }, { type: 'starts-with', value: 'e', metric: 'm' }], description: 'first', threshold: 0.5 } },
    ]);
    const bad = files({ 't.csv': 'q,__prefix\nhi,x\n' });
    await expect(loadTestFile(join(bad, 't.csv'))).rejects.toThrow('t.csv:2: unknown column "__prefix": columns starting with "__" are __expected[N], __description, __threshold, __metric');
  });
});

describe('loadAssertionSuite', () => {
  it('merges defaultTest into every test, reads file:// prompts, values and vars, and lists ignored keys', async () => {
    const dir = files({
      'prompts.txt': 'Hello {{name}}\n---\nBye {{name}}',
      'ref.txt': 'Hello Ada',
      'tests.yaml': '- vars: {name: Ada}\n  assert: [{type: equals, value: file://ref.txt}]\n  threshold: 0.5\n',
      'suite.yaml': [
        'description: d',
        'prompts: [file://prompts.txt, {raw: "Hi {{name}}", label: short}]',
        'providers: [{id: "openai:completion:m", label: M, config: {max_tokens: 8}}]',
        'defaultTest:',
        '  vars: {name: Bob, lang: en}',
        '  assert: [{type: contains, value: "{{name}}", metric: names}]',
        '  options: {provider: "openai:gpt-4o-mini", rubricPrompt: x}',
        'tests: [file://tests.yaml, {description: plain}]',
        'evaluateOptions: {repeat: 2, cache: false, maxConcurrency: 4}',
        'sharing: true',
        '',
      ].join('\n'),
    });
    const suite = await loadAssertionSuite(join(dir, 'suite.yaml'));
    expect(suite.prompts.map((p) => [p.label, p.template.render({ name: 'X' })])).toEqual([
      ['file://prompts.txt#1', 'Hello X'],
      ['file://prompts.txt#2', 'Bye X'],
      ['short', 'Hi X'],
    ]);
    expect(suite.providers.map((p) => [p.label, p.id, p.chat, p.params])).toEqual([['M', 'openai:m', false, { temperature: 0, maxTokens: 8 }]]);
    expect(suite.tests).toEqual([
      { index: 0, description: 'test 1', vars: { name: 'Ada', lang: 'en' }, assert: [{ type: 'contains', value: '{{name}}', metric: 'names' }, { type: 'equals', value: 'Hello Ada' }], threshold: 0.5, grader: 'openai:gpt-4o-mini' },
      { index: 1, description: 'plain', vars: { name: 'Bob', lang: 'en' }, assert: [{ type: 'contains', value: '{{name}}', metric: 'names' }], grader: 'openai:gpt-4o-mini' },
    ]);
    expect([suite.name, suite.description, suite.repeat, suite.concurrency, suite.ignored]).toEqual(['suite', 'd', 2, 4, ['sharing', 'defaultTest.options.rubricPrompt', 'evaluateOptions.cache']]);
  });
  it('fails before running on a key neither tool knows, a bad assertion or a prompt that cannot render', async () => {
    const dir = files({
      'a.yaml': 'prompts: [x]\nproviders: [a:b]\npromts: [y]\n',
      'b.yaml': 'prompts: [x]\nproviders: [a:b]\ntests: [{assert: [{type: levenshtein, value: 3}]}]\n',
      'c.yaml': 'prompts: ["{{ missing }}"]\nproviders: [a:b]\ntests: [{vars: {x: 1}}]\n',
      'd.yaml': 'prompts: [x]\nproviders: [a:b]\nrepeat: 0\n',
    });
    await expect(loadAssertionSuite(join(dir, 'a.yaml'))).rejects.toThrow(`${join(dir, 'a.yaml')} field "promts": unknown suite key "promts"; did you mean "prompts"?`);
    await expect(loadAssertionSuite(join(dir, 'b.yaml'))).rejects.toThrow(`${join(dir, 'b.yaml')}: tests[0].assert[0] (levenshtein): value must be`);
    await expect(loadAssertionSuite(join(dir, 'c.yaml'))).rejects.toThrow('missing');
    await expect(loadAssertionSuite(join(dir, 'd.yaml'))).rejects.toThrow(`${join(dir, 'd.yaml')}: repeat: Too small`);
  });
});
