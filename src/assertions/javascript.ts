// The `javascript` assertion as promptfoo's javascript.ts (a one-line value is an expression, a
// multi-line value a function body; it sees `output` and `context`), but never evaluated in the
// main thread: checks run in a small pool of worker_threads Workers with a heap limit, each in a
// fresh vm context without `require`, `process` or `import`, under a timeout.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { errorOutcome, type AssertionHandler, type AssertionOutcome } from './types.js';

export const JAVASCRIPT_DEFAULTS = { timeoutMs: 5000, maxOldGenerationSizeMb: 64 } as const;

export interface JavascriptLimits {
  timeoutMs: number;
  maxOldGenerationSizeMb: number;
}

// Runs in each worker (CommonJS, eval). Per job: a new vm context whose microtasks run inside the
// evaluation (`afterEvaluate`), so `timeout` covers promise chains too and nothing of a finished
// job can run later. Output and context enter as JSON text and only strings come back, so no
// object of the worker's realm (whose constructors lead to `process`) is reachable from the code,
// and no getter of the script's objects runs outside the timeout.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const vm = require('node:vm');
const WRAPPER = '(function (output, contextJson, body) { "use strict";' +
  ' const stringify = JSON.stringify, parse = JSON.parse, Fn = Function, P = Promise, S = String;' +
  ' const describe = (e) => { try { return e !== null && typeof e === "object" && "message" in e ? S(e.name || "Error") + ": " + S(e.message) : S(e); } catch (x) { return "an unprintable value"; } };' +
  ' const state = { done: false, type: "", json: "", error: "" };' +
  ' P.resolve().then(() => new Fn("output", "context", body)(output, parse(contextJson)))' +
  '  .then((v) => { state.type = typeof v; try { state.json = stringify(v === undefined ? null : v); } catch (e) { state.error = "result is not serialisable: " + describe(e); } state.done = true; },' +
  '        (e) => { state.error = describe(e); state.done = true; });' +
  ' return state; })';
parentPort.on('message', (job) => {
  const sandbox = vm.createContext(Object.create(null), { codeGeneration: { strings: true, wasm: false }, microtaskMode: 'afterEvaluate' });
  sandbox.__job = job;
  let state;
  try {
    state = vm.runInContext(WRAPPER + '(__job.output, __job.context, __job.body)', sandbox, { timeout: job.timeoutMs, filename: 'assertion.js' });
  } catch (e) {
    const timedOut = e && e.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
    parentPort.postMessage(timedOut ? { kind: 'timeout' } : { kind: 'error', message: 'could not start: ' + String(e && e.message) });
    return;
  }
  if (!state.done) parentPort.postMessage({ kind: 'error', message: 'returned a promise that never settles' });
  else if (state.error !== '') parentPort.postMessage({ kind: 'error', message: state.error });
  else parentPort.postMessage({ kind: 'value', type: state.type, json: state.json });
});
`;

type WorkerReply = { kind: 'value'; type: string; json: string } | { kind: 'error'; message: string } | { kind: 'timeout' };

/** What the script returned, or why it did not. */
export type ScriptOutcome = { ok: true; type: string; value: unknown } | { ok: false; reason: string };

interface Job {
  body: string;
  output: string;
  context: string;
  resolve: (outcome: ScriptOutcome) => void;
}

/**
 * Workers that run scripts one at a time each. A worker is reused until it runs out of memory or
 * overruns the timeout (then it is terminated and replaced); idle workers do not keep Node alive.
 */
export class ScriptPool {
  private readonly idle: Worker[] = [];
  private readonly running = new Map<Worker, { job: Job; backstop: NodeJS.Timeout }>();
  private readonly queue: Job[] = [];

  constructor(
    readonly limits: JavascriptLimits = JAVASCRIPT_DEFAULTS,
    readonly size: number = Math.max(1, Math.min(4, availableParallelism())),
  ) {}

  /** Runs `body` (a function body over `output` and `context`). */
  run(body: string, output: string, context: unknown): Promise<ScriptOutcome> {
    return new Promise((resolve) => {
      this.queue.push({ body, output, context: JSON.stringify(context ?? null), resolve });
      this.pump();
    });
  }

  /** Terminates every worker; queued and running scripts end with a reason. */
  async close(): Promise<void> {
    for (const job of this.queue.splice(0)) job.resolve({ ok: false, reason: 'was cancelled (the script pool closed)' });
    const workers = [...this.idle.splice(0), ...this.running.keys()];
    for (const [worker, { job, backstop }] of this.running) {
      clearTimeout(backstop);
      this.running.delete(worker);
      job.resolve({ ok: false, reason: 'was cancelled (the script pool closed)' });
    }
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private pump(): void {
    while (this.queue.length > 0 && (this.idle.length > 0 || this.running.size < this.size)) {
      const worker = this.idle.pop() ?? this.spawn();
      this.dispatch(worker, this.queue.shift()!);
    }
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      resourceLimits: { maxOldGenerationSizeMb: this.limits.maxOldGenerationSizeMb, maxYoungGenerationSizeMb: 16, codeRangeSizeMb: 16 },
      stdout: true,
      stderr: true,
      env: {},
    });
    worker.on('message', (reply: WorkerReply) => {
      if (reply.kind === 'timeout') this.finish(worker, { ok: false, reason: `timed out after ${this.limits.timeoutMs} ms` }, false);
      else if (reply.kind === 'error') this.finish(worker, { ok: false, reason: reply.message.startsWith('returned') ? reply.message : `threw ${reply.message}` }, true);
      else this.finish(worker, { ok: true, type: reply.type, value: JSON.parse(reply.json) as unknown }, true);
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const reason = error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `ran out of memory (heap limit ${this.limits.maxOldGenerationSizeMb} MB)` : `failed: ${error.message}`;
      this.finish(worker, { ok: false, reason }, false);
    });
    worker.on('exit', (code) => this.finish(worker, { ok: false, reason: `ended its worker (exit code ${code}) before returning a result` }, false));
    return worker;
  }

  private dispatch(worker: Worker, job: Job): void {
    worker.ref();
    // The vm timeout stops runaway code inside the worker; this backstop catches anything that
    // escapes it (a blocked worker) and replaces the worker.
    const backstop = setTimeout(() => this.finish(worker, { ok: false, reason: `timed out after ${this.limits.timeoutMs} ms` }, false), this.limits.timeoutMs + 2000);
    this.running.set(worker, { job, backstop });
    worker.postMessage({ body: job.body, output: job.output, context: job.context, timeoutMs: this.limits.timeoutMs });
  }

  private finish(worker: Worker, outcome: ScriptOutcome, reusable: boolean): void {
    const current = this.running.get(worker);
    this.running.delete(worker);
    if (current) {
      clearTimeout(current.backstop);
      current.job.resolve(outcome);
    }
    const at = this.idle.indexOf(worker);
    if (at !== -1) this.idle.splice(at, 1);
    if (reusable && current) {
      worker.unref();
      this.idle.push(worker);
    } else {
      void worker.terminate();
    }
    this.pump();
  }
}

const pools = new Map<string, ScriptPool>();

/** The shared pool for these limits. */
export function scriptPool(limits: JavascriptLimits = JAVASCRIPT_DEFAULTS): ScriptPool {
  const key = `${limits.timeoutMs}/${limits.maxOldGenerationSizeMb}`;
  let pool = pools.get(key);
  if (pool === undefined) {
    pool = new ScriptPool(limits);
    pools.set(key, pool);
  }
  return pool;
}

/** Runs `body` in the shared pool for `limits`. */
export function runScript(body: string, output: string, context: unknown, limits: JavascriptLimits = JAVASCRIPT_DEFAULTS): Promise<ScriptOutcome> {
  return scriptPool(limits).run(body, output, context);
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
