import { describe, expect, it } from 'vitest';
import { costUsd, priceFor } from './pricing.js';

describe('price table', () => {
  it('finds built-in prices, also for dated snapshots', () => {
    expect(priceFor('openai', 'gpt-4o-mini')).toEqual({ input: 0.15, output: 0.6 });
    expect(priceFor('openai', 'gpt-4o-mini-2024-07-18')).toEqual({ input: 0.15, output: 0.6 });
    expect(priceFor('anthropic', 'claude-3-5-haiku-20241022')).toEqual({ input: 0.8, output: 4 });
    expect(priceFor('anthropic', 'claude-3-5-haiku-latest')).toEqual({ input: 0.8, output: 4 });
  });

  it('has no price for local or unknown models (no cost, never a zero)', () => {
    expect(priceFor('ollama', 'gpt-4o-mini')).toBeUndefined();
    expect(priceFor('openai', 'gpt-9')).toBeUndefined();
  });

  it('lets the user table override and extend, by provider:model or bare model', () => {
    const user = { 'openai:gpt-4o-mini': { input: 1, output: 1 }, 'my-model': { input: 0.5, output: 0.25 } };
    expect(priceFor('openai', 'gpt-4o-mini', user)).toEqual({ input: 1, output: 1 });
    expect(priceFor('openai-compatible', 'my-model', user)).toEqual({ input: 0.5, output: 0.25 });
    expect(priceFor('openai', 'gpt-4o', user)).toEqual({ input: 2.5, output: 10 });
  });

  it('costs usage per million tokens', () => {
    expect(costUsd({ input: 0.15, output: 0.6 }, { promptTokens: 1000, completionTokens: 500 })).toBe((1000 * 0.15 + 500 * 0.6) / 1e6);
    expect(costUsd({ input: 3, output: 15 }, { promptTokens: 1_000_000, completionTokens: 2_000_000 })).toBe(33);
  });
});
