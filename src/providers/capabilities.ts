// Declared capabilities and the check every provider runs before it sends anything, after
// lm-evaluation-harness's "this model does not support loglikelihood" errors for chat-only APIs:
// a missing capability is a usage error raised up front, never a failed request per sample.
import { AssayError } from '../core/errors.js';
import type { Capabilities, CapabilityName, GenerateRequest } from './types.js';

const DESCRIPTIONS: Readonly<Record<CapabilityName, string>> = {
  generate: 'text generation',
  loglikelihood: 'log-likelihoods of continuations',
  loglikelihoodRolling: 'rolling (perplexity) log-likelihoods',
  logprobs: 'per-token logprobs on generations',
  chat: 'chat-message prompts',
  jsonSchema: 'JSON-schema constrained output',
  grammar: 'grammar constrained output',
  embeddings: 'embeddings',
  tokenCount: 'token counting',
};

export function hasCapability(capabilities: Capabilities, name: CapabilityName): boolean {
  switch (name) {
    case 'logprobs':
      return capabilities.topLogprobs > 0;
    case 'jsonSchema':
      return capabilities.constraint.jsonSchema;
    case 'grammar':
      return capabilities.constraint.grammar;
    default:
      return capabilities[name];
  }
}

/** The capability names a provider has, in a fixed order (for docs and error messages). */
export function capabilityList(capabilities: Capabilities): CapabilityName[] {
  return (Object.keys(DESCRIPTIONS) as CapabilityName[]).filter((name) => hasCapability(capabilities, name));
}

/** Throws UNSUPPORTED naming the provider, what is missing and what it can do. */
export function requireCapability(provider: { id: string; capabilities: Capabilities }, name: CapabilityName): void {
  if (hasCapability(provider.capabilities, name)) return;
  const can = capabilityList(provider.capabilities);
  throw new AssayError('UNSUPPORTED', `${provider.id} does not support ${DESCRIPTIONS[name]} ("${name}"); it supports: ${can.length > 0 ? can.join(', ') : 'nothing'}`);
}

/** What one generate request needs beyond plain generation. */
export function generateNeeds(request: GenerateRequest): CapabilityName[] {
  const needs: CapabilityName[] = ['generate'];
  if (typeof request.prompt !== 'string') needs.push('chat');
  if (request.logprobs || (request.topLogprobs ?? 0) > 0) needs.push('logprobs');
  if (request.constraint?.type === 'json_schema') needs.push('jsonSchema');
  if (request.constraint?.type === 'grammar') needs.push('grammar');
  return needs;
}

/** Checks a whole generate batch before any request is sent; also bounds topLogprobs. */
export function requireGenerateCapabilities(provider: { id: string; capabilities: Capabilities }, requests: readonly GenerateRequest[]): void {
  const seen = new Set<CapabilityName>();
  for (const request of requests) for (const need of generateNeeds(request)) seen.add(need);
  for (const need of seen) requireCapability(provider, need);
  const most = Math.max(0, ...requests.map((r) => r.topLogprobs ?? 0));
  if (most > provider.capabilities.topLogprobs) {
    throw new AssayError('UNSUPPORTED', `${provider.id} returns at most ${provider.capabilities.topLogprobs} top logprobs per token; ${most} were requested`);
  }
}
