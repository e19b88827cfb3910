// The `javascript` assertion as promptfoo's javascript.ts (a one-line value is an expression, a
// multi-line value a function body; it sees `output` and `context`), but never evaluated in the
// main thread: each check runs in a worker_threads Worker with a heap limit, inside a fresh vm
// context that has no `require`, `process` or `import`, and the worker is terminated on timeout.
import { Worker } from 'node:worker_threads';
import { errorOutcome, type AssertionHandler, type AssertionOutcome } from './types.js';

export const JAVASCRIPT_DEFAULTS = { timeoutMs: 5000, maxOldGenerationSizeMb: 64 } as const;

export interface JavascriptLimits {
  timeoutMs: number;
  maxOldGenerationSizeMb: number;
}

// Runs in the worker (CommonJS, eval). The user's code is compiled inside a new vm context, and
// output/context cross into it as JSON text, so no object of the worker's realm (whose
// constructors lead back to `process`) is reachable from the script.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const vm = require('node:vm');
const sandbox = vm.createContext(Object.create(null), { codeGeneration: { strings: true, wasm: false } });
sandbox.__output = workerData.output;
sandbox.__context = workerData.context;
const run = vm.runInContext(
  '(function () { "use strict"; const context = JSON.parse(__context); ' +
  'const fn = new Function("output", "context", ' + JSON.stringify(workerData.body) + '); return fn(__output, context); })',
  sandbox, { filename: 'assertion.js' });
const reply = (message) => parentPort.postMessage(message);
const describe = (e) => (e && typeof e === 'object' && 'message' in e ? String(e.name || 'Error') + ': ' + String(e.message) : String(e));
Promise.resolve()
  .then(() => run())
  .then((value) => {
    let json;
    try { json = JSON.stringify(value === undefined ? null : value); } catch (e) { return reply({ kind: 'error', message: 'result is not serialisable: ' + describe(e) }); }
    reply({ kind: 'value', type: typeof value, json });
  }, (e) => reply({ kind: 'error', message: describe(e) }));
`;

type WorkerReply = { kind: 'value'; type: string; json: string } | { kind: 'error'; message: string };

/** What the script returned, or why it did not. */
export type ScriptOutcome = { ok: true; type: string; value: unknown } | { ok: false; reason: string };

/** Runs `body` (a function body over `output` and `context`) in an isolated, limited worker. */
export function runScript(body: string, output: string, context: unknown, limits: JavascriptLimits = JAVASCRIPT_DEFAULTS): Promise<ScriptOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { body, output, context: JSON.stringify(context) },
      resourceLimits: { maxOldGenerationSizeMb: limits.maxOldGenerationSizeMb, maxYoungGenerationSizeMb: 16, codeRangeSizeMb: 16 },
      stdout: true,
      stderr: true,
      env: {},
    });
    const finish = (outcome: ScriptOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ ok: false, reason: `timed out after ${limits.timeoutMs} ms` }), limits.timeoutMs);
    worker.on('message', (reply: WorkerReply) => {
      if (reply.kind === 'error') finish({ ok: false, reason: `threw ${reply.message}` });
      else finish({ ok: true, type: reply.type, value: JSON.parse(reply.json) as unknown });
    });
    worker.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        finish({ ok: false, reason: `ran out of memory (heap limit ${limits.maxOldGenerationSizeMb} MB)` });
      } else finish({ ok: false, reason: `failed: ${error.message}` });
    });
    worker.on('exit', (code) => finish({ ok: false, reason: `exited with code ${code} before returning a result` }));
  });
}

/** promptfoo: a value with a newline is a function body; a single line is an expression. */
export function scriptBody(value: string): string {
  const code = value.trimEnd();
  return code.includes('\n') ? code : `return ${code}`;
}

function isGradingObject(value: unknown): value is { pass: boolean; score?: number; reason?: string } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { pass?: unknown }).pass === 'boolean';
}

/** Makes a javascript handler with the given limits (the built-in uses JAVASCRIPT_DEFAULTS). */
export function javascriptAssertion(limits: JavascriptLimits = JAVASCRIPT_DEFAULTS): AssertionHandler {
  return {
    check: (spec) => (typeof spec.value === 'string' && spec.value.trim() !== '' ? undefined : 'value must be JavaScript code (an expression, or a function body)'),
    async run({ spec, value, output, context, inverse }): Promise<AssertionOutcome> {
      const code = String(value);
      const result = await runScript(scriptBody(code), output, { vars: context.vars, prompt: context.prompt }, limits);
      if (!result.ok) return errorOutcome(`Custom function ${result.reason}`);
      const v = result.value;
      if (result.type === 'boolean') {
        const pass = (v as boolean) !== inverse;
        return { pass, score: pass ? 1 : 0, reason: pass ? 'Assertion passed' : `Custom function returned ${inverse ? 'true' : 'false'}\n${code.trimEnd()}` };
      }
      if (result.type === 'number' && typeof v === 'number') {
        const met = spec.threshold !== undefined ? v >= spec.threshold : v > 0;
        const pass = met !== inverse;
        return { pass, score: inverse ? 1 - v : v, reason: pass ? 'Assertion passed' : `Custom function returned ${v}${spec.threshold !== undefined ? ` (threshold ${spec.threshold})` : ''}\n${code.trimEnd()}` };
      }
      if (isGradingObject(v)) {
        const score = typeof v.score === 'number' ? v.score : v.pass ? 1 : 0;
        const pass = v.pass !== inverse;
        const reason = typeof v.reason === 'string' ? v.reason : pass ? 'Assertion passed' : 'Custom function returned pass: ' + String(v.pass);
        return { pass, score: inverse ? 1 - score : score, reason };
      }
      return errorOutcome(`Custom function must return a boolean, number, or {pass, score, reason} object; got ${result.type}: ${JSON.stringify(v)}`);
    },
  };
}
