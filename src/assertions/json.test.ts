import { describe, expect, it } from 'vitest';
import { extractJsonObjects } from './json.js';
import { runAssertion } from './registry.js';
import type { AssertionSpec } from './types.js';

const run = async (spec: AssertionSpec, output: string) => {
  const r = await runAssertion(spec, output, { vars: {}, prompt: '' });
  return { pass: r.pass, score: r.score, reason: r.reason };
};
const ok = { pass: true, score: 1, reason: 'Assertion passed' };
const schema = { type: 'object', required: ['name'], properties: { name: { type: 'string' } } };

describe('is-json', () => {
  it('needs the whole output to be JSON', async () => {
    expect(await run({ type: 'is-json' }, '{"a": 1}')).toEqual(ok);
    expect(await run({ type: 'is-json' }, '[1, 2]')).toEqual(ok);
    expect(await run({ type: 'is-json' }, '```json\n{"a": 1}\n```')).toEqual({ pass: false, score: 0, reason: 'Expected output to be valid JSON' });
    expect(await run({ type: 'not-is-json' }, 'plain')).toEqual(ok);
    expect(await run({ type: 'not-is-json' }, '1')).toEqual({ pass: false, score: 0, reason: 'Expected output to not be valid JSON' });
  });
  it('validates against a schema value (object or YAML text) with ajv', async () => {
    expect(await run({ type: 'is-json', value: schema }, '{"name": "x"}')).toEqual(ok);
    expect(await run({ type: 'is-json', value: schema }, '{"name": 3}')).toEqual({ pass: false, score: 0, reason: "JSON does not conform to the provided schema. Errors: data.name should be string" });
    expect(await run({ type: 'is-json', value: 'type: object\nrequired: [name]' }, '{}')).toEqual({ pass: false, score: 0, reason: "JSON does not conform to the provided schema. Errors: data should have required property '.name'" });
    expect(await run({ type: 'not-is-json', value: schema }, '{"name": "x"}')).toEqual({ pass: false, score: 0, reason: 'Output is JSON that conforms to the provided schema' });
  });
  it('json-schema requires a schema', async () => {
    expect(await run({ type: 'json-schema', value: schema }, '{"name": "x"}')).toEqual(ok);
    await expect(run({ type: 'json-schema' }, '{}')).rejects.toThrow('assertion (json-schema): value is required: a JSON schema (object, or YAML/JSON text)');
    await expect(run({ type: 'json-schema', value: { type: 'nope' } }, '{}')).rejects.toThrow('assertion (json-schema): invalid JSON schema: schema is invalid: data.type should be equal to one of the allowed values');
  });
});

describe('contains-json', () => {
  it('finds JSON objects inside prose and code fences', async () => {
    expect(await run({ type: 'contains-json' }, 'Here:\n```json\n{"name": "x", "t": "}{"}\n```\nDone.')).toEqual(ok);
    expect(await run({ type: 'contains-json' }, 'no json { here }')).toEqual({ pass: false, score: 0, reason: 'Expected output to contain valid JSON' });
    expect(await run({ type: 'not-contains-json' }, 'nothing')).toEqual(ok);
  });
  it('passes when any object conforms to the schema', async () => {
    expect(await run({ type: 'contains-json', value: schema }, '{"id": 1} then {"name": "x"}')).toEqual(ok);
    expect(await run({ type: 'contains-json', value: schema }, 'a {"id": 1} b')).toEqual({ pass: false, score: 0, reason: "JSON does not conform to the provided schema. Errors: data should have required property 'name'" });
    expect(await run({ type: 'not-contains-json', value: schema }, '{"name": "x"}')).toEqual({ pass: false, score: 0, reason: 'Output contains JSON conforming to the provided schema' });
  });
  it('extracts objects in order, nested ones as part of their parent', () => {
    expect(extractJsonObjects('x {"a": {"b": 1}} y {"c": "\\"}"} {bad} {"d": [1]}')).toEqual([{ a: { b: 1 } }, { c: '"}' }, { d: [1] }]);
    expect(extractJsonObjects('{ "outer": oops {"inner": true} }')).toEqual([{ inner: true }]);
  });
});
