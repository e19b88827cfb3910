// Token prices (USD per million tokens) for cost reporting, after the providers' public price
// pages as of mid-2025. The table is data the user extends or overrides with config `prices`
// (keys `provider:model` or bare `model`); a model with no price reports no cost, never a zero.
import type { TokenUsage } from '../types.js';

export interface Price {
  /** USD per million prompt (input) tokens. */
  input: number;
  /** USD per million completion (output) tokens. */
  output: number;
}

export const DEFAULT_PRICES: Readonly<Record<string, Price>> = {
  'openai:gpt-4o': { input: 2.5, output: 10 },
  'openai:gpt-4o-mini': { input: 0.15, output: 0.6 },
  'openai:gpt-4.1': { input: 2, output: 8 },
  'openai:gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'openai:gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'openai:o3-mini': { input: 1.1, output: 4.4 },
  'openai:o4-mini': { input: 1.1, output: 4.4 },
  'openai:gpt-3.5-turbo': { input: 0.5, output: 1.5 },
  'openai:gpt-3.5-turbo-instruct': { input: 1.5, output: 2 },
  'openai:davinci-002': { input: 2, output: 2 },
  'openai:babbage-002': { input: 0.4, output: 0.4 },
  'openai:text-embedding-3-small': { input: 0.02, output: 0 },
  'openai:text-embedding-3-large': { input: 0.13, output: 0 },
  'anthropic:claude-3-haiku': { input: 0.25, output: 1.25 },
  'anthropic:claude-3-5-haiku': { input: 0.8, output: 4 },
  'anthropic:claude-3-5-sonnet': { input: 3, output: 15 },
  'anthropic:claude-3-7-sonnet': { input: 3, output: 15 },
  'anthropic:claude-sonnet-4': { input: 3, output: 15 },
  'anthropic:claude-opus-4': { input: 15, output: 75 },
};

/** A trailing snapshot date: `-2024-07-18`, `-20241022`, or Anthropic's `-latest`. */
const SNAPSHOT_SUFFIX = /-(\d{4}-\d{2}-\d{2}|\d{8}|latest)$/;

/**
 * The price of `provider:model`: the user's table first, then the built-in one; in each, the
 * exact `provider:model`, then the bare model, then both again without a snapshot suffix.
 */
export function priceFor(provider: string, model: string, overrides: Readonly<Record<string, Price>> = {}): Price | undefined {
  const base = model.replace(SNAPSHOT_SUFFIX, '');
  const keys = [`${provider}:${model}`, model, `${provider}:${base}`, base];
  for (const table of [overrides, DEFAULT_PRICES]) {
    for (const key of keys) {
      const price = table[key];
      if (price !== undefined) return price;
    }
  }
  return undefined;
}

/** USD for one request's usage. */
export function costUsd(price: Price, usage: TokenUsage): number {
  return (usage.promptTokens * price.input + usage.completionTokens * price.output) / 1_000_000;
}
