// End to end: the HTTP providers against the project's loopback OpenAI-compatible and Anthropic
// servers — the provider contract, then every injected fault ending in the right retry/outcome,
// the concurrency limit, and API keys never leaking into errors, identities or the cache.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isAssayError } from '../src/core/errors.js';
import { ResponseCache, withCache } from '../src/providers/cache.js';
import { createAnthropicProvider } from '../src/providers/http/anthropic.js';
import { OpenAICompatibleProvider, createOpenAICompatibleProvider, type HttpSeams } from '../src/providers/http/openai-compatible.js';
import { parseModelId } from '../src/providers/model-id.js';
import type { Capabilities, GenerateResult, ProviderConfig, Settled } from '../src/providers/types.js';
import { startFakeAnthropicServer } from './support/fake-anthropic-server.js';
import { type LoopbackServer, startFakeOpenAIServer } from './support/fake-openai-server.js';
import { runProviderContract } from './support/provider-contract.js';

const OPENAI_KEY_ENV = 'ASSAY_TEST_OPENAI_KEY';
const ANTHROPIC_KEY_ENV = 'ASSAY_TEST_ANTHROPIC_KEY';
const OPENAI_KEY = 'sk-test-openai-0123456789';
const ANTHROPIC_KEY = 'sk-ant-test-9876543210';
process.env[OPENAI_KEY_ENV] = OPENAI_KEY;
process.env[ANTHROPIC_KEY_ENV] = ANTHROPIC_KEY;

const GENERATE_EXPECTED = [
  // "echo: " + prompt; the fake tokenizer splits words with their leading spaces.
  { request: { prompt: 'Hello world', maxTokens: 8 }, text: 'echo: Hello world', finishReason: 'stop' as const, usage: { promptTokens: 2, completionTokens: 3 } },
  { request: { prompt: 'one two three four', maxTokens: 3 }, text: 'echo: one two', finishReason: 'length' as const, usage: { promptTokens: 4, completionTokens: 3 } },
  { request: { prompt: 'a b. c', stop: ['.'], maxTokens: 10 }, text: 'echo: a b', finishReason: 'stop' as const, usage: { promptTokens: 3, completionTokens: 3 } },
  {
    request: { prompt: [{ role: 'system' as const, content: 'Be brief' }, { role: 'user' as const, content: 'Hi there' }], maxTokens: 8 },
    text: 'echo: Hi there',
    finishReason: 'stop' as const,
    usage: { promptTokens: 4, completionTokens: 3 },
  },
];

const servers: LoopbackServer[] = [];
async function openAIServer(): Promise<LoopbackServer> {
  const server = await startFakeOpenAIServer({ apiKey: OPENAI_KEY });
  servers.push(server);
  return server;
}
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const OPENAI_COMPATIBLE_CAPS: Capabilities = {
  generate: true,
  loglikelihood: true,
  loglikelihoodRolling: true,
  topLogprobs: 5,
  chat: true,
  constraint: { jsonSchema: true, grammar: false },
  embeddings: true,
  tokenCount: false,
};

runProviderContract(
  'openai-compatible (vLLM-like, echo) on the loopback server',
  async () => {
    const server = await openAIServer();
    const provider = await createOpenAICompatibleProvider(parseModelId(`openai-compatible:fake-model@${server.url}`), { apiKeyEnv: OPENAI_KEY_ENV, prices: { 'fake-model': { input: 1, output: 2 } } });
    return {
      provider,
      requestsSent: () => server.requests.length,
      expected: {
        generate: GENERATE_EXPECTED.map((e) => ({ ...e, costUsd: (e.usage.promptTokens * 1 + e.usage.completionTokens * 2) / 1e6 })),
        loglikelihood: [
          // " Paris" is 6 code points: -6/8; the fake's argmax " the" (-0.5) beats it, so not greedy.
          { request: { context: 'The capital of France is', continuation: ' Paris' }, logprob: -0.75, isGreedy: false, tokens: 1 },
          // Trailing context whitespace moves to the continuation: scored as " Rome".
          { request: { context: 'The capital of France is ', continuation: 'Rome' }, logprob: -0.625, isGreedy: false, tokens: 1 },
          { request: { context: 'I saw', continuation: ' a cat' }, logprob: -0.75, isGreedy: true, tokens: 2 },
          { request: { context: 'x', continuation: ' the end of it' }, logprob: -1.75, isGreedy: true, tokens: 4 },
        ],
        // The first token has no logprob (no BOS before it) and goes unscored.
        rolling: [{ request: { text: 'The cat sat.' }, logprob: -1.125, tokens: 2 }],
        embed: [
          { text: 'hello', embedding: [5, 1, 0.5] },
          { text: 'a b c', embedding: [5, 3, 0.5] },
        ],
      },
    };
  },
  OPENAI_COMPATIBLE_CAPS,
);

runProviderContract(
  'openai (API shape: no echo) on the loopback server',
  async () => {
    const server = await openAIServer();
    const provider = await createOpenAICompatibleProvider(parseModelId('openai:gpt-4o-mini-2024-07-18'), { baseUrl: server.url, apiKeyEnv: OPENAI_KEY_ENV }, 'openai');
    return {
      provider,
      requestsSent: () => server.requests.length,
      // Built-in price of gpt-4o-mini (snapshot suffix stripped): $0.15 in, $0.60 out per million.
      expected: { generate: GENERATE_EXPECTED.map((e) => ({ ...e, costUsd: (e.usage.promptTokens * 0.15 + e.usage.completionTokens * 0.6) / 1e6 })) },
    };
  },
  { ...OPENAI_COMPATIBLE_CAPS, loglikelihood: false, loglikelihoodRolling: false, topLogprobs: 20 },
);

runProviderContract(
  'ollama on the loopback server',
  async () => {
    const server = await openAIServer();
    const provider = await createOpenAICompatibleProvider(parseModelId(`ollama:llama3.2:1b@${server.url}`), { apiKeyEnv: OPENAI_KEY_ENV }, 'ollama');
    return { provider, requestsSent: () => server.requests.length, expected: { generate: GENERATE_EXPECTED } };
  },
  { ...OPENAI_COMPATIBLE_CAPS, loglikelihood: false, loglikelihoodRolling: false, topLogprobs: 0 },
);

runProviderContract(
  'anthropic on the loopback server',
  async () => {
    const server = await startFakeAnthropicServer({ apiKey: ANTHROPIC_KEY });
    servers.push(server);
    const provider = await createAnthropicProvider(parseModelId(`anthropic:claude-3-5-haiku-20241022@${server.url}`), { apiKeyEnv: ANTHROPIC_KEY_ENV });
    return {
      provider,
      requestsSent: () => server.requests.length,
      // Built-in price of claude-3-5-haiku: $0.80 in, $4 out per million.
      expected: { generate: GENERATE_EXPECTED.map((e) => ({ ...e, costUsd: (e.usage.promptTokens * 0.8 + e.usage.completionTokens * 4) / 1e6 })) },
    };
  },
  { generate: true, loglikelihood: false, loglikelihoodRolling: false, topLogprobs: 0, chat: true, constraint: { jsonSchema: false, grammar: false }, embeddings: false, tokenCount: false },
);

/** A clock that sleeps instantly and records each sleep, so retry delays are exact. */
function fakeClock(start = 1_700_000_000_000) {
  const clock = {
    t: start,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.t += ms;
    },
  };
  return clock;
}

function only(results: Settled<GenerateResult>[]): Settled<GenerateResult> {
  expect(results).toHaveLength(1);
  return results[0];
}

describe('HTTP faults end as the right retry and outcome', () => {
  let server: LoopbackServer;
  let clock: ReturnType<typeof fakeClock>;
  let provider: OpenAICompatibleProvider;
  const request = { prompt: 'Hello world', maxTokens: 8 };

  function make(config: ProviderConfig = {}, seams: HttpSeams = {}): OpenAICompatibleProvider {
    clock = fakeClock();
    return new OpenAICompatibleProvider(parseModelId(`openai-compatible:fake-model@${server.url}`), { apiKeyEnv: OPENAI_KEY_ENV, concurrency: 4, timeoutMs: 300, maxRetries: 2, ...config }, 'openai-compatible', {
      now: clock.now,
      sleep: clock.sleep,
      random: () => 0.5,
      retry: { baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 10_000 },
      ...seams,
    });
  }

  beforeAll(async () => {
    server = await openAIServer();
  });
  afterEach(() => {
    server.faults.length = 0;
    server.faultFor = undefined;
    server.requests.length = 0;
  });

  it('429 with Retry-After seconds: waits exactly that long, retries, halves the concurrency', async () => {
    provider = make();
    server.faults.push({ kind: 'status', status: 429, retryAfter: '2' });
    const result = only(await provider.generate([request]));
    expect(result.ok && result.value.text).toBe('echo: Hello world');
    expect(server.requests).toHaveLength(2);
    expect(clock.sleeps).toEqual([2000]);
    // AIMD: 4 → 2 on the 429, then + 1/2 on the success: floor(2.5) = 2.
    expect(provider.client.limiter.limit).toBe(2);
  });

  it('429 with an HTTP-date Retry-After: waits until that date', async () => {
    provider = make();
    server.faults.push({ kind: 'status', status: 429, retryAfter: new Date(clock.t + 3000).toUTCString() });
    const result = only(await provider.generate([request]));
    expect(result.ok).toBe(true);
    expect(clock.sleeps).toEqual([3000]);
  });

  it('429 asking for more than maxRetryAfterMs: gives up at once as rate_limited', async () => {
    provider = make();
    server.faults.push({ kind: 'status', status: 429, retryAfter: '60' });
    const result = only(await provider.generate([request]));
    expect(result.ok ? 'ok' : [result.error.code, result.error.attempts, result.error.status]).toEqual(['rate_limited', 1, 429]);
    expect(clock.sleeps).toEqual([]);
  });

  it('500 twice, then success: full-jitter backoff 0.5 x 100 x 2^k', async () => {
    provider = make();
    server.faults.push({ kind: 'status', status: 500 }, { kind: 'status', status: 500 });
    const result = only(await provider.generate([request]));
    expect(result.ok).toBe(true);
    expect(server.requests).toHaveLength(3);
    expect(clock.sleeps).toEqual([50, 100]);
  });

  it('500 on every attempt: server_error after maxRetries + 1 attempts', async () => {
    provider = make();
    server.faultFor = () => ({ kind: 'status', status: 503 });
    const result = only(await provider.generate([request]));
    expect(result.ok ? 'ok' : [result.error.code, result.error.attempts, result.error.status]).toEqual(['server_error', 3, 503]);
    expect(clock.sleeps).toEqual([50, 100]);
  });

  it('a stall past the timeout is aborted and retried', async () => {
    provider = make();
    server.faults.push({ kind: 'stall' });
    const result = only(await provider.generate([request]));
    expect(result.ok && result.value.text).toBe('echo: Hello world');
    expect(server.requests).toHaveLength(2);
  });

  it('stalls on every attempt: timeout', async () => {
    provider = make({ maxRetries: 1, timeoutMs: 150 });
    server.faultFor = () => ({ kind: 'stall' });
    const result = only(await provider.generate([request]));
    expect(result.ok ? 'ok' : [result.error.code, result.error.attempts]).toEqual(['timeout', 2]);
  });

  it('a connection reset is retried; resets on every attempt end as connection', async () => {
    provider = make();
    server.faults.push({ kind: 'reset' });
    expect(only(await provider.generate([request])).ok).toBe(true);
    server.faultFor = () => ({ kind: 'reset' });
    const result = only(await provider.generate([request]));
    expect(result.ok ? 'ok' : [result.error.code, result.error.attempts]).toEqual(['connection', 3]);
  });

  it('malformed JSON is retried, then recorded as bad_response (never an empty string)', async () => {
    provider = make();
    server.faults.push({ kind: 'malformed' });
    expect(only(await provider.generate([request])).ok).toBe(true);
    server.faultFor = () => ({ kind: 'malformed' });
    const result = only(await provider.generate([request]));
    expect(result.ok ? 'ok' : [result.error.code, result.error.attempts, result.error.message.includes('malformed JSON')]).toEqual(['bad_response', 3, true]);
  });

  it('a truncated body is retried, then recorded as bad_response', async () => {
    provider = make();
    server.faults.push({ kind: 'truncated' });
    expect(only(await provider.generate([request])).ok).toBe(true);
    server.faultFor = () => ({ kind: 'truncated' });
    const result = only(await provider.generate([request]));
    expect(result.ok ? 'ok' : [result.error.code, result.error.attempts, result.error.message.includes('truncated')]).toEqual(['bad_response', 3, true]);
  });

  it('a body of the wrong shape fails zod validation: bad_response naming the field', async () => {
    provider = make();
    server.faultFor = () => ({ kind: 'wrong-shape' });
    const result = only(await provider.generate([request]));
    expect(result.ok ? 'ok' : [result.error.code, result.error.attempts, result.error.message.includes('choices')]).toEqual(['bad_response', 3, true]);
  });

  it('a 4xx is not retried', async () => {
    provider = make();
    server.faults.push({ kind: 'status', status: 400, body: { error: { message: 'bad model' } } });
    const result = only(await provider.generate([request]));
    expect(result.ok ? 'ok' : [result.error.code, result.error.attempts, result.error.status]).toEqual(['client_error', 1, 400]);
    expect(server.requests).toHaveLength(1);
  });

  it('one failing request in a batch is recorded on that request; the others succeed, in order', async () => {
    provider = make({ maxRetries: 0 });
    server.faultFor = (r) => ((r.body as { prompt?: string }).prompt === 'POISON' ? { kind: 'status', status: 500 } : undefined);
    const results = await provider.generate([{ prompt: 'first' }, { prompt: 'POISON' }, { prompt: 'third' }]);
    expect(results.map((r) => (r.ok ? r.value.text : r.error.code))).toEqual(['echo: first', 'server_error', 'echo: third']);
  });

  it('never has more requests in flight than the concurrency limit', async () => {
    let active = 0;
    let peak = 0;
    const counting: typeof fetch = async (input, init) => {
      active++;
      peak = Math.max(peak, active);
      try {
        return await fetch(input, init);
      } finally {
        active--;
      }
    };
    provider = make({ concurrency: 2 }, { fetch: counting });
    server.faultFor = () => ({ kind: 'stall', ms: 20 });
    const results = await provider.generate(Array.from({ length: 8 }, (_, i) => ({ prompt: `p${i}` })));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(peak).toBe(2);
  });

  it('an aborted call settles the rest of its requests as aborted', async () => {
    provider = make();
    server.faultFor = () => ({ kind: 'stall' });
    const controller = new AbortController();
    const pending = provider.generate([request, request], { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const results = await pending;
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['internal', 'internal']);
  });
});

describe('request bodies and per-token logprobs', () => {
  it('completions: logprobs with top alternatives, best first', async () => {
    const server = await openAIServer();
    const provider = await createOpenAICompatibleProvider(parseModelId(`openai-compatible:fake-model@${server.url}`), { apiKeyEnv: OPENAI_KEY_ENV });
    const [r] = await provider.generate([{ prompt: 'Hi', maxTokens: 2, logprobs: true, topLogprobs: 2 }]);
    expect(r.ok ? r.value.logprobs : r.error.message).toEqual([
      { token: 'echo:', logprob: -0.625, top: [{ token: ' the', logprob: -0.5 }, { token: 'echo:', logprob: -0.625 }] },
      { token: ' Hi', logprob: -0.375, top: [{ token: ' Hi', logprob: -0.375 }, { token: ' the', logprob: -0.5 }] },
    ]);
    expect(server.requests[0].body).toEqual({ model: 'fake-model', prompt: 'Hi', max_tokens: 2, temperature: 0, logprobs: 2 });
  });

  it('chat: logprobs, top_logprobs, seed, stop and a JSON-schema response_format in the body', async () => {
    const server = await openAIServer();
    const provider = await createOpenAICompatibleProvider(parseModelId(`openai:gpt-4o-mini@${server.url}`), { apiKeyEnv: OPENAI_KEY_ENV }, 'openai');
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    const [r] = await provider.generate([
      { prompt: [{ role: 'user', content: 'Hi' }], maxTokens: 5, temperature: 0.5, topP: 0.9, seed: 3, stop: ['\n'], topLogprobs: 1, constraint: { type: 'json_schema', schema, name: 'answer' } },
    ]);
    expect(r.ok ? r.value.logprobs : r.error.message).toEqual([
      { token: 'echo:', logprob: -0.625, top: [{ token: ' the', logprob: -0.5 }] },
      { token: ' Hi', logprob: -0.375, top: [{ token: ' Hi', logprob: -0.375 }] },
    ]);
    expect(server.requests[0].path).toBe('/v1/chat/completions');
    expect(server.requests[0].body).toEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 5,
      temperature: 0.5,
      top_p: 0.9,
      seed: 3,
      stop: ['\n'],
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } },
      logprobs: true,
      top_logprobs: 1,
    });
  });

  it('anthropic: system lifted out, stop_sequences and max_tokens sent, key and version headers set', async () => {
    const server = await startFakeAnthropicServer({ apiKey: ANTHROPIC_KEY });
    servers.push(server);
    const provider = await createAnthropicProvider(parseModelId(`anthropic:claude-3-5-haiku-latest@${server.url}`), { apiKeyEnv: ANTHROPIC_KEY_ENV });
    const [r] = await provider.generate([{ prompt: [{ role: 'system', content: 'Be brief' }, { role: 'user', content: 'a b. c' }], stop: ['.'], maxTokens: 10 }]);
    expect(r.ok ? [r.value.text, r.value.finishReason] : r.error.message).toEqual(['echo: a b', 'stop']);
    expect(server.requests[0].body).toEqual({ model: 'claude-3-5-haiku-latest', max_tokens: 10, temperature: 0, messages: [{ role: 'user', content: 'a b. c' }], system: 'Be brief', stop_sequences: ['.'] });
    expect([server.requests[0].headers['x-api-key'], server.requests[0].headers['anthropic-version']]).toEqual([ANTHROPIC_KEY, '2023-06-01']);
  });
});

describe('echo from a server that puts a BOS token before the prompt (vLLM with a Llama tokenizer)', () => {
  it('shifts the split point past "<s>" and scores the first prompt token', async () => {
    const server = await startFakeOpenAIServer({ bos: true });
    servers.push(server);
    const provider = await createOpenAICompatibleProvider(parseModelId(`openai-compatible:fake-model@${server.url}`), {});
    const ll = await provider.loglikelihood([
      { context: 'The capital of France is', continuation: ' Paris' },
      // An empty context is scored after BOS: "Hello" (-5/8, " the" wins) + " world" (-6/8).
      { context: '', continuation: 'Hello world' },
    ]);
    expect(ll.map((r) => (r.ok ? [r.value.logprob, r.value.isGreedy, r.value.tokens] : r.error.message))).toEqual([
      [-0.75, false, 1],
      [-1.375, false, 2],
    ]);
    const [rolling] = await provider.loglikelihoodRolling([{ text: 'The cat sat.' }]);
    // "The" -3/8 + " cat" -4/8 + " sat." -5/8, every token scored.
    expect(rolling.ok ? [rolling.value.logprob, rolling.value.tokens] : rolling.error.message).toEqual([-1.5, 3]);
  });

  it('without BOS, an empty context is a bad_response recorded without retrying (the first token has no logprob)', async () => {
    const server = await openAIServer();
    const provider = await createOpenAICompatibleProvider(parseModelId(`openai-compatible:fake-model@${server.url}`), { apiKeyEnv: OPENAI_KEY_ENV });
    const [r] = await provider.loglikelihood([{ context: '', continuation: 'Hello world' }]);
    expect(r.ok ? 'ok' : [r.error.code, r.error.attempts, r.error.message.includes('has no logprob')]).toEqual(['bad_response', 1, true]);
  });
});

describe('API keys', () => {
  it('are sent, but never appear in errors, identities, ids or the cache', async () => {
    const server = await openAIServer();
    const secret = 'sk-wrong-secret-4242';
    process.env.ASSAY_TEST_WRONG_KEY = secret;
    const wrong = await createOpenAICompatibleProvider(parseModelId(`openai-compatible:fake-model@${server.url}`), { apiKeyEnv: 'ASSAY_TEST_WRONG_KEY' });
    const [failed] = await wrong.generate([{ prompt: 'hi' }]);
    expect(String(server.requests[0].headers.authorization)).toBe(`Bearer ${secret}`);
    // The fake echoes the key it received in its 401, as OpenAI's API does.
    expect(failed.ok ? 'ok' : [failed.error.code, failed.error.status, failed.error.message.includes(secret), failed.error.message.includes('[redacted]')]).toEqual(['client_error', 401, false, true]);

    const right = await createOpenAICompatibleProvider(parseModelId(`openai-compatible:fake-model@${server.url}`), { apiKeyEnv: OPENAI_KEY_ENV });
    const cache = ResponseCache.open(':memory:');
    const [ok] = await withCache(right, cache).generate([{ prompt: 'hi' }]);
    expect(ok.ok).toBe(true);
    const everything = JSON.stringify([right.id, right.identity, wrong.id, wrong.identity, cache.stats()]);
    expect(everything.includes(OPENAI_KEY) || everything.includes(secret)).toBe(false);
    cache.close();
  });

  it('a configured key variable that is unset is a CONFIG error before any request', async () => {
    const server = await openAIServer();
    delete process.env.ASSAY_TEST_UNSET_KEY;
    const provider = await createOpenAICompatibleProvider(parseModelId(`openai-compatible:fake-model@${server.url}`), { apiKeyEnv: 'ASSAY_TEST_UNSET_KEY' });
    let error: unknown;
    try {
      await provider.generate([{ prompt: 'hi' }]);
    } catch (e) {
      error = e;
    }
    expect(isAssayError(error) ? [error.code, error.message.includes('ASSAY_TEST_UNSET_KEY')] : error).toEqual(['CONFIG', true]);
    expect(server.requests).toHaveLength(0);
  });
});
