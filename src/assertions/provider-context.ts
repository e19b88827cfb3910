// Glue from a provider's generation to what assertions need: latency, cost and token logprobs
// from a GenerateResult, and an embedder for `similar` from any Provider with embeddings.
// As promptfoo, a cached response has no latency (it would measure the cache, not the model).
import type { GenerateResult, Provider } from '../providers/types.js';
import type { AssertionContext } from './types.js';

/** The AssertionContext of one generated output. */
export function generationContext(result: GenerateResult, vars: Record<string, unknown>, prompt: string): AssertionContext {
  const context: AssertionContext = { vars, prompt };
  if (!result.cached) context.latencyMs = result.latencyMs;
  if (result.costUsd !== undefined) context.costUsd = result.costUsd;
  if (result.logprobs !== undefined && result.logprobs.length > 0) context.logprobs = result.logprobs.map((t) => t.logprob);
  return context;
}

/** `embed` for AssertionContext from a provider; a failed request throws its reason. */
export function providerEmbedder(provider: Provider): (texts: string[]) => Promise<number[][]> {
  return async (texts) => {
    const settled = await provider.embed(texts);
    return settled.map((s, i) => {
      if (!s.ok) throw new Error(`${provider.id} could not embed text ${i + 1}: ${s.error.code}: ${s.error.message}`);
      return s.value.embedding;
    });
  };
}
