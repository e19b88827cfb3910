import { describe, expect, it } from 'vitest';
import { sharedPath } from '../../test/support/shared.js';
import { isAssayError } from '../core/errors.js';
import { createProvider, providerRegistry, registerProvider } from './registry.js';
import type { Provider } from './types.js';

async function errorOf(promise: Promise<unknown>): Promise<[string, string] | unknown> {
  try {
    await promise;
  } catch (error) {
    return isAssayError(error) ? [error.code, error.message] : error;
  }
  return 'no error';
}

describe('provider registry', () => {
  it('lists the built-in providers', () => {
    expect(providerRegistry.names()).toEqual(['anthropic', 'llama', 'ollama', 'openai', 'openai-compatible']);
  });

  it('names the closest providers for an unknown one', async () => {
    expect(await errorOf(createProvider('opena:gpt-4o'))).toEqual([
      'UNKNOWN_NAME',
      'model id "opena:gpt-4o": unknown provider "opena"; did you mean "openai" or "openai-compatible"? (valid: anthropic, llama, ollama, openai, openai-compatible)',
    ]);
  });

  it('resolves base URLs: inline, config, flavour default', async () => {
    const inline = await createProvider('openai-compatible:m@http://127.0.0.1:9/v1/');
    expect([inline.id, inline.identity]).toEqual(['openai-compatible:m@http://127.0.0.1:9/v1/', { provider: 'openai-compatible', model: 'm', baseUrl: 'http://127.0.0.1:9/v1' }]);
    const configured = await createProvider('openai-compatible:m', { baseUrl: 'http://h:1/v1' });
    expect([configured.id, configured.identity.baseUrl]).toEqual(['openai-compatible:m', 'http://h:1/v1']);
    expect((await createProvider('ollama:llama3')).identity.baseUrl).toBe('http://localhost:11434/v1');
    expect((await createProvider('openai:gpt-4o')).identity.baseUrl).toBe('https://api.openai.com/v1');
    expect((await createProvider('anthropic:claude-sonnet-4-20250514')).identity).toEqual({ provider: 'anthropic', model: 'claude-sonnet-4-20250514', baseUrl: 'https://api.anthropic.com/v1', apiVersion: '2023-06-01' });
  });

  it('asks for a base URL when openai-compatible has none', async () => {
    expect(await errorOf(createProvider('openai-compatible:m'))).toEqual([
      'CONFIG',
      'openai-compatible:m needs a base URL: write openai-compatible:m@http://HOST:PORT/v1 or set baseUrl in the provider config',
    ]);
  });

  it('checks numeric HTTP settings', async () => {
    expect(await errorOf(createProvider('openai:gpt-4o', { concurrency: 0 }))).toEqual(['CONFIG', 'field "concurrency": provider setting concurrency must be an integer >= 1, got 0']);
    expect(await errorOf(createProvider('anthropic:claude-3-5-haiku', { timeoutMs: -1 }))).toEqual(['CONFIG', 'field "timeoutMs": provider setting timeoutMs must be a number >= 1, got -1']);
    expect(await errorOf(createProvider('ollama:x', { maxRetries: 1.5 }))).toEqual(['CONFIG', 'field "maxRetries": provider setting maxRetries must be an integer >= 0, got 1.5']);
  });

  it('refuses a URL on the in-process llama backend', async () => {
    expect(await errorOf(createProvider('llama:x.gguf@http://h/v1'))).toEqual([
      'USAGE',
      'model id "llama:x.gguf@http://h/v1": the in-process llama backend takes a GGUF path or name, not a URL (use openai-compatible:MODEL@URL for a llama.cpp server)',
    ]);
  });

  it('loads the in-process llama backend lazily through the same lookup', async () => {
    const provider = await createProvider('llama:stories260K.gguf', { modelsDir: sharedPath('models'), contextSize: 64 });
    try {
      expect([provider.id, provider.capabilities.loglikelihood]).toEqual(['llama:stories260K.gguf', true]);
    } finally {
      await provider.close();
    }
  });

  it('builds plug-ins registered by name', async () => {
    const fake = { id: 'echo:m' } as Provider;
    registerProvider('echo', async (ref) => ({ ...fake, identity: { model: ref.model } }));
    expect((await createProvider('echo:m', {})).identity).toEqual({ model: 'm' });
    expect(await errorOf(Promise.resolve().then(() => registerProvider('echo', async () => fake)))).toEqual(['USAGE', 'provider "echo" is already registered (pass { replace: true } to override)']);
  });
});
