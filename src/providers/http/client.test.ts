import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { HttpClient } from './client.js';

describe('HttpClient and the caller signal', () => {
  it('leaves no listener on a long-lived caller signal after its requests (AbortSignal.any kept one per request)', async () => {
    const client = new HttpClient({ fetch: async () => new Response('{"ok": true}', { status: 200 }) });
    const run = new AbortController();
    for (let i = 0; i < 50; i++) {
      const result = await client.postJson('http://x/v1/completions', { i }, (json) => json, run.signal);
      expect(result).toMatchObject({ ok: true, value: { value: { ok: true }, attempts: 1 } });
    }
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
  });

  it('an abort of the caller signal reaches the request in flight', async () => {
    const run = new AbortController();
    const client = new HttpClient({
      fetch: (_url, init) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(new Error('aborted')));
          setTimeout(() => run.abort(), 5);
        }),
    });
    const result = await client.postJson('http://x/v1/completions', {}, (json) => json, run.signal);
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: 'request to http://x/v1/completions aborted by the caller', attempts: 1 } });
  });
});
