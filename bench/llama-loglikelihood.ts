// Log-likelihood throughput of the in-process llama backend on 4-choice questions (MMLU-like
// prompts of ~200 tokens, one-token choices " A".." D"): prefix sharing (each question's context
// evaluated once) against the baseline of evaluating every (context, choice) from scratch, as
// lm-evaluation-harness's HFLM does for multi-token contexts. Target: >= 2.5x. Never fails on timing.
// Run: npx tsx bench/llama-loglikelihood.ts [questions]
import { resolve } from 'node:path';
import { createLlamaProvider, evaluatedTokens } from '../src/providers/llama/provider.js';
import type { LoglikelihoodRequest, Provider } from '../src/providers/types.js';

const MODEL = resolve(process.env.ASSAY_SHARED_DIR ?? resolve(import.meta.dirname, '../../shared'), 'models', 'stories260K.gguf');
const QUESTIONS = Number(process.argv[2] ?? 20);
const NAMES = ['Lily', 'Tom', 'Sue', 'Max', 'Ben', 'Mia', 'Sam', 'Anna'];
const THINGS = ['ball', 'cat', 'tree', 'cake', 'boat', 'kite', 'bird', 'box', 'park', 'toy'];
const VERBS = ['saw', 'liked', 'found', 'wanted', 'made', 'lost', 'shared', 'painted'];

/** A deterministic stream (LCG) so every run builds the same questions. */
function* lcg(seed: number): Generator<number> {
  let x = seed >>> 0;
  for (;;) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    yield x;
  }
}

function questions(n: number): LoglikelihoodRequest[] {
  const rand = lcg(12345);
  const pick = <T>(xs: readonly T[]): T => xs[rand.next().value % xs.length];
  const requests: LoglikelihoodRequest[] = [];
  for (let q = 0; q < n; q++) {
    const sentences: string[] = [];
    for (let s = 0; s < 8; s++) sentences.push(`${pick(NAMES)} ${pick(VERBS)} a ${pick(THINGS)} in the ${pick(THINGS)}.`);
    const options = ['A', 'B', 'C', 'D'].map((letter) => `${letter}. ${pick(NAMES)} ${pick(VERBS)} the ${pick(THINGS)}`);
    const context = `The following is a story and a question about it.\n\n${sentences.join(' ')}\n\nQuestion: What did ${pick(NAMES)} do first?\n${options.join('\n')}\nAnswer:`;
    for (const letter of ['A', 'B', 'C', 'D']) requests.push({ context, continuation: ` ${letter}` });
  }
  return requests;
}

async function measure(provider: Provider, requests: LoglikelihoodRequest[]): Promise<{ seconds: number; tokens: number; logprobs: number[] }> {
  const before = evaluatedTokens(provider) ?? 0;
  const started = performance.now();
  const results = await provider.loglikelihood(requests);
  const seconds = (performance.now() - started) / 1000;
  const logprobs = results.map((r) => {
    if (!r.ok) throw new Error(r.error.message);
    return r.value.logprob;
  });
  return { seconds, tokens: (evaluatedTokens(provider) ?? 0) - before, logprobs };
}

async function main(): Promise<void> {
  const config = { contextSize: 512, threads: 1 };
  const shared = await createLlamaProvider({ model: MODEL }, config);
  const scratch = await createLlamaProvider({ model: MODEL }, config, { reusePrefix: false });
  const requests = questions(QUESTIONS);
  const contextTokens = (await shared.countTokens(requests[0].context)) + 1;
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  // Warm up both (first-call allocation), on a different question set.
  await measure(shared, questions(2).map((r) => ({ ...r, context: `Warm. ${r.context}` })));
  await measure(scratch, questions(2).map((r) => ({ ...r, context: `Warm. ${r.context}` })));
  // Alternate the two modes over three rounds and keep each one's median time (the machine is shared).
  const rounds: Array<{ base: Awaited<ReturnType<typeof measure>>; fast: Awaited<ReturnType<typeof measure>> }> = [];
  for (let round = 0; round < 3; round++) {
    const b = await measure(scratch, requests);
    await shared.loglikelihood([{ context: `Reset ${round}.`, continuation: ' x' }]);
    rounds.push({ base: b, fast: await measure(shared, requests) });
  }
  const median = (pick: (r: (typeof rounds)[number]) => Awaited<ReturnType<typeof measure>>) => rounds.map(pick).sort((x, y) => x.seconds - y.seconds)[1];
  const base = median((r) => r.base);
  const fast = median((r) => r.fast);
  clearInterval(sampler);
  const maxDiff = Math.max(...fast.logprobs.map((lp, i) => Math.abs(lp - base.logprobs[i])));
  const rows = [
    ['mode', 'requests', 'seconds (median of 3)', 'requests/s', 'tokens evaluated', 'ratio'],
    ['from scratch (baseline)', String(requests.length), base.seconds.toFixed(2), (requests.length / base.seconds).toFixed(1), String(base.tokens), '1.00x'],
    ['shared prefix', String(requests.length), fast.seconds.toFixed(2), (requests.length / fast.seconds).toFixed(1), String(fast.tokens), `${(base.seconds / fast.seconds).toFixed(2)}x`],
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  console.log(`llama log-likelihood, stories260K, ${QUESTIONS} questions x 4 one-token choices, ~${contextTokens}-token contexts, threads 1, context 512`);
  for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join('  '));
  console.log(`max |shared - scratch| log-prob difference: ${maxDiff}; peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
  await shared.close();
  await scratch.close();
}

await main();
