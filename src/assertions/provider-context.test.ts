// The context glue against fakes, then for real: stories260K generates with logprobs (perplexity
// from them) and embeds (similar), through the llama provider.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedPath } from '../../test/support/shared.js';
import { createProvider } from '../providers/registry.js';
import type { GenerateResult, Provider } from '../providers/types.js';
import { generationContext, providerEmbedder } from './provider-context.js';
import { runAssertion } from './registry.js';
import { perplexityOf } from './scores.js';

const result = (over: Partial<GenerateResult>): GenerateResult => ({ text: 'x', finishReason: 'stop', usage: { promptTokens: 1, completionTokens: 1 }, latencyMs: 12, cached: false, ...over });

describe('generationContext', () => {
  it('takes latency (not from the cache), cost and token logprobs', () => {
    expect(generationContext(result({ costUsd: 0.5, logprobs: [{ token: 'a', logprob: -1 }, { token: 'b', logprob: -2 }] }), { v: 1 }, 'p')).toEqual({
      vars: { v: 1 },
      prompt: 'p',
      latencyMs: 12,
      costUsd: 0.5,
      logprobs: [-1, -2],
    });
    expect(generationContext(result({ cached: true }), {}, 'p')).toEqual({ vars: {}, prompt: 'p' });
  });
});

describe('providerEmbedder', () => {
  it('throws the failure of a request, which similar reports as an error result', async () => {
    const failing = {
      id: 'fake:e',
      embed: async (texts: readonly string[]) => texts.map(() => ({ ok: false as const, error: { code: 'server_error' as const, message: 'HTTP 500', attempts: 3 } })),
    } as unknown as Provider;
    const r = await runAssertion({ type: 'similar', value: 'a' }, 'b', { vars: {}, prompt: '', embed: providerEmbedder(failing) });
    expect([r.pass, r.score, r.reason, r.error]).toEqual([false, 0, 'embedding failed: fake:e could not embed text 1: server_error: HTTP 500', true]);
  });
});

describe('assertions on the local tiny model', () => {
  let provider: Provider;
  beforeAll(async () => {
    provider = await createProvider(`llama:${sharedPath('models', 'stories260K.gguf')}`, { threads: 1, contextSize: 512 });
  });
  afterAll(async () => {
    await provider?.close();
  });

  it('perplexity comes from the generation logprobs', async () => {
    const [settled] = await provider.generate([{ prompt: 'Once upon a time', maxTokens: 12, logprobs: true }]);
    expect(settled.ok).toBe(true);
    if (!settled.ok) return;
    const context = generationContext(settled.value, {}, 'Once upon a time');
    expect(context.logprobs!.length).toBe(settled.value.logprobs!.length);
    const ppl = perplexityOf(context.logprobs!);
    const pass = await runAssertion({ type: 'perplexity', threshold: ppl }, settled.value.text, context);
    expect([pass.pass, pass.score]).toEqual([true, 1]);
    const fail = await runAssertion({ type: 'perplexity', threshold: ppl * 0.99 }, settled.value.text, context);
    expect([fail.pass, fail.reason]).toEqual([false, `Perplexity ${ppl.toFixed(2)} is greater than threshold ${ppl * 0.99}`]);
  });

  it('similar uses the model embeddings: a text is fully similar to itself', async () => {
    const embed = providerEmbedder(provider);
    const same = await runAssertion({ type: 'similar', value: 'The cat sat on the mat.' }, 'The cat sat on the mat.', { vars: {}, prompt: '', embed });
    expect(same.pass).toBe(true);
    expect(same.score).toBeCloseTo(1, 6);
    const [a, b] = await embed(['Lily went to the park.', 'The dog barked at the moon.']);
    const dot = a.reduce((s, x, i) => s + x * b[i], 0);
    const cos = dot / (Math.hypot(...a) * Math.hypot(...b));
    const r = await runAssertion({ type: 'similar', value: 'Lily went to the park.', threshold: 0 }, 'The dog barked at the moon.', { vars: {}, prompt: '', embed });
    expect(r.score).toBeCloseTo(cos, 9);
  });
});
