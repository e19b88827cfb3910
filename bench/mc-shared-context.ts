// Scoring 4-choice MMLU prompts on the in-process llama backend: each question's shared context
// evaluated once (one loglikelihood call per question with its 4 requests, the provider reusing
// the evaluated prefix) against every (context, choice) pair from scratch, as lm-evaluation-harness's
// HFLM does for contexts longer than one token. Target: >= 2.5x questions/s. Never fails on timing.
// Prompts: the harness's mmlu_<subject> requests (assay tasks render) for the three subjects in
// ../shared/datasets: 0-shot; 5-shot with whole lines dropped from the front of the context until
// it fits the 512-token window; and 5-shot as sent, which the provider cuts to the last 512 tokens
// as HFLM cuts to max_length. Run: npx tsx bench/mc-shared-context.ts [docs per subject, default 10]
import { resolve } from 'node:path';
import { benchmarkRegistry } from '../src/benchmarks/registry.js';
import { prepareTask } from '../src/engine/prepare.js';
import { createLlamaProvider, evaluatedTokens } from '../src/providers/llama/provider.js';
import type { LoglikelihoodRequest, Provider } from '../src/providers/types.js';

const SHARED = resolve(process.env.ASSAY_SHARED_DIR ?? resolve(import.meta.dirname, '../../shared'));
const MODEL = resolve(SHARED, 'models', 'stories260K.gguf');
const DATA = resolve(SHARED, 'datasets');
const SUBJECTS = ['abstract_algebra', 'high_school_geography', 'college_medicine'];
const PER_SUBJECT = Number(process.argv[2] ?? 10);
const ROUNDS = 3;

/** Drops whole lines from the front of `context` until it takes at most `budget` tokens. */
async function fitContext(provider: Provider, context: string, budget: number): Promise<string> {
  if ((await provider.countTokens(context)) <= budget) return context;
  // The smallest cut that fits (token counts only fall as the cut moves right), then the next line start.
  let lo = 0;
  let hi = context.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((await provider.countTokens(context.slice(mid))) <= budget) hi = mid;
    else lo = mid + 1;
  }
  const line = context.indexOf('\n', lo - 1);
  return line < 0 ? context.slice(lo) : context.slice(line + 1);
}

/** The 4 requests of each question, as the harness sends them (with `fit`: the context cut to fit the window). */
async function mmluQuestions(numFewshot: number, fit: Provider | null): Promise<LoglikelihoodRequest[][]> {
  const questions: LoglikelihoodRequest[][] = [];
  for (const subject of SUBJECTS) {
    const bench = benchmarkRegistry.get(`mmlu_${subject}`);
    const task = await prepareTask(bench.config, { splits: () => bench.load(DATA), numFewshot, limit: PER_SUBJECT, ...(bench.hooks === undefined ? {} : { hooks: bench.hooks }) });
    for (let i = 0; i < task.docs.length; i++) {
      const r = task.request(i);
      if (!('continuations' in r) || typeof r.context !== 'string') throw new Error(`mmlu_${subject} doc ${i} is not a single-context multiple-choice request`);
      // 512 = BOS + context + the longest continuation (2 tokens) but its last.
      const context = fit === null ? r.context : await fitContext(fit, r.context, 508);
      questions.push(r.continuations.map((continuation) => ({ context, continuation })));
    }
  }
  return questions;
}

interface Measured {
  seconds: number;
  tokens: number;
  logprobs: number[];
}

function logprobsOf(results: Awaited<ReturnType<Provider['loglikelihood']>>): number[] {
  return results.map((r) => {
    if (!r.ok) throw new Error(r.error.message);
    return r.value.logprob;
  });
}

/**
 * mode "shared": one call per question with its 4 requests (the engine's chunking), the sequence
 * kept across questions, so a prefix common to consecutive questions (the MMLU description and
 * few-shot block) is also reused. "within": the same, but the sequence is moved to an unrelated
 * context between questions (untimed, its tokens not counted), so only the question's own context
 * is shared. "scratch": a provider built with reusePrefix false clears the sequence before every
 * evaluation and keeps no distributions, and each request is its own call: every (context,
 * choice) pair is evaluated from its first token.
 */
async function measure(provider: Provider, questions: LoglikelihoodRequest[][], mode: 'shared' | 'within' | 'scratch'): Promise<Measured> {
  let seconds = 0;
  let tokens = 0;
  const logprobs: number[] = [];
  for (const [q, requests] of questions.entries()) {
    const before = evaluatedTokens(provider) ?? 0;
    const started = performance.now();
    if (mode === 'scratch') for (const request of requests) logprobs.push(...logprobsOf(await provider.loglikelihood([request])));
    else logprobs.push(...logprobsOf(await provider.loglikelihood(requests)));
    seconds += (performance.now() - started) / 1000;
    tokens += (evaluatedTokens(provider) ?? 0) - before;
    if (mode === 'within') await provider.loglikelihood([{ context: `Reset ${q}: an unrelated story.`, continuation: ' x' }]);
  }
  return { seconds, tokens, logprobs };
}

function markdownTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

async function main(): Promise<void> {
  const config = { contextSize: 512, threads: 1 };
  const shared = await createLlamaProvider({ model: MODEL }, config);
  const scratch = await createLlamaProvider({ model: MODEL }, config, { reusePrefix: false });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const rows: string[][] = [['prompts', 'mode', 'questions', 'tokens evaluated', 'tokens/question', 'seconds (median of 3)', 'questions/s', 'speed-up']];
  const notes: string[] = [];
  const settings = [
    { label: 'MMLU 0-shot', shots: 0, fit: false },
    { label: 'MMLU 5-shot, cut to fit 512', shots: 5, fit: true },
    { label: 'MMLU 5-shot as sent', shots: 5, fit: false },
  ];
  for (const { label, shots, fit } of settings) {
    const questions = await mmluQuestions(shots, fit ? shared : null);
    const tokenCounts = await Promise.all(questions.map((q) => shared.countTokens(q[0]!.context)));
    // Over the window: BOS + context + a 2-token continuation but its last token > 512.
    const over = tokenCounts.filter((n) => n + 2 > config.contextSize).length;
    // Warm-up on a different question order (first-call allocations).
    await measure(shared, questions.slice(0, 2).reverse(), 'shared');
    await measure(scratch, questions.slice(0, 2).reverse(), 'scratch');
    // Alternate the modes over rounds and keep each one's median time (the machine is shared).
    const runs: Record<'scratch' | 'within' | 'shared', Measured[]> = { scratch: [], within: [], shared: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of ['scratch', 'within', 'shared'] as const) {
        // Each mode starts from a sequence that holds nothing of the first question.
        await shared.loglikelihood([{ context: `Round ${round} ${mode}.`, continuation: ' x' }]);
        runs[mode].push(await measure(mode === 'scratch' ? scratch : shared, questions, mode));
      }
    }
    const median = (list: Measured[]) => [...list].sort((x, y) => x.seconds - y.seconds)[Math.floor(list.length / 2)]!;
    const base = median(runs.scratch);
    for (const mode of ['scratch', 'within', 'shared'] as const) {
      const m = median(runs[mode]);
      const name = { scratch: 'each (context, choice) from scratch', within: 'context once per question', shared: 'context once + prefix kept across questions' }[mode];
      rows.push([label, name, String(questions.length), String(m.tokens), (m.tokens / questions.length).toFixed(1), m.seconds.toFixed(2), (questions.length / m.seconds).toFixed(1), `${(base.seconds / m.seconds).toFixed(2)}x`]);
      const diff = Math.max(...m.logprobs.map((lp, i) => Math.abs(lp - base.logprobs[i]!)));
      if (mode !== 'scratch') notes.push(`${label}, ${name}: max |log-prob - from scratch| = ${diff} over ${m.logprobs.length} requests`);
    }
    const sorted = [...tokenCounts].sort((a, b) => a - b);
    notes.push(`${label}: contexts of median ${sorted[sorted.length >> 1]} tokens (max ${sorted[sorted.length - 1]}); ${over} of ${questions.length} over the 512-token window (the provider keeps their last 512 tokens)`);
  }
  clearInterval(sampler);
  console.log(`stories260K (llama, CPU, threads 1, context 512), mmlu_{${SUBJECTS.join(',')}} x ${PER_SUBJECT} docs, 4 one-token choices " A".." D"\n`);
  console.log(markdownTable(rows));
  console.log('');
  for (const note of notes) console.log(`- ${note}`);
  console.log(`- peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
  await shared.close();
  await scratch.close();
}

await main();
