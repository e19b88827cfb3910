// OpenAI-compatible HTTP backends (OpenAI, vLLM, llama.cpp server, Ollama, LM Studio), after
// lm-evaluation-harness's `openai-completions` / `local-completions` / `local-chat-completions`
// models: text prompts go to /completions, chat messages to /chat/completions, log-likelihoods
// to /completions with echo where the server flavour supports it, embeddings to /embeddings.
import { z } from 'zod';
import { ConfigError } from '../../core/errors.js';
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
  TokenLogprob,
} from '../types.js';
import { readApiKey } from './api-key.js';
import { settleBatch } from './batch.js';
import { HttpClient, type HttpClientOptions, UnusableResponseError, parseWith } from './client.js';
import { EchoLogprobsSchema, codePointLength, moveTrailingWhitespace, promptShift, scoreEchoSpan } from './openai-logprobs.js';
import { type Price, costUsd, priceFor } from './pricing.js';

export type OpenAIFlavour = 'openai' | 'openai-compatible' | 'ollama';

interface FlavourSpec {
  baseUrl?: string;
  apiKeyEnv?: string;
  /** Completions accept `echo` with prompt logprobs (vLLM, llama.cpp server; not OpenAI's API). */
  echo: boolean;
  /** max_tokens sent with echo requests: 0 where allowed, 1 where the server needs it. */
  echoMaxTokens: number;
  topLogprobs: number;
  embeddings: boolean;
}

export const OPENAI_FLAVOURS: Readonly<Record<OpenAIFlavour, FlavourSpec>> = {
  openai: { baseUrl: 'https://api.openai.com/v1', apiKeyEnv: 'OPENAI_API_KEY', echo: false, echoMaxTokens: 0, topLogprobs: 20, embeddings: true },
  'openai-compatible': { echo: true, echoMaxTokens: 1, topLogprobs: 5, embeddings: true },
  ollama: { baseUrl: 'http://localhost:11434/v1', echo: false, echoMaxTokens: 0, topLogprobs: 0, embeddings: true },
};

/** Used when a request gives no maxTokens (the OpenAI completions default of 16 truncates answers). */
export const DEFAULT_MAX_TOKENS = 256;
const EMBEDDING_BATCH = 64;

const UsageSchema = z.object({ prompt_tokens: z.number().int().nonnegative(), completion_tokens: z.number().int().nonnegative().optional() }).nullish();

const CompletionSchema = z.object({
  choices: z.array(z.object({ text: z.string(), finish_reason: z.string().nullish(), logprobs: EchoLogprobsSchema.nullish() })).min(1),
  usage: UsageSchema,
});

const ChatSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullable(), refusal: z.string().nullish() }),
        finish_reason: z.string().nullish(),
        logprobs: z
          .object({
            content: z.array(z.object({ token: z.string(), logprob: z.number(), top_logprobs: z.array(z.object({ token: z.string(), logprob: z.number() })).optional() })).nullable(),
          })
          .nullish(),
      }),
    )
    .min(1),
  usage: UsageSchema,
});

const EmbeddingSchema = z.object({ data: z.array(z.object({ index: z.number().int().nonnegative(), embedding: z.array(z.number()) })) });

function finishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
    case 'length':
    case 'content_filter':
    case 'tool_calls':
      return reason;
    case 'function_call':
      return 'tool_calls';
    default:
      return 'other';
  }
}

/** Test and benchmark seams for the HTTP client (clock, sleep, jitter, retry timing). */
export type HttpSeams = Pick<HttpClientOptions, 'now' | 'sleep' | 'random' | 'fetch' | 'retry'>;

export class OpenAICompatibleProvider implements Provider {
  readonly id: string;
  readonly capabilities: Capabilities;
  readonly identity: Readonly<Record<string, string | number | boolean>>;
  readonly flavour: OpenAIFlavour;
  readonly client: HttpClient;
  private readonly baseUrl: string;
  private readonly model: string;
  private readonly spec: FlavourSpec;
  private readonly apiKeyEnv: string | undefined;
  private readonly price: Price | undefined;

  constructor(ref: ModelRef, config: ProviderConfig, flavour: OpenAIFlavour, seams: HttpSeams = {}) {
    this.flavour = flavour;
    this.spec = OPENAI_FLAVOURS[flavour];
    this.model = ref.model;
    this.id = formatModelId({ provider: flavour, model: ref.model, ...(ref.baseUrl === undefined ? {} : { baseUrl: ref.baseUrl }) });
    const baseUrl = ref.baseUrl ?? config.baseUrl ?? this.spec.baseUrl;
    if (baseUrl === undefined) {
      throw new ConfigError(`${this.id} needs a base URL: write ${flavour}:${ref.model}@http://HOST:PORT/v1 or set baseUrl in the provider config`);
    }
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.apiKeyEnv = config.apiKeyEnv ?? this.spec.apiKeyEnv;
    this.price = priceFor(flavour, ref.model, config.prices);
    this.capabilities = {
      generate: true,
      loglikelihood: this.spec.echo,
      loglikelihoodRolling: this.spec.echo,
      topLogprobs: this.spec.topLogprobs,
      chat: true,
      constraint: { jsonSchema: true, grammar: false },
      embeddings: this.spec.embeddings,
      tokenCount: false,
    };
    this.identity = { provider: flavour, model: ref.model, baseUrl: this.baseUrl };
    const keyEnv = this.apiKeyEnv;
    const headers = config.headers ?? {};
    this.client = new HttpClient({
      ...seams,
      concurrency: config.concurrency,
      timeoutMs: config.timeoutMs,
      retry: { ...seams.retry, ...(config.maxRetries === undefined ? {} : { maxRetries: config.maxRetries }) },
      headers: () => {
        const key = readApiKey(keyEnv, false, this.id);
        return key === undefined ? { ...headers } : { ...headers, authorization: `Bearer ${key}` };
      },
      secrets: () => {
        const key = readApiKey(keyEnv, false, this.id);
        return key === undefined ? [] : [key];
      },
    });
  }

  /** A configured key variable (or OpenAI's default) must be set before anything is sent. */
  private checkKey(): void {
    readApiKey(this.apiKeyEnv, this.apiKeyEnv !== undefined, this.id);
  }

  async check(): Promise<void> {
    this.checkKey();
    await this.client.probe(`${this.baseUrl}/models`, this.id);
  }

  async generate(requests: readonly GenerateRequest[], options: CallOptions = {}): Promise<Settled<GenerateResult>[]> {
    requireGenerateCapabilities(this, requests);
    this.checkKey();
    return settleBatch(requests, (request) => (typeof request.prompt === 'string' ? this.complete(request, request.prompt, options) : this.chat(request, options)), options, this.client.batchWidth);
  }

  private sampling(request: GenerateRequest): Record<string, unknown> {
    const body: Record<string, unknown> = { model: this.model, max_tokens: request.maxTokens ?? DEFAULT_MAX_TOKENS, temperature: request.temperature ?? 0 };
    if (request.topP !== undefined) body.top_p = request.topP;
    if (request.seed !== undefined) body.seed = request.seed;
    if (request.stop && request.stop.length > 0) body.stop = [...request.stop];
    if (request.constraint?.type === 'json_schema') {
      body.response_format = { type: 'json_schema', json_schema: { name: request.constraint.name ?? 'output', schema: request.constraint.schema, strict: true } };
    }
    return body;
  }

  private cost(usage: { promptTokens: number; completionTokens: number }): number | undefined {
    return this.price === undefined ? undefined : costUsd(this.price, usage);
  }

  private async complete(request: GenerateRequest, prompt: string, options: CallOptions): Promise<Settled<GenerateResult>> {
    const body: Record<string, unknown> = { ...this.sampling(request), prompt };
    const wantLogprobs = request.logprobs === true || (request.topLogprobs ?? 0) > 0;
    if (wantLogprobs) body.logprobs = request.topLogprobs ?? 0;
    const parse = parseWith(CompletionSchema);
    const settled = await this.client.postJson(`${this.baseUrl}/completions`, body, (json) => {
      const response = parse(json);
      const choice = response.choices[0];
      let logprobs: TokenLogprob[] | undefined;
      if (wantLogprobs) {
        if (!choice.logprobs) throw new Error('choices[0].logprobs is missing though logprobs were requested');
        const lp = choice.logprobs;
        logprobs = lp.tokens.map((token, i) => {
          const logprob = lp.token_logprobs[i];
          if (logprob === null || logprob === undefined) throw new Error(`choices[0].logprobs.token_logprobs[${i}] is missing`);
          const top = lp.top_logprobs?.[i];
          return top ? { token, logprob, top: Object.entries(top).map(([t, l]) => ({ token: t, logprob: l })).sort((a, b) => b.logprob - a.logprob) } : { token, logprob };
        });
      }
      const usage = { promptTokens: response.usage?.prompt_tokens ?? 0, completionTokens: response.usage?.completion_tokens ?? 0 };
      return { text: choice.text, finishReason: finishReason(choice.finish_reason), usage, logprobs };
    }, options.signal);
    if (!settled.ok) return settled;
    const { value, latencyMs } = settled.value;
    return { ok: true, value: this.result(value, latencyMs) };
  }

  private async chat(request: GenerateRequest, options: CallOptions): Promise<Settled<GenerateResult>> {
    const body: Record<string, unknown> = { ...this.sampling(request), messages: (request.prompt as readonly { role: string; content: string }[]).map((m) => ({ role: m.role, content: m.content })) };
    const wantLogprobs = request.logprobs === true || (request.topLogprobs ?? 0) > 0;
    if (wantLogprobs) {
      body.logprobs = true;
      if ((request.topLogprobs ?? 0) > 0) body.top_logprobs = request.topLogprobs;
    }
    const parse = parseWith(ChatSchema);
    const settled = await this.client.postJson(`${this.baseUrl}/chat/completions`, body, (json) => {
      const response = parse(json);
      const choice = response.choices[0];
      const reason = finishReason(choice.finish_reason);
      // A null content is an answer only when the server says why (filtered, tool call); otherwise it is malformed.
      if (choice.message.content === null && reason !== 'content_filter' && reason !== 'tool_calls') {
        throw new Error(`choices[0].message.content is null (finish_reason ${choice.finish_reason ?? 'missing'}${choice.message.refusal ? `, refusal: ${choice.message.refusal}` : ''})`);
      }
      let logprobs: TokenLogprob[] | undefined;
      if (wantLogprobs) {
        const content = choice.logprobs?.content;
        if (!content) throw new Error('choices[0].logprobs.content is missing though logprobs were requested');
        logprobs = content.map((t) => (t.top_logprobs ? { token: t.token, logprob: t.logprob, top: t.top_logprobs.map((x) => ({ token: x.token, logprob: x.logprob })) } : { token: t.token, logprob: t.logprob }));
      }
      const usage = { promptTokens: response.usage?.prompt_tokens ?? 0, completionTokens: response.usage?.completion_tokens ?? 0 };
      return { text: choice.message.content ?? '', finishReason: reason, usage, logprobs };
    }, options.signal);
    if (!settled.ok) return settled;
    const { value, latencyMs } = settled.value;
    return { ok: true, value: this.result(value, latencyMs) };
  }

  private result(value: { text: string; finishReason: FinishReason; usage: { promptTokens: number; completionTokens: number }; logprobs: TokenLogprob[] | undefined }, latencyMs: number): GenerateResult {
    const result: GenerateResult = { text: value.text, finishReason: value.finishReason, usage: value.usage, latencyMs, cached: false };
    if (value.logprobs) result.logprobs = value.logprobs;
    const cost = this.cost(value.usage);
    if (cost !== undefined) result.costUsd = cost;
    return result;
  }

  /** POSTs an echo request for `prompt` and scores code points [from, to). */
  private async echo(prompt: string, from: number, to: number, skipUnscoredFirst: boolean, signal: AbortSignal | undefined) {
    const body = { model: this.model, prompt, echo: true, logprobs: 1, max_tokens: this.spec.echoMaxTokens, temperature: 0 };
    const parse = parseWith(CompletionSchema);
    return this.client.postJson(`${this.baseUrl}/completions`, body, (json) => {
      const lp = parse(json).choices[0].logprobs;
      if (!lp) throw new Error('choices[0].logprobs is missing (the server ignored logprobs)');
      // Echo replies that parse but cannot be scored say the same thing on every retry.
      try {
        const shift = promptShift(lp, prompt);
        return scoreEchoSpan(lp, from + shift, to + shift, { skipUnscoredFirst });
      } catch (error) {
        throw new UnusableResponseError(error instanceof Error ? error.message : String(error));
      }
    }, signal);
  }

  async loglikelihood(requests: readonly LoglikelihoodRequest[], options: CallOptions = {}): Promise<Settled<LoglikelihoodResult>[]> {
    requireCapability(this, 'loglikelihood');
    this.checkKey();
    return settleBatch(requests, async (request) => {
      const { context, continuation } = moveTrailingWhitespace(request.context, request.continuation);
      const from = codePointLength(context);
      const settled = await this.echo(context + continuation, from, from + codePointLength(continuation), false, options.signal);
      if (!settled.ok) return settled;
      return { ok: true, value: { ...settled.value.value, latencyMs: settled.value.latencyMs, cached: false } };
    }, options, this.client.batchWidth);
  }

  /** One window: the whole text in one echo request (the server's context must hold it). */
  async loglikelihoodRolling(requests: readonly RollingRequest[], options: CallOptions = {}): Promise<Settled<RollingResult>[]> {
    requireCapability(this, 'loglikelihoodRolling');
    this.checkKey();
    return settleBatch(requests, async (request) => {
      const settled = await this.echo(request.text, 0, codePointLength(request.text), true, options.signal);
      if (!settled.ok) return settled;
      const { logprob, tokens } = settled.value.value;
      return { ok: true, value: { logprob, tokens, latencyMs: settled.value.latencyMs, cached: false } };
    }, options, this.client.batchWidth);
  }

  async embed(texts: readonly string[], options: CallOptions = {}): Promise<Settled<EmbeddingResult>[]> {
    requireCapability(this, 'embeddings');
    this.checkKey();
    const results: Settled<EmbeddingResult>[] = new Array(texts.length);
    const chunks: number[][] = [];
    for (let i = 0; i < texts.length; i += EMBEDDING_BATCH) chunks.push(Array.from({ length: Math.min(EMBEDDING_BATCH, texts.length - i) }, (_, k) => i + k));
    const parse = parseWith(EmbeddingSchema);
    await Promise.all(
      chunks.map(async (indices) => {
        const settled = await this.client.postJson(`${this.baseUrl}/embeddings`, { model: this.model, input: indices.map((i) => texts[i]) }, (json) => {
          const data = parse(json).data;
          const byIndex = new Map(data.map((d) => [d.index, d.embedding]));
          return indices.map((_, k) => {
            const embedding = byIndex.get(k);
            if (embedding === undefined) throw new Error(`data has no embedding for input ${k} of ${indices.length}`);
            return embedding;
          });
        }, options.signal);
        indices.forEach((index, k) => {
          results[index] = settled.ok ? { ok: true, value: { embedding: settled.value.value[k], latencyMs: settled.value.latencyMs, cached: false } } : settled;
          options.onSettled?.(index, results[index]);
        });
      }),
    );
    return results;
  }

  async countTokens(_text: string): Promise<number> {
    requireCapability(this, 'tokenCount');
    return 0;
  }

  async close(): Promise<void> {}
}

export async function createOpenAICompatibleProvider(ref: ModelRef, config: ProviderConfig, flavour: OpenAIFlavour = 'openai-compatible', seams: HttpSeams = {}): Promise<Provider> {
  return new OpenAICompatibleProvider(ref, config, flavour, seams);
}
