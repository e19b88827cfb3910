// The provider registry: one constant map of built-in backends plus `registerProvider()` for
// plug-ins (the house registry pattern); a model id is parsed once and its provider looked up
// here, so an unknown provider fails with the closest known names.
import { AssayError, UsageError } from '../core/errors.js';
import { Registry } from '../core/registry.js';
import { parseModelId, type ModelRef } from './model-id.js';
import { createAnthropicProvider } from './http/anthropic.js';
import { createOpenAICompatibleProvider } from './http/openai-compatible.js';
import type { Provider, ProviderConfig } from './types.js';

export type ProviderFactory = (ref: ModelRef, config: ProviderConfig) => Promise<Provider>;


async function createLlama(ref: ModelRef, config: ProviderConfig): Promise<Provider> {
  if (ref.baseUrl !== undefined) {
    throw new UsageError(`model id "llama:${ref.model}@${ref.baseUrl}": the in-process llama backend takes a GGUF path or name, not a URL (use openai-compatible:MODEL@URL for a llama.cpp server)`);
  }
  // Loaded on first use so that HTTP-only runs never load the native llama.cpp binding.
  const { createLlamaProvider } = await import('./llama/provider.js');
  return createLlamaProvider({ model: ref.model }, config);
}

export const BUILTIN_PROVIDERS = {
  llama: createLlama,
  openai: (ref, config) => createOpenAICompatibleProvider(ref, config, 'openai'),
  'openai-compatible': (ref, config) => createOpenAICompatibleProvider(ref, config, 'openai-compatible'),
  ollama: (ref, config) => createOpenAICompatibleProvider(ref, config, 'ollama'),
  anthropic: (ref, config) => createAnthropicProvider(ref, config),
} as const satisfies Record<string, ProviderFactory>;

export type BuiltinProviderName = keyof typeof BUILTIN_PROVIDERS;

export const providerRegistry = new Registry<ProviderFactory>('provider', BUILTIN_PROVIDERS);

/** Adds a plug-in backend under `name` (so `name:MODEL` ids resolve to it). */
export function registerProvider(name: string, factory: ProviderFactory, options: { replace?: boolean } = {}): void {
  providerRegistry.register(name, factory, options);
}

/** Parses a model id (or takes a parsed one) and builds its provider with the given config. */
export async function createProvider(id: string | ModelRef, config: ProviderConfig = {}): Promise<Provider> {
  const ref = typeof id === 'string' ? parseModelId(id) : id;
  let factory: ProviderFactory;
  try {
    factory = providerRegistry.get(ref.provider);
  } catch (error) {
    if (error instanceof AssayError) throw new AssayError(error.code, `model id "${typeof id === 'string' ? id : ref.provider + ':' + ref.model}": ${error.message}`);
    throw error;
  }
  return factory(ref, config);
}
