import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test/support/shared.js';
import { ResponseCache, cacheKey, canonicalJson, isCacheable, withCache } from './cache.js';
import type { Capabilities, GenerateRequest, GenerateResult, Provider, Settled } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'assay-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cache keys', () => {
  it('canonical JSON sorts keys and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, undefined, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,null,{"y":2,"z":1}]},"b":1}');
  });

  it('hash provider id, identity, kind and the whole request', () => {
    const p = { id: 'openai:gpt-4o', identity: { model: 'gpt-4o', baseUrl: 'https://api.openai.com/v1' } };
    const key = cacheKey(p, 'generate', { prompt: 'hi', maxTokens: 5 });
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheKey(p, 'generate', { maxTokens: 5, prompt: 'hi', seed: undefined })).toBe(key);
    const differing = [
      cacheKey({ ...p, id: 'openai:gpt-4o-mini' }, 'generate', { prompt: 'hi', maxTokens: 5 }),
      cacheKey({ ...p, identity: { ...p.identity, baseUrl: 'http://x/v1' } }, 'generate', { prompt: 'hi', maxTokens: 5 }),
      cacheKey(p, 'loglikelihood', { prompt: 'hi', maxTokens: 5 }),
      cacheKey(p, 'generate', { prompt: 'hi', maxTokens: 6 }),
    ];
    expect(new Set([key, ...differing]).size).toBe(5);
  });

  it('caches sampled generations only with a seed', () => {
    const cases: Array<[GenerateRequest, boolean]> = [
      [{ prompt: 'x' }, true],
      [{ prompt: 'x', temperature: 0 }, true],
      [{ prompt: 'x', temperature: 0.7 }, false],
      [{ prompt: 'x', temperature: 0.7, seed: 0 }, true],
    ];
    expect(cases.map(([r]) => isCacheable('generate', r))).toEqual(cases.map(([, c]) => c));
    expect(isCacheable('loglikelihood', { context: 'a', continuation: 'b' })).toBe(true);
  });
});

const CAPS: Capabilities = { generate: true, loglikelihood: false, loglikelihoodRolling: false, topLogprobs: 0, chat: false, constraint: { jsonSchema: false, grammar: false }, embeddings: false, tokenCount: false };

/** A provider that answers prompt "fail" with an error and counts what reaches it. */
function countingProvider() {
  const seen: string[] = [];
  const provider: Provider = {
    id: 'fake:m',
    capabilities: CAPS,
    identity: { model: 'm' },
    async generate(requests, options) {
      return requests.map((r, i) => {
        seen.push(String(r.prompt));
        const result: Settled<GenerateResult> =
          r.prompt === 'fail'
            ? { ok: false, error: { code: 'server_error', message: 'boom', attempts: 1 } }
            : { ok: true, value: { text: `out:${String(r.prompt)}`, finishReason: 'stop', usage: { promptTokens: 1, completionTokens: 2 }, latencyMs: 12.5, costUsd: 0.001, cached: false } };
        options?.onSettled?.(i, result);
        return result;
      });
    },
    loglikelihood: async () => [],
    loglikelihoodRolling: async () => [],
    embed: async () => [],
    countTokens: async () => 0,
    close: async () => {},
  };
  return { provider, seen };
}

describe('withCache', () => {
  it('sends only misses, keeps order and indices, never stores failures', async () => {
    const cache = ResponseCache.open(':memory:');
    const { provider, seen } = countingProvider();
    const cached = withCache(provider, cache);
    await cached.generate([{ prompt: 'a' }, { prompt: 'fail' }]);
    const settled: number[] = [];
    const results = await cached.generate([{ prompt: 'b' }, { prompt: 'a' }, { prompt: 'fail' }], { onSettled: (i) => settled.push(i) });
    expect(seen).toEqual(['a', 'fail', 'b', 'fail']);
    expect(results.map((r) => (r.ok ? [r.value.text, r.value.cached] : r.error.code))).toEqual([['out:b', false], ['out:a', true], 'server_error']);
    expect(settled.sort()).toEqual([0, 1, 2]);
    expect(results[1]).toEqual({ ok: true, value: { text: 'out:a', finishReason: 'stop', usage: { promptTokens: 1, completionTokens: 2 }, latencyMs: 12.5, costUsd: 0.001, cached: true } });
    expect(cache.stats().entries).toBe(2);
    cache.close();
  });

  it('a cache that cannot be written costs a warning, not the results', async () => {
    const cache = ResponseCache.open(':memory:');
    const { provider } = countingProvider();
    const closing: Provider = { ...provider, generate: async (r, o) => (cache.close(), provider.generate(r, o)) };
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    const results = await withCache(closing, cache).generate([{ prompt: 'w' }]);
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    expect(results.map((r) => r.ok && r.value.text)).toEqual(['out:w']);
    expect(warnings).toEqual(['assay: response cache :memory: not written: The database connection is not open']);
  });

  it('--no-cache returns the provider itself', () => {
    const { provider } = countingProvider();
    expect(withCache(provider, ResponseCache.open(':memory:'), { noCache: true })).toBe(provider);
    expect(withCache(provider, undefined)).toBe(provider);
  });
});

describe('ResponseCache on disk', () => {
  it('persists, reports stats by provider and kind, clears', () => {
    const path = join(dir, 'nested', 'one.sqlite');
    const a = ResponseCache.open(path);
    a.put('k1', 'openai:x', 'generate', { text: 'one' });
    a.put('k2', 'openai:x', 'loglikelihood', { logprob: -1.5 });
    a.put('k3', 'anthropic:y', 'generate', { text: 'three' });
    a.close();
    const b = ResponseCache.open(path);
    expect(b.get('k2')).toEqual({ logprob: -1.5 });
    expect(b.get('nope')).toBeUndefined();
    const stats = b.stats();
    expect([stats.entries, stats.byProvider]).toEqual([
      3,
      [
        { provider: 'anthropic:y', kind: 'generate', entries: 1 },
        { provider: 'openai:x', kind: 'generate', entries: 1 },
        { provider: 'openai:x', kind: 'loglikelihood', entries: 1 },
      ],
    ]);
    expect(b.clear('anthropic:y')).toBe(1);
    expect(b.clear()).toBe(2);
    expect(b.stats().entries).toBe(0);
    b.close();
  });

  it('two connections writing interleaved see each other', () => {
    const path = join(dir, 'two.sqlite');
    const a = ResponseCache.open(path);
    const b = ResponseCache.open(path);
    for (let i = 0; i < 200; i++) (i % 2 === 0 ? a : b).put(`k${i}`, 'p', 'generate', { i });
    expect([a.stats().entries, b.get('k1'), a.get('k198')]).toEqual([200, { i: 1 }, { i: 198 }]);
    a.close();
    b.close();
  });

  it('two processes writing at once lose nothing (WAL + busy timeout)', async () => {
    const path = join(dir, 'procs.sqlite');
    ResponseCache.open(path).close();
    const writer = (tag: string) =>
      new Promise<number>((resolve, reject) => {
        // Each writer waits for the other's first row, so the two really write at the same time.
        const other = tag === 'a' ? 'b' : 'a';
        const script = `import { ResponseCache } from './src/providers/cache.ts';
const c = ResponseCache.open(${JSON.stringify(path)});
c.put('${tag}0', '${tag}', 'generate', { i: 0, tag: '${tag}' });
const deadline = Date.now() + 30000;
while (c.get('${other}0') === undefined && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
for (let i = 1; i < 1000; i++) c.put('${tag}' + i, '${tag}', 'generate', { i, tag: '${tag}' });
c.close();`;
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve(code) : reject(new Error(`writer ${tag} exited ${code}: ${err}`))));
      });
    expect(await Promise.all([writer('a'), writer('b')])).toEqual([0, 0]);
    const cache = ResponseCache.open(path);
    expect([cache.stats().entries, cache.get('a999'), cache.get('b0')]).toEqual([2000, { i: 999, tag: 'a' }, { i: 0, tag: 'b' }]);
    cache.close();
  });
});
