// The providers package's public surface: the interface, model ids, the registry, capabilities,
// the response cache and the HTTP backends (the llama backend loads lazily through the registry).
export * from './types.js';
export { parseModelId, formatModelId, type ModelRef } from './model-id.js';
export { createProvider, registerProvider, providerRegistry, BUILTIN_PROVIDERS, type BuiltinProviderName, type ProviderFactory } from './registry.js';
export { hasCapability, capabilityList, requireCapability, requireGenerateCapabilities, generateNeeds } from './capabilities.js';
export { ResponseCache, withCache, cacheKey, isCacheable, canonicalJson, DEFAULT_CACHE_PATH, type CacheStats, type RequestKind, type WithCacheOptions } from './cache.js';
export { HttpClient, UnusableResponseError, parseWith, type HttpClientOptions, type HttpSuccess } from './http/client.js';
export { AdaptiveLimiter } from './http/limiter.js';
export { DEFAULT_RETRY_POLICY, backoffDelayMs, parseRetryAfter, isRetryableStatus, type RetryPolicy } from './http/retry.js';
export { OpenAICompatibleProvider, createOpenAICompatibleProvider, OPENAI_FLAVOURS, DEFAULT_MAX_TOKENS, type OpenAIFlavour, type HttpSeams } from './http/openai-compatible.js';
export { AnthropicProvider, createAnthropicProvider, ANTHROPIC_VERSION } from './http/anthropic.js';
export { DEFAULT_PRICES, priceFor, costUsd, type Price } from './http/pricing.js';
