import { describe, expect, it } from 'vitest';
import { isAssayError } from '../core/errors.js';
import { capabilityList, generateNeeds, requireCapability, requireGenerateCapabilities } from './capabilities.js';
import type { Capabilities } from './types.js';

const CHAT_ONLY: Capabilities = {
  generate: true,
  loglikelihood: false,
  loglikelihoodRolling: false,
  topLogprobs: 0,
  chat: true,
  constraint: { jsonSchema: false, grammar: false },
  embeddings: false,
  tokenCount: false,
};
const provider = { id: 'anthropic:claude', capabilities: CHAT_ONLY };

function errorOf(f: () => void): unknown {
  try {
    f();
  } catch (error) {
    return isAssayError(error) ? [error.code, error.message] : error;
  }
  return 'no error';
}

describe('capabilities', () => {
  it('lists what a provider can do, in a fixed order', () => {
    expect(capabilityList(CHAT_ONLY)).toEqual(['generate', 'chat']);
    expect(capabilityList({ ...CHAT_ONLY, topLogprobs: 5, constraint: { jsonSchema: true, grammar: true }, tokenCount: true })).toEqual(['generate', 'logprobs', 'chat', 'jsonSchema', 'grammar', 'tokenCount']);
  });

  it('names the missing capability and what is supported', () => {
    expect(errorOf(() => requireCapability(provider, 'loglikelihood'))).toEqual([
      'UNSUPPORTED',
      'anthropic:claude does not support log-likelihoods of continuations ("loglikelihood"); it supports: generate, chat',
    ]);
    expect(errorOf(() => requireCapability(provider, 'chat'))).toBe('no error');
  });

  it('derives what a generate request needs', () => {
    expect(generateNeeds({ prompt: 'x' })).toEqual(['generate']);
    expect(generateNeeds({ prompt: [{ role: 'user', content: 'x' }], topLogprobs: 2, constraint: { type: 'grammar', grammar: 'g' } })).toEqual(['generate', 'chat', 'logprobs', 'grammar']);
    expect(generateNeeds({ prompt: 'x', logprobs: true, constraint: { type: 'json_schema', schema: {} } })).toEqual(['generate', 'logprobs', 'jsonSchema']);
  });

  it('checks a whole batch, including the top-logprobs bound', () => {
    expect(errorOf(() => requireGenerateCapabilities(provider, [{ prompt: 'a' }, { prompt: 'b', logprobs: true }]))).toEqual([
      'UNSUPPORTED',
      'anthropic:claude does not support per-token logprobs on generations ("logprobs"); it supports: generate, chat',
    ]);
    const five = { id: 'openai-compatible:m', capabilities: { ...CHAT_ONLY, topLogprobs: 5 } };
    expect(errorOf(() => requireGenerateCapabilities(five, [{ prompt: 'a', topLogprobs: 6 }]))).toEqual(['UNSUPPORTED', 'openai-compatible:m returns at most 5 top logprobs per token; 6 were requested']);
    expect(errorOf(() => requireGenerateCapabilities(five, [{ prompt: 'a', topLogprobs: 5 }]))).toBe('no error');
  });
});
