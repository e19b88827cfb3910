import { describe, expect, it } from 'vitest';
import { ScriptPool, javascriptAssertion, runScript, scriptBody } from './javascript.js';
import { runAssertion } from './registry.js';
import type { AssertionContext, AssertionSpec } from './types.js';

const ctx: AssertionContext = { vars: { expected: 'Paris' }, prompt: 'Capital?' };
const run = async (spec: AssertionSpec, output: string) => {
  const r = await runAssertion(spec, output, ctx);
  return { pass: r.pass, score: r.score, reason: r.reason, ...(r.error ? { error: true } : {}) };
};

describe('javascript', () => {
  it('an expression sees output and context {vars, prompt}', async () => {
    expect(await run({ type: 'javascript', value: 'output === context.vars.expected && context.prompt === "Capital?"' }, 'Paris')).toEqual({ pass: true, score: 1, reason: 'Assertion passed' });
    expect(await run({ type: 'javascript', value: 'output.length > 10' }, 'Paris')).toEqual({ pass: false, score: 0, reason: 'Custom function returned false\noutput.length > 10' });
    expect(await run({ type: 'not-javascript', value: 'output.length > 10' }, 'Paris')).toEqual({ pass: true, score: 1, reason: 'Assertion passed' });
  });
  it('a multi-line value is a function body; numbers compare with the threshold (else > 0)', async () => {
    const body = 'const n = output.length;\nreturn n / 10;';
    expect(await run({ type: 'javascript', value: body, threshold: 0.5 }, 'Paris')).toEqual({ pass: true, score: 0.5, reason: 'Assertion passed' });
    expect(await run({ type: 'javascript', value: body, threshold: 0.6 }, 'Paris')).toEqual({ pass: false, score: 0.5, reason: `Custom function returned 0.5 (threshold 0.6)\n${body}` });
    expect(await run({ type: 'javascript', value: '0' }, 'x')).toEqual({ pass: false, score: 0, reason: 'Custom function returned 0\n0' });
  });
  it('a {pass, score, reason} object is the result; promises are awaited', async () => {
    expect(await run({ type: 'javascript', value: '({ pass: true, score: 0.25, reason: "quarter" })' }, 'x')).toEqual({ pass: true, score: 0.25, reason: 'quarter' });
    expect(await run({ type: 'javascript', value: 'Promise.resolve(output === "x")' }, 'x')).toEqual({ pass: true, score: 1, reason: 'Assertion passed' });
    expect(await run({ type: 'javascript', value: '"yes"' }, 'x')).toEqual({ pass: false, score: 0, reason: 'Custom function must return a boolean, number, or {pass, score, reason} object; got string: "yes"', error: true });
  });
  it('a thrown error fails the assertion with the error', async () => {
    expect(await run({ type: 'javascript', value: 'JSON.parse(output).a === 1' }, 'not json')).toEqual({
      pass: false,
      score: 0,
      reason: `Custom function threw SyntaxError: Unexpected token 'o', "not json" is not valid JSON`,
      error: true,
    });
  });
  it('has no require, process or dynamic import, and cannot reach them through the context', async () => {
    const body = (code: string) => scriptBody(code);
    expect(await runScript(body("require('fs')"), 'x', {})).toEqual({ ok: false, reason: 'threw ReferenceError: require is not defined' });
    expect(await runScript(body('process.exit(1)'), 'x', {})).toEqual({ ok: false, reason: 'threw ReferenceError: process is not defined' });
    expect(await runScript(body("context.constructor.constructor('return typeof process')()"), 'x', {})).toEqual({ ok: true, type: 'string', value: 'undefined' });
    expect(await runScript(body('typeof globalThis.process + typeof globalThis.require'), 'x', {})).toEqual({ ok: true, type: 'string', value: 'undefinedundefined' });
    expect(await runScript(body("import('node:fs')"), 'x', {})).toEqual({ ok: false, reason: 'threw TypeError: A dynamic import callback was not specified.' });
  });
  it('an endless loop, even in a promise chain, is stopped by the timeout', async () => {
    const handler = javascriptAssertion({ timeoutMs: 300, maxOldGenerationSizeMb: 64 });
    const started = Date.now();
    const r = await handler.run({ spec: { type: 'javascript' }, value: 'while (true) {}\nreturn true;', output: 'x', context: ctx, inverse: false });
    expect(r).toEqual({ pass: false, score: 0, reason: 'Custom function timed out after 300 ms', error: true });
    const limits = { timeoutMs: 300, maxOldGenerationSizeMb: 64 };
    expect(await runScript('(async () => { for (;;) await null; })();\nreturn true;', 'x', {}, limits)).toEqual({ ok: false, reason: 'timed out after 300 ms' });
    expect(Date.now() - started).toBeLessThan(5000);
    // the worker is still usable afterwards
    expect(await runScript('return output', 'after', {}, limits)).toEqual({ ok: true, type: 'string', value: 'after' });
  });
  it('a script that exhausts the heap limit fails with the reason; the pool replaces the worker', async () => {
    const limits = { timeoutMs: 20000, maxOldGenerationSizeMb: 32 };
    const r = await runScript('const a = [];\nwhile (true) a.push(new Array(1e5).fill(Math.random()));', 'x', {}, limits);
    expect(r).toEqual({ ok: false, reason: 'ran out of memory (heap limit 32 MB)' });
    expect(await runScript('return output.length', 'four', {}, limits)).toEqual({ ok: true, type: 'number', value: 4 });
  });
  it('a promise that never settles is reported at once', async () => {
    expect(await runScript('return new Promise(() => {})', 'x', {})).toEqual({ ok: false, reason: 'returned a promise that never settles' });
  });
  it('a job cannot see or leave state for the next one', async () => {
    expect(await runScript('globalThis.leak = 1; Object.prototype.polluted = 1; return true', 'x', {})).toEqual({ ok: true, type: 'boolean', value: true });
    expect(await runScript('return typeof leak + typeof ({}).polluted', 'x', {})).toEqual({ ok: true, type: 'string', value: 'undefinedundefined' });
  });
  it('queues jobs beyond the pool size and answers each in order', async () => {
    const pool = new ScriptPool({ timeoutMs: 2000, maxOldGenerationSizeMb: 64 }, 2);
    const outs = await Promise.all(Array.from({ length: 7 }, (_, i) => pool.run('return output + context.i', 'n', { i })));
    expect(outs).toEqual(Array.from({ length: 7 }, (_, i) => ({ ok: true, type: 'string', value: `n${i}` })));
    await pool.close();
  });
});
