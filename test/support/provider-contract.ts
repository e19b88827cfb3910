// The contract every Provider implementation runs (hono's shared router suite, applied to model
// backends): declared capabilities, one settled result per request in request order, onSettled
// once per index, capability errors before anything is sent, exact expected values where the
// backend's numbers are known, and the response cache's `cached` flag.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAssayError } from '../../src/core/errors.js';
import { ResponseCache, withCache } from '../../src/providers/cache.js';
import { hasCapability } from '../../src/providers/capabilities.js';
import { formatModelId, parseModelId } from '../../src/providers/model-id.js';
import type {
  Capabilities,
  CapabilityName,
  FinishReason,
  GenerateRequest,
  LoglikelihoodRequest,
  Provider,
  RollingRequest,
  Settled,
  TokenUsage,
} from '../../src/providers/types.js';
import { closeTo } from './shared.js';

export interface ContractSubject {
  provider: Provider;
  /** How many requests the backend has received so far; omit for in-process backends. */
  requestsSent?: () => number;
  /** Generation requests for the generic tests (three or more, greedy). */
  prompts?: GenerateRequest[];
  loglikelihoodRequests?: LoglikelihoodRequest[];
  rollingRequests?: RollingRequest[];
  /** Exact values the backend must reproduce (floats to 1e-9 relative). */
  expected?: {
    generate?: Array<{ request: GenerateRequest; text: string; finishReason?: FinishReason; usage?: TokenUsage; costUsd?: number }>;
    loglikelihood?: Array<{ request: LoglikelihoodRequest; logprob: number; isGreedy: boolean; tokens: number }>;
    rolling?: Array<{ request: RollingRequest; logprob: number; tokens: number }>;
    embed?: Array<{ text: string; embedding: number[] }>;
  };
  close?: () => Promise<void>;
}

const DEFAULT_PROMPTS: GenerateRequest[] = [
  { prompt: 'Once upon a time', maxTokens: 8 },
  { prompt: 'The little dog', maxTokens: 8 },
  { prompt: 'She said', maxTokens: 8 },
];
const DEFAULT_LL: LoglikelihoodRequest[] = [
  { context: 'Once upon a time', continuation: ' there' },
  { context: 'Once upon a time', continuation: ' was a' },
  { context: 'The dog', continuation: ' ran' },
];
const DEFAULT_ROLLING: RollingRequest[] = [{ text: 'Once upon a time there was a dog.' }, { text: 'The cat sat.' }];

function values<T>(results: Settled<T>[]): T[] {
  return results.map((r, i) => {
    if (!r.ok) throw new Error(`request ${i} failed: ${r.error.code}: ${r.error.message}`);
    return r.value;
  });
}

async function expectUnsupported(call: () => Promise<unknown>): Promise<void> {
  let error: unknown;
  try {
    await call();
  } catch (e) {
    error = e;
  }
  expect(isAssayError(error) ? error.code : error).toBe('UNSUPPORTED');
}

/** A call that needs exactly this capability (and, where possible, nothing else). */
function probe(provider: Provider, name: CapabilityName): () => Promise<unknown> {
  switch (name) {
    case 'generate':
      return () => provider.generate([{ prompt: 'x', maxTokens: 1 }]);
    case 'loglikelihood':
      return () => provider.loglikelihood([{ context: 'a', continuation: ' b' }]);
    case 'loglikelihoodRolling':
      return () => provider.loglikelihoodRolling([{ text: 'a b' }]);
    case 'logprobs':
      return () => provider.generate([{ prompt: 'x', maxTokens: 1, logprobs: true }]);
    case 'chat':
      return () => provider.generate([{ prompt: [{ role: 'user', content: 'x' }], maxTokens: 1 }]);
    case 'jsonSchema':
      return () => provider.generate([{ prompt: 'x', maxTokens: 1, constraint: { type: 'json_schema', schema: { type: 'object' } } }]);
    case 'grammar':
      return () => provider.generate([{ prompt: 'x', maxTokens: 1, constraint: { type: 'grammar', grammar: 'root ::= "a"' } }]);
    case 'embeddings':
      return () => provider.embed(['x']);
    case 'tokenCount':
      return () => provider.countTokens('x');
  }
}

const ALL_CAPABILITIES: CapabilityName[] = ['generate', 'loglikelihood', 'loglikelihoodRolling', 'logprobs', 'chat', 'jsonSchema', 'grammar', 'embeddings', 'tokenCount'];

export function runProviderContract(name: string, makeSubject: () => Promise<ContractSubject>, capabilities: Capabilities): void {
  describe(`provider contract: ${name}`, () => {
    let subject: ContractSubject;
    let provider: Provider;
    const sent = () => subject.requestsSent?.() ?? 0;

    beforeAll(async () => {
      subject = await makeSubject();
      provider = subject.provider;
    });
    afterAll(async () => {
      await provider?.close();
      await subject?.close?.();
    });

    it('declares its capabilities', () => {
      expect(provider.capabilities).toEqual(capabilities);
    });

    it('has a canonical model id and an identity of plain values', () => {
      expect(formatModelId(parseModelId(provider.id))).toBe(provider.id);
      for (const value of Object.values(provider.identity)) expect(['string', 'number', 'boolean']).toContain(typeof value);
    });

    for (const capability of ALL_CAPABILITIES) {
      if (hasCapability(capabilities, capability)) continue;
      it(`refuses ${capability} with UNSUPPORTED before sending anything`, async () => {
        const before = sent();
        await expectUnsupported(probe(provider, capability));
        expect(sent()).toBe(before);
      });
    }

    it('refuses more top logprobs than it declares, before sending anything', async () => {
      const before = sent();
      await expectUnsupported(() => provider.generate([{ prompt: 'x', maxTokens: 1, logprobs: true, topLogprobs: capabilities.topLogprobs + 1 }]));
      expect(sent()).toBe(before);
    });

    if (capabilities.generate) {
      it('settles one generation per request, in request order, equal to one-by-one calls', async () => {
        const prompts = subject.prompts ?? DEFAULT_PROMPTS;
        const batch = values(await provider.generate(prompts));
        expect(batch).toHaveLength(prompts.length);
        for (let i = 0; i < prompts.length; i++) {
          const [single] = values(await provider.generate([prompts[i]]));
          expect(batch[i].text).toBe(single.text);
          expect(batch[i].finishReason).toBe(single.finishReason);
          expect(batch[i].usage).toEqual(single.usage);
          expect(batch[i].cached).toBe(false);
          expect(Number.isInteger(batch[i].usage.promptTokens) && Number.isInteger(batch[i].usage.completionTokens)).toBe(true);
        }
      });

      it('reports every index to onSettled exactly once, with the returned result', async () => {
        const prompts = subject.prompts ?? DEFAULT_PROMPTS;
        const seen = new Map<number, Settled<unknown>>();
        const results = await provider.generate(prompts, { onSettled: (i, r) => seen.set(i, r) });
        expect([...seen.keys()].sort()).toEqual(prompts.map((_, i) => i));
        results.forEach((r, i) => expect(seen.get(i)).toBe(r));
      });

      it('settles an empty batch to an empty array', async () => {
        expect(await provider.generate([])).toEqual([]);
      });

      it('serves a repeated greedy request from the cache, identical except cached: true', async () => {
        const cache = ResponseCache.open(':memory:');
        const cachedProvider = withCache(provider, cache);
        const request = (subject.prompts ?? DEFAULT_PROMPTS)[0];
        const [live] = values(await cachedProvider.generate([request]));
        const before = sent();
        const [again] = values(await cachedProvider.generate([request]));
        expect(live.cached).toBe(false);
        expect(again).toEqual({ ...live, cached: true });
        expect(sent()).toBe(before);
        expect(withCache(provider, cache, { noCache: true })).toBe(provider);
        cache.close();
      });

      it('caches sampling only with an explicit seed', async () => {
        const cache = ResponseCache.open(':memory:');
        const cachedProvider = withCache(provider, cache);
        const base = (subject.prompts ?? DEFAULT_PROMPTS)[0];
        await cachedProvider.generate([{ ...base, temperature: 0.7 }]);
        const [unseeded] = values(await cachedProvider.generate([{ ...base, temperature: 0.7 }]));
        expect(unseeded.cached).toBe(false);
        await cachedProvider.generate([{ ...base, temperature: 0.7, seed: 7 }]);
        const [seeded] = values(await cachedProvider.generate([{ ...base, temperature: 0.7, seed: 7 }]));
        expect(seeded.cached).toBe(true);
        expect(cache.stats().entries).toBe(1);
        cache.close();
      });

      it('reproduces the expected generations exactly', async () => {
        const expected = subject.expected?.generate ?? [];
        const got = values(await provider.generate(expected.map((e) => e.request)));
        expected.forEach((e, i) => {
          expect(got[i].text).toBe(e.text);
          if (e.finishReason !== undefined) expect(got[i].finishReason).toBe(e.finishReason);
          if (e.usage !== undefined) expect(got[i].usage).toEqual(e.usage);
          if (e.costUsd !== undefined) expect(closeTo(got[i].costUsd ?? NaN, e.costUsd)).toBe(true);
        });
      });
    }

    if (capabilities.loglikelihood) {
      it('settles one log-likelihood per request, in order, equal to one-by-one calls', async () => {
        const requests = subject.loglikelihoodRequests ?? DEFAULT_LL;
        const batch = values(await provider.loglikelihood(requests));
        for (let i = 0; i < requests.length; i++) {
          const [single] = values(await provider.loglikelihood([requests[i]]));
          expect(closeTo(batch[i].logprob, single.logprob)).toBe(true);
          expect(batch[i].isGreedy).toBe(single.isGreedy);
          expect(batch[i].tokens).toBe(single.tokens);
          expect(batch[i].cached).toBe(false);
        }
      });

      it('reproduces the expected log-likelihoods exactly', async () => {
        const expected = subject.expected?.loglikelihood ?? [];
        const got = values(await provider.loglikelihood(expected.map((e) => e.request)));
        expected.forEach((e, i) => {
          expect(closeTo(got[i].logprob, e.logprob)).toBe(true);
          expect(got[i].isGreedy).toBe(e.isGreedy);
          expect(got[i].tokens).toBe(e.tokens);
        });
      });

      it('serves a repeated log-likelihood from the cache', async () => {
        const cache = ResponseCache.open(':memory:');
        const cachedProvider = withCache(provider, cache);
        const request = (subject.loglikelihoodRequests ?? DEFAULT_LL)[0];
        const [live] = values(await cachedProvider.loglikelihood([request]));
        const before = sent();
        const [again] = values(await cachedProvider.loglikelihood([request]));
        expect(again).toEqual({ ...live, cached: true });
        expect(sent()).toBe(before);
        cache.close();
      });
    }

    if (capabilities.loglikelihoodRolling) {
      it('settles one rolling log-likelihood per request, equal to one-by-one calls', async () => {
        const requests = subject.rollingRequests ?? DEFAULT_ROLLING;
        const batch = values(await provider.loglikelihoodRolling(requests));
        for (let i = 0; i < requests.length; i++) {
          const [single] = values(await provider.loglikelihoodRolling([requests[i]]));
          expect(closeTo(batch[i].logprob, single.logprob)).toBe(true);
          expect(batch[i].tokens).toBe(single.tokens);
        }
      });

      it('reproduces the expected rolling log-likelihoods exactly', async () => {
        const expected = subject.expected?.rolling ?? [];
        const got = values(await provider.loglikelihoodRolling(expected.map((e) => e.request)));
        expected.forEach((e, i) => {
          expect(closeTo(got[i].logprob, e.logprob)).toBe(true);
          expect(got[i].tokens).toBe(e.tokens);
        });
      });
    }

    if (capabilities.embeddings) {
      it('embeds each text in order and reproduces the expected vectors', async () => {
        const expected = subject.expected?.embed ?? [];
        const texts = expected.length > 0 ? expected.map((e) => e.text) : ['a', 'b c'];
        const got = values(await provider.embed(texts));
        expect(got).toHaveLength(texts.length);
        expected.forEach((e, i) => expect(got[i].embedding).toEqual(e.embedding));
      });
    }
  });
}
