import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { aggregateResults, assertionRegistry, registerAssertion, runAssertion, runAssertions, validateAssertion } from './registry.js';
import type { AssertionContext } from './types.js';

const ctx: AssertionContext = { vars: { name: 'Ada' }, prompt: 'Who?' };

describe('validateAssertion', () => {
  it('names the closest types for an unknown one, with or without not-', () => {
    expect(() => validateAssertion({ type: 'contain' }, 'suite.yaml tests[0].assert[1]')).toThrow(ConfigError);
    expect(() => validateAssertion({ type: 'not-icontain' }, 'suite.yaml tests[0].assert[1]')).toThrow(
      `suite.yaml tests[0].assert[1]: unknown assertion type "icontain"; did you mean "icontains" or "contains" or "icontains-all"? (valid: ${assertionRegistry.names().join(', ')})`,
    );
  });
  it('checks threshold, weight, metric and the value', () => {
    expect(() => validateAssertion({ type: 'equals', value: 'x', weight: -1 }, 'at')).toThrow('at (equals): weight must be a number >= 0, got -1');
    expect(() => validateAssertion({ type: 'bleu', value: 'x', threshold: Number.NaN }, 'at')).toThrow('at (bleu): threshold must be a finite number, got null');
    expect(() => validateAssertion({ type: 'contains', value: '' }, 'at')).toThrow('at (contains): value must be a non-empty string or a number');
    expect(() => validateAssertion({ type: 'contains-any', value: [] }, 'at')).toThrow('at (contains-any): value must be a non-empty list of strings, or a comma-separated string');
    expect(() => validateAssertion({ type: '' }, 'at')).toThrow('at: an assertion needs a "type"');
  });
});

describe('runAssertions', () => {
  it('passes when every assertion passes; the score is the weighted mean', async () => {
    const out = await runAssertions(
      [
        { type: 'contains', value: '{{ name }}', weight: 3, metric: 'mentions' },
        { type: 'starts-with', value: 'No', weight: 1 },
        { type: 'icontains', value: 'ada', metric: 'mentions' },
      ],
      'Ada Lovelace',
      ctx,
    );
    expect(out.pass).toBe(false);
    expect(out.score).toBe((3 * 1 + 1 * 0 + 1 * 1) / 5);
    expect(out.reason).toBe('Expected output to start with "No"');
    expect(out.namedScores).toEqual({ mentions: 1 });
    expect(out.results.map((r) => [r.type, r.pass, r.weight, r.metric])).toEqual([
      ['contains', true, 3, 'mentions'],
      ['starts-with', false, 1, undefined],
      ['icontains', true, 1, 'mentions'],
    ]);
  });
  it('the last failure is the reason; a test threshold overrides the individual failures', async () => {
    const specs = [
      { type: 'contains', value: 'x' },
      { type: 'contains', value: 'A' },
      { type: 'contains', value: 'y' },
    ];
    const failing = await runAssertions(specs, 'Ada', ctx);
    expect([failing.pass, failing.score, failing.reason]).toEqual([false, 1 / 3, 'Expected output to contain "y"']);
    const over = await runAssertions(specs, 'Ada', ctx, { threshold: 0.3 });
    expect([over.pass, over.reason]).toEqual([true, 'Aggregate score 0.33 ≥ 0.3 threshold']);
    const under = await runAssertions(specs, 'Ada', ctx, { threshold: 0.5 });
    expect([under.pass, under.reason]).toEqual([false, 'Aggregate score 0.33 < 0.5 threshold']);
  });
  it('weight 0 is metric-only: it never fails the test and does not count in the score', async () => {
    const out = await runAssertions([{ type: 'equals', value: 'Ada' }, { type: 'contains', value: 'zzz', weight: 0, metric: 'z' }], 'Ada', ctx);
    expect([out.pass, out.score, out.reason, out.namedScores]).toEqual([true, 1, 'All assertions passed', { z: 0 }]);
    expect(out.results[1]).toEqual({ type: 'contains', pass: true, score: 0, reason: 'Expected output to contain "zzz"', weight: 0, metric: 'z' });
  });
  it('named scores are weighted means per name', () => {
    const out = aggregateResults([
      { type: 'a', pass: true, score: 1, reason: '', weight: 1, metric: 'm' },
      { type: 'b', pass: true, score: 0.5, reason: '', weight: 3, metric: 'm' },
    ]);
    expect(out.namedScores).toEqual({ m: (1 + 1.5) / 4 });
  });
  it('no assertions pass with score 1; an invalid spec is refused before anything runs', async () => {
    expect(await runAssertions([], 'x', ctx)).toEqual({ pass: true, score: 1, reason: 'No assertions', results: [], namedScores: {} });
    await expect(runAssertions([{ type: 'equals', value: 'x' }, { type: 'equal', value: 'x' }], 'x', ctx)).rejects.toThrow('assert[1]: unknown assertion type "equal"; did you mean "equals"?');
  });
});

describe('registerAssertion', () => {
  it('adds a type that works with not- too', async () => {
    registerAssertion('is-upper', { run: ({ output, inverse }) => ({ pass: (output === output.toUpperCase()) !== inverse, score: 1, reason: 'custom' }) });
    expect((await runAssertion({ type: 'is-upper' }, 'ABC', ctx)).pass).toBe(true);
    expect((await runAssertion({ type: 'not-is-upper' }, 'ABC', ctx)).pass).toBe(false);
    expect(() => registerAssertion('not-x', { run: () => ({ pass: true, score: 1, reason: '' }) })).toThrow('assertion type "not-x" may not start with "not-" (the prefix negates a type)');
  });
  it('a handler that throws is an error result, not a crash', async () => {
    registerAssertion('boom', {
      run: () => {
        throw new Error('kaput');
      },
    });
    expect(await runAssertion({ type: 'boom' }, 'x', ctx)).toEqual({ type: 'boom', pass: false, score: 0, reason: 'boom failed: kaput', weight: 1, error: true });
  });
});
