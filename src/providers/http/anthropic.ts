// Anthropic Messages API (POST /v1/messages, anthropic-version 2023-06-01), after the official
// SDK's request shape: system messages are lifted into `system`, stop sequences and max_tokens
// (required by the API) are always sent. Generation only: the API returns no logprobs.
import { z } from 'zod';
import { requireCapability, requireGenerateCapabilities } from '../capabilities.js';
import { formatModelId, type ModelRef } from '../model-id.js';
import type {
  CallOptions,
  Capabilities,
  EmbeddingResult,
  FinishReason,
  GenerateRequest,
  GenerateResult,
  LoglikelihoodRequest,
  LoglikelihoodResult,
  Provider,
  ProviderConfig,
  RollingRequest,
  RollingResult,
  Settled,
} from '../types.js';
import { readApiKey } from './api-key.js';
import { settleBatch } from './batch.js';
import { HttpClient, parseWith } from './client.js';
import type { HttpSeams } from './openai-compatible.js';
import { DEFAULT_MAX_TOKENS } from './openai-compatible.js';
import { type Price, costUsd, priceFor } from './pricing.js';

export const ANTHROPIC_VERSION = '2023-06-01';
const DEFAULT_BASE_URL = 'https://api.anthropic.com/v1';
const DEFAULT_KEY_ENV = 'ANTHROPIC_API_KEY';

const MessageSchema = z.object({
  content: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })),
  stop_reason: z.string().nullish(),
  usage: z.object({ input_tokens: z.number().int().nonnegative(), output_tokens: z.number().int().nonnegative() }),
});

function finishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'other';
  }
}

export class AnthropicProvider implements Provider {
  readonly id: string;
  readonly capabilities: Capabilities = {
    generate: true,
    loglikelihood: false,
    loglikelihoodRolling: false,
    topLogprobs: 0,
    chat: true,
    constraint: { jsonSchema: false, grammar: false },
    embeddings: false,
    tokenCount: false,
  };
  readonly identity: Readonly<Record<string, string | number | boolean>>;
  readonly client: HttpClient;
  private readonly baseUrl: string;
  private readonly model: string;
  private readonly apiKeyEnv: string;
  private readonly price: Price | undefined;

  constructor(ref: ModelRef, config: ProviderConfig, seams: HttpSeams = {}) {
    this.model = ref.model;
    this.id = formatModelId({ provider: 'anthropic', model: ref.model, ...(ref.baseUrl === undefined ? {} : { baseUrl: ref.baseUrl }) });
    this.baseUrl = (ref.baseUrl ?? config.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.apiKeyEnv = config.apiKeyEnv ?? DEFAULT_KEY_ENV;
    this.price = priceFor('anthropic', ref.model, config.prices);
    this.identity = { provider: 'anthropic', model: ref.model, baseUrl: this.baseUrl, apiVersion: ANTHROPIC_VERSION };
    const headers = config.headers ?? {};
    const keyEnv = this.apiKeyEnv;
    this.client = new HttpClient({
      ...seams,
      concurrency: config.concurrency,
      timeoutMs: config.timeoutMs,
      retry: { ...seams.retry, ...(config.maxRetries === undefined ? {} : { maxRetries: config.maxRetries }) },
      // generate() has already required the key; a key unset mid-run then fails as a 401.
      headers: () => ({ ...headers, 'anthropic-version': ANTHROPIC_VERSION, 'x-api-key': readApiKey(keyEnv, false, this.id) ?? '' }),
      secrets: () => [readApiKey(keyEnv, false, this.id) ?? ''],
    });
  }

  async check(): Promise<void> {
    readApiKey(this.apiKeyEnv, true, this.id);
    await this.client.probe(`${this.baseUrl}/models`, this.id);
  }

  async generate(requests: readonly GenerateRequest[], options: CallOptions = {}): Promise<Settled<GenerateResult>[]> {
    requireGenerateCapabilities(this, requests);
    readApiKey(this.apiKeyEnv, true, this.id);
    const parse = parseWith(MessageSchema);
    return settleBatch(requests, async (request) => {
      const settled = await this.client.postJson(`${this.baseUrl}/messages`, this.body(request), (json) => {
        const message = parse(json);
        const texts = message.content.filter((block) => block.type === 'text');
        if (texts.length === 0 && message.stop_reason !== 'refusal' && message.stop_reason !== 'tool_use' && message.stop_reason !== 'max_tokens') {
          throw new Error(`content has no text block (stop_reason ${message.stop_reason ?? 'missing'})`);
        }
        return { text: texts.map((block) => block.text ?? '').join(''), finishReason: finishReason(message.stop_reason), usage: { promptTokens: message.usage.input_tokens, completionTokens: message.usage.output_tokens } };
      }, options.signal);
      if (!settled.ok) return settled;
      const { value, latencyMs } = settled.value;
      const result: GenerateResult = { ...value, latencyMs, cached: false };
      if (this.price !== undefined) result.costUsd = costUsd(this.price, value.usage);
      return { ok: true, value: result };
    }, options, this.client.batchWidth);
  }

  private body(request: GenerateRequest): Record<string, unknown> {
    const prompt = typeof request.prompt === 'string' ? [{ role: 'user' as const, content: request.prompt }] : request.prompt;
    const system = prompt.filter((m) => m.role === 'system').map((m) => m.content);
    const body: Record<string, unknown> = {
      model: this.model,
      max_tokens: request.maxTokens ?? DEFAULT_MAX_TOKENS,
      temperature: request.temperature ?? 0,
      messages: prompt.filter((m) => m.role !== 'system').map((m) => ({ role: m.role, content: m.content })),
    };
    if (system.length > 0) body.system = system.join('\n\n');
    if (request.topP !== undefined) body.top_p = request.topP;
    if (request.stop && request.stop.length > 0) body.stop_sequences = [...request.stop];
    return body;
  }

  async loglikelihood(_requests: readonly LoglikelihoodRequest[]): Promise<Settled<LoglikelihoodResult>[]> {
    requireCapability(this, 'loglikelihood');
    return [];
  }

  async loglikelihoodRolling(_requests: readonly RollingRequest[]): Promise<Settled<RollingResult>[]> {
    requireCapability(this, 'loglikelihoodRolling');
    return [];
  }

  async embed(_texts: readonly string[]): Promise<Settled<EmbeddingResult>[]> {
    requireCapability(this, 'embeddings');
    return [];
  }

  async countTokens(_text: string): Promise<number> {
    requireCapability(this, 'tokenCount');
    return 0;
  }

  async close(): Promise<void> {}
}

export async function createAnthropicProvider(ref: ModelRef, config: ProviderConfig, seams: HttpSeams = {}): Promise<Provider> {
  return new AnthropicProvider(ref, config, seams);
}
