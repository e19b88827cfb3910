import { describe, expect, it } from 'vitest';
import { runAssertion } from './registry.js';
import { levenshteinUtf16, parseCommaSeparatedValues } from './text.js';
import type { AssertionContext, AssertionSpec } from './types.js';

const ctx: AssertionContext = { vars: { city: 'Paris' }, prompt: 'Capital of France?' };
const run = async (spec: AssertionSpec, output: string) => {
  const r = await runAssertion(spec, output, ctx);
  return { pass: r.pass, score: r.score, reason: r.reason };
};
const ok = { pass: true, score: 1, reason: 'Assertion passed' };

describe('equals', () => {
  it('compares strings exactly, case and whitespace included', async () => {
    expect(await run({ type: 'equals', value: 'Paris' }, 'Paris')).toEqual(ok);
    expect(await run({ type: 'equals', value: 'Paris' }, 'paris')).toEqual({ pass: false, score: 0, reason: 'Expected output "paris" to equal "Paris"' });
    expect(await run({ type: 'not-equals', value: 'Paris' }, 'Paris')).toEqual({ pass: false, score: 0, reason: 'Expected output "Paris" to not equal "Paris"' });
  });
  it('renders {{ vars }} in the value', async () => {
    expect(await run({ type: 'equals', value: '{{ city }}' }, 'Paris')).toEqual(ok);
  });
  it('deep-compares an object value with the output parsed as JSON', async () => {
    expect(await run({ type: 'equals', value: { a: [1, 2] } }, '{ "a": [1, 2] }')).toEqual(ok);
    expect(await run({ type: 'equals', value: { a: 1 } }, 'not json')).toEqual({ pass: false, score: 0, reason: 'Expected output "not json" to equal "{"a":1}"' });
    expect(await run({ type: 'not-equals', value: { a: 1 } }, 'not json')).toEqual(ok);
  });
  it('compares a number value as its string', async () => {
    expect(await run({ type: 'equals', value: 4 }, '4')).toEqual(ok);
  });
});

describe('contains family', () => {
  it('contains is case-sensitive, icontains is not', async () => {
    expect(await run({ type: 'contains', value: 'paris' }, 'It is Paris.')).toEqual({ pass: false, score: 0, reason: 'Expected output to contain "paris"' });
    expect(await run({ type: 'icontains', value: 'paris' }, 'It is PARIS.')).toEqual(ok);
    expect(await run({ type: 'not-icontains', value: 'paris' }, 'It is PARIS.')).toEqual({ pass: false, score: 0, reason: 'Expected output to not contain "paris"' });
  });
  it('matches unicode text as code units (no normalisation, as promptfoo)', async () => {
    expect(await run({ type: 'contains', value: 'café' }, 'un café noir')).toEqual(ok);
    expect(await run({ type: 'contains', value: 'cafe\u0301' }, 'un café noir')).toEqual({ pass: false, score: 0, reason: 'Expected output to contain "cafe\u0301"' });
    expect(await run({ type: 'icontains', value: 'ÉTÉ' }, 'un été chaud')).toEqual(ok);
  });
  it('contains-any / contains-all take a list or comma-separated text', async () => {
    expect(await run({ type: 'contains-any', value: ['Rome', 'Paris'] }, 'Paris')).toEqual(ok);
    expect(await run({ type: 'contains-any', value: 'Rome, Berlin' }, 'Paris')).toEqual({ pass: false, score: 0, reason: 'Expected output to contain one of "Rome, Berlin"' });
    expect(await run({ type: 'icontains-any', value: ['ROME', 'PARIS'] }, 'paris')).toEqual(ok);
    expect(await run({ type: 'contains-all', value: ['a', 'b', 'z'] }, 'abc')).toEqual({ pass: false, score: 0, reason: 'Expected output to contain all of [a, b, z]. Missing: [z]' });
    expect(await run({ type: 'icontains-all', value: 'A,B' }, 'ab')).toEqual(ok);
    expect(await run({ type: 'not-contains-all', value: ['a', 'b'] }, 'ab')).toEqual({ pass: false, score: 0, reason: 'Expected output to not contain all of [a, b]. Missing: []' });
    expect(await run({ type: 'not-contains-any', value: ['x', 'y'] }, 'ab')).toEqual(ok);
  });
  it('splits comma-separated values outside double quotes', () => {
    expect(parseCommaSeparatedValues('a, "b, c" ,d')).toEqual(['a', 'b, c', 'd']);
  });
});

describe('starts-with and regex', () => {
  it('starts-with', async () => {
    expect(await run({ type: 'starts-with', value: 'Yes' }, 'Yes, it is')).toEqual(ok);
    expect(await run({ type: 'starts-with', value: 'Yes' }, ' Yes')).toEqual({ pass: false, score: 0, reason: 'Expected output to start with "Yes"' });
  });
  it('regex has no flags unless given {pattern, flags}', async () => {
    expect(await run({ type: 'regex', value: '^paris$' }, 'Paris')).toEqual({ pass: false, score: 0, reason: 'Expected output to match regex "^paris$"' });
    expect(await run({ type: 'regex', value: { pattern: '^paris$', flags: 'i' } }, 'Paris')).toEqual(ok);
    expect(await run({ type: 'regex', value: { pattern: '^b$', flags: 'm' } }, 'a\nb')).toEqual(ok);
    expect(await run({ type: 'regex', value: '^b$' }, 'a\nb')).toEqual({ pass: false, score: 0, reason: 'Expected output to match regex "^b$"' });
    // `g` would make RegExp.test stateful; it is dropped.
    expect(await run({ type: 'regex', value: { pattern: 'a', flags: 'g' } }, 'a')).toEqual(ok);
  });
  it('regex handles unicode with the u flag', async () => {
    expect(await run({ type: 'regex', value: '^.$' }, '😀')).toEqual({ pass: false, score: 0, reason: 'Expected output to match regex "^.$"' });
    expect(await run({ type: 'regex', value: { pattern: '^\\p{L}+$', flags: 'u' } }, 'été')).toEqual(ok);
    expect(await run({ type: 'not-regex', value: '\\d' }, 'no digits')).toEqual(ok);
  });
  it('an invalid pattern is a config error naming it', async () => {
    await expect(runAssertion({ type: 'regex', value: '(' }, 'x', ctx)).rejects.toThrow('assertion (regex): invalid regular expression: Invalid regular expression: /(/: Unterminated group');
  });
  it('a pattern that only breaks once rendered fails as an error result', async () => {
    const r = await runAssertion({ type: 'regex', value: '{{ p }}' }, 'x', { vars: { p: '[' }, prompt: '' });
    expect(r).toEqual({ type: 'regex', pass: false, score: 0, reason: 'Invalid regex pattern: Invalid regular expression: /[/: Unterminated character class', weight: 1, error: true });
  });
});

describe('levenshtein', () => {
  it('counts UTF-16 code units as fastest-levenshtein', () => {
    expect(levenshteinUtf16('kitten', 'sitting')).toBe(3);
    expect(levenshteinUtf16('', 'abc')).toBe(3);
    expect(levenshteinUtf16('😀', '😁')).toBe(1);
    expect(levenshteinUtf16('a😀', 'a')).toBe(2);
  });
  it('passes at distance <= threshold (default 5)', async () => {
    expect(await run({ type: 'levenshtein', value: 'sitting' }, 'kitten')).toEqual(ok);
    expect(await run({ type: 'levenshtein', value: 'sitting', threshold: 2 }, 'kitten')).toEqual({ pass: false, score: 0, reason: 'Levenshtein distance 3 is greater than threshold 2' });
    expect(await run({ type: 'levenshtein', value: 'abc', threshold: 0 }, 'abc')).toEqual(ok);
    expect(await run({ type: 'not-levenshtein', value: 'sitting', threshold: 3 }, 'kitten')).toEqual({ pass: false, score: 0, reason: 'Levenshtein distance 3 is less than or equal to threshold 3' });
  });
});
