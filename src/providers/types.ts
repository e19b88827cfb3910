// The one interface every model backend implements, shaped after lm-evaluation-harness's three
// request kinds (generate_until, loglikelihood, loglikelihood_rolling) rather than a chat API.
// Requests go in batches; each result is settled on its own, so one bad response is recorded
// on its sample and never fails the batch.

export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

/** Constrained output: a JSON schema (OpenAI response_format / llama grammar) or a GBNF grammar. */
export type OutputConstraint = { type: 'json_schema'; schema: Record<string, unknown>; name?: string } | { type: 'grammar'; grammar: string };

export interface GenerateRequest {
  /** Plain text, or chat messages (rendered through the model's chat template by local backends). */
  prompt: string | readonly ChatMessage[];
  stop?: readonly string[];
  maxTokens?: number;
  /** 0 (the default) means greedy. */
  temperature?: number;
  topP?: number;
  seed?: number;
  /** Ask for per-token logprobs, and this many alternatives per position. */
  logprobs?: boolean;
  topLogprobs?: number;
  constraint?: OutputConstraint;
}

export interface TokenLogprob {
  token: string;
  logprob: number;
  top?: ReadonlyArray<{ token: string; logprob: number }>;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export type FinishReason = 'stop' | 'length' | 'content_filter' | 'tool_calls' | 'other';

export interface GenerateResult {
  text: string;
  finishReason: FinishReason;
  usage: TokenUsage;
  latencyMs: number;
  logprobs?: readonly TokenLogprob[];
  /** USD, when the model has a price in the price table. */
  costUsd?: number;
  cached: boolean;
}

export interface LoglikelihoodRequest {
  context: string;
  continuation: string;
}

export interface LoglikelihoodResult {
  /** Sum of the continuation tokens' log-probabilities (natural log). */
  logprob: number;
  /** True when every continuation token is the argmax given what precedes it. */
  isGreedy: boolean;
  /** Number of continuation tokens scored. */
  tokens: number;
  latencyMs: number;
  cached: boolean;
}

export interface RollingRequest {
  text: string;
}

export interface RollingResult {
  /** Sum of log-probabilities of every token of the text (natural log). */
  logprob: number;
  tokens: number;
  latencyMs: number;
  cached: boolean;
}

export interface EmbeddingResult {
  embedding: number[];
  latencyMs: number;
  cached: boolean;
}

/** Why one request failed after its retries. */
export interface RequestFailure {
  code: 'timeout' | 'rate_limited' | 'server_error' | 'bad_response' | 'connection' | 'client_error' | 'unsupported' | 'internal';
  message: string;
  attempts: number;
  status?: number;
}

export type Settled<T> = { ok: true; value: T } | { ok: false; error: RequestFailure };

export interface Capabilities {
  generate: boolean;
  loglikelihood: boolean;
  loglikelihoodRolling: boolean;
  /** Per-token logprobs on generations (and how many alternatives, 0 if none). */
  topLogprobs: number;
  chat: boolean;
  constraint: { jsonSchema: boolean; grammar: boolean };
  embeddings: boolean;
  tokenCount: boolean;
}

export type CapabilityName = 'generate' | 'loglikelihood' | 'loglikelihoodRolling' | 'logprobs' | 'chat' | 'jsonSchema' | 'grammar' | 'embeddings' | 'tokenCount';

export interface CallOptions {
  signal?: AbortSignal;
  /** Called as each request settles (in completion order), so callers can stream to a store. */
  onSettled?: (index: number, result: Settled<unknown>) => void;
}

export interface Provider {
  /** Canonical model id, e.g. `llama:stories260K.gguf`, `openai:gpt-4o-mini`. */
  readonly id: string;
  readonly capabilities: Capabilities;
  /** Everything that changes outputs (model file hash, context size, server URL...), for cache keys and provenance. */
  readonly identity: Readonly<Record<string, string | number | boolean>>;
  generate(requests: readonly GenerateRequest[], options?: CallOptions): Promise<Settled<GenerateResult>[]>;
  loglikelihood(requests: readonly LoglikelihoodRequest[], options?: CallOptions): Promise<Settled<LoglikelihoodResult>[]>;
  loglikelihoodRolling(requests: readonly RollingRequest[], options?: CallOptions): Promise<Settled<RollingResult>[]>;
  embed(texts: readonly string[], options?: CallOptions): Promise<Settled<EmbeddingResult>[]>;
  countTokens(text: string): Promise<number>;
  /** Fails fast (an AssayError) when the backend cannot serve: server unreachable, key refused, model file missing. */
  check?(): Promise<void>;
  close(): Promise<void>;
}

/** Options from flags/config for one provider (never an API key itself: only the env var's name). */
export interface ProviderConfig {
  baseUrl?: string;
  /** Name of the environment variable holding the API key. */
  apiKeyEnv?: string;
  headers?: Record<string, string>;
  contextSize?: number;
  threads?: number;
  batchSize?: number;
  concurrency?: number;
  timeoutMs?: number;
  maxRetries?: number;
  /** Directory where bare GGUF names resolve (flag, config or ASSAY_MODELS_DIR). */
  modelsDir?: string;
  /** Price table overrides, USD per million tokens. */
  prices?: Record<string, { input: number; output: number }>;
}
