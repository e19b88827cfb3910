import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ResponseCache } from '../../providers/cache.js';
import { bufferIO } from '../io.js';
import { main } from '../main.js';

const dir = mkdtempSync(join(tmpdir(), 'assay-cache-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]) {
  const io = bufferIO();
  const status = await main(argv, io);
  return { status, out: io.stdout, err: io.stderr };
}

describe('assay cache', () => {
  it('reports a missing cache without creating it', async () => {
    const path = join(dir, 'none.sqlite');
    expect(await run('cache', 'stats', '--cache', path)).toEqual({ status: 0, out: `no response cache at ${path}\n`, err: '' });
    expect(await run('cache', 'clear', '--cache', path)).toEqual({ status: 0, out: `no response cache at ${path}; nothing to clear\n`, err: '' });
    expect(existsSync(path)).toBe(false);
  });

  it('prints stats by provider and kind, then clears one provider and the rest', async () => {
    const path = join(dir, 'c.sqlite');
    const cache = ResponseCache.open(path);
    cache.put('k1', 'openai:gpt-4o-mini', 'generate', { text: 'a' });
    cache.put('k2', 'openai:gpt-4o-mini', 'generate', { text: 'b' });
    cache.put('k3', 'llama:stories260K.gguf', 'loglikelihood', { logprob: -1 });
    const bytes = cache.stats().bytes;
    cache.close();
    const stats = await run('cache', 'stats', '--cache', path);
    expect(stats.out).toBe(
      [
        `cache: ${path}`,
        `entries: 3 (${(bytes / 1024).toFixed(1)} KiB)`,
        'provider                kind                  entries',
        'llama:stories260K.gguf  loglikelihood               1',
        'openai:gpt-4o-mini      generate                    2',
        '',
      ].join('\n'),
    );
    const json = await run('cache', 'stats', '--json', '--cache', path);
    expect(JSON.parse(json.out)).toEqual({
      path,
      entries: 3,
      bytes,
      byProvider: [
        { provider: 'llama:stories260K.gguf', kind: 'loglikelihood', entries: 1 },
        { provider: 'openai:gpt-4o-mini', kind: 'generate', entries: 2 },
      ],
    });
    expect(await run('cache', 'clear', '--cache', path, '--provider', 'openai:gpt-4o-mini')).toEqual({ status: 0, out: `cleared 2 cached responses of openai:gpt-4o-mini from ${path}\n`, err: '' });
    expect(await run('cache', 'clear', '--cache', path)).toEqual({ status: 0, out: `cleared 1 cached response from ${path}\n`, err: '' });
  });

  it('uses ASSAY_CACHE when --cache is not given', async () => {
    const path = join(dir, 'env.sqlite');
    ResponseCache.open(path).close();
    process.env.ASSAY_CACHE = path;
    try {
      expect((await run('cache', 'clear')).out).toBe(`cleared 0 cached responses from ${path}\n`);
    } finally {
      delete process.env.ASSAY_CACHE;
    }
  });
});
