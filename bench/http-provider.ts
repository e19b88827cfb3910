// Benchmark: completions/s the OpenAI-compatible provider sustains against an instant loopback
// server (a separate process answering a fixed completion), against the same request loop with
// bare undici `request` (the named baseline; target: provider within 2x) and bare global fetch,
// all at the same concurrency. Prints a table with peak RSS; never fails on timing.
//   npx tsx bench/http-provider.ts [requests] [concurrency]
import { type ChildProcess, spawn } from 'node:child_process';
import { request as undiciRequest } from 'undici';
import { createOpenAICompatibleProvider } from '../src/providers/http/openai-compatible.js';
import { parseModelId } from '../src/providers/model-id.js';

const N = Number(process.argv[2] ?? 20_000);
const CONCURRENCY = Number(process.argv[3] ?? 32);
const WARMUP = 2000;

const SERVER = `
const http = require('node:http');
const body = JSON.stringify({ id: 'cmpl-1', object: 'text_completion', model: 'bench', choices: [{ index: 0, text: ' Paris', finish_reason: 'stop', logprobs: null }], usage: { prompt_tokens: 7, completion_tokens: 1, total_tokens: 8 } });
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }); res.end(body); });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

async function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
  return { url: `http://127.0.0.1:${port}/v1`, child };
}

const PAYLOAD = { model: 'bench', prompt: 'The capital of France is', max_tokens: 8, temperature: 0 };

/** `concurrency` workers pulling from one counter until `n` requests are done. */
async function loop(n: number, concurrency: number, one: () => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < n) await one();
    }),
  );
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const { url, child } = await startServer();
  const body = JSON.stringify(PAYLOAD);
  const headers = { 'content-type': 'application/json' };
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

  const undiciOne = async () => {
    const res = await undiciRequest(`${url}/completions`, { method: 'POST', headers, body });
    const json = (await res.body.json()) as { choices: Array<{ text: string }> };
    if (json.choices[0].text !== ' Paris') throw new Error('bad body');
  };
  const fetchOne = async () => {
    const res = await fetch(`${url}/completions`, { method: 'POST', headers, body });
    const json = (await res.json()) as { choices: Array<{ text: string }> };
    if (json.choices[0].text !== ' Paris') throw new Error('bad body');
  };
  const provider = await createOpenAICompatibleProvider(parseModelId(`openai-compatible:bench@${url}`), { concurrency: CONCURRENCY });
  const requests = (n: number) => Array.from({ length: n }, () => ({ prompt: PAYLOAD.prompt, maxTokens: 8 }));
  const providerRun = async (n: number) => {
    const t0 = performance.now();
    const results = await provider.generate(requests(n));
    const ms = performance.now() - t0;
    const failed = results.filter((r) => !r.ok).length;
    if (failed > 0) throw new Error(`${failed} provider requests failed`);
    return ms;
  };

  const rows: Array<{ name: string; ms: number }> = [];
  // Interleave and keep each contender's best of three rounds (the machine is shared).
  const best = new Map<string, number>();
  for (let round = 0; round < 3; round++) {
    await loop(WARMUP, CONCURRENCY, undiciOne);
    best.set('bare undici request loop', Math.min(best.get('bare undici request loop') ?? Infinity, await loop(N, CONCURRENCY, undiciOne)));
    await loop(WARMUP, CONCURRENCY, fetchOne);
    best.set('bare global fetch loop', Math.min(best.get('bare global fetch loop') ?? Infinity, await loop(N, CONCURRENCY, fetchOne)));
    await providerRun(WARMUP);
    best.set('assay provider.generate', Math.min(best.get('assay provider.generate') ?? Infinity, await providerRun(N)));
  }
  for (const [name, ms] of best) rows.push({ name, ms });
  clearInterval(sampler);
  child.kill();

  const baseline = rows[0].ms;
  const lines = [
    `HTTP provider throughput: ${N} completions, concurrency ${CONCURRENCY}, loopback server in its own process, best of 3 (node ${process.version})`,
    '',
    '| contender | requests/s | time (ms) | time vs bare undici |',
    '|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.name} | ${Math.round((N / r.ms) * 1000)} | ${r.ms.toFixed(0)} | ${(r.ms / baseline).toFixed(2)}x |`),
    '',
    `peak RSS of the benchmark process: ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
  ];
  console.log(lines.join('\n'));
}

await main();
