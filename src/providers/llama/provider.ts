// The in-process GGUF backend on node-llama-cpp 3.21.1 (CPU prebuilt, never built or downloaded):
// log-likelihoods as lm-evaluation-harness's HFLM (_encode_pair, _loglikelihood_tokens, rolling
// windows), with one deliberate difference: requests that share a token prefix evaluate it once.
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { getLlama, LlamaLogLevel, resolveChatWrapper } from 'node-llama-cpp';
import type { Llama, LlamaEmbeddingContext, LlamaModel } from 'node-llama-cpp';
import { AssayError } from '../../core/errors.js';
import { requireCapability, requireGenerateCapabilities } from '../capabilities.js';
import type {
  CallOptions,
  Capabilities,
  EmbeddingResult,
  GenerateRequest,
  GenerateResult,
  LoglikelihoodRequest,
  LoglikelihoodResult,
  Provider,
  ProviderConfig,
  RequestFailure,
  RollingRequest,
  RollingResult,
  Settled,
} from '../types.js';
import { generateOne, LlamaRequestError } from './generate.js';
import { fileSha256, resolveModelFile } from './model-file.js';
import { PrefixSequence, type ScoreJob } from './sequence.js';
import { makeDisjointWindow, moveTrailingWhitespace, rollingTokenWindows, scoringInput, splitAtContext } from './windows.js';

export const NODE_LLAMA_CPP_VERSION = '3.21.1';
/** Context size when neither config nor a smaller training context says otherwise. */
const MAX_DEFAULT_CONTEXT = 4096;
const TOP_LOGPROBS = 20;

export const LLAMA_CAPABILITIES: Capabilities = {
  generate: true,
  loglikelihood: true,
  loglikelihoodRolling: true,
  topLogprobs: TOP_LOGPROBS,
  chat: true,
  constraint: { jsonSchema: true, grammar: true },
  embeddings: true,
  tokenCount: true,
};

/** Options beyond ProviderConfig, for tests and benchmarks. */
export interface LlamaProviderOptions {
  /** Share evaluated token prefixes between requests (default true); false evaluates each from scratch. */
  reusePrefix?: boolean;
}

let llamaPromise: Promise<Llama> | undefined;
const tokenCounters = new WeakMap<Provider, PrefixSequence>();

/** The process-wide binding: CPU only, the prebuilt binary, never a build or download. */
export function loadLlama(): Promise<Llama> {
  llamaPromise ??= getLlama({ gpu: false, build: 'never', usePrebuiltBinaries: true, skipDownload: true, progressLogs: false, logLevel: LlamaLogLevel.error }).catch((error: unknown) => {
    llamaPromise = undefined;
    throw new AssayError('PROVIDER', `node-llama-cpp could not load its CPU prebuilt binary (@node-llama-cpp/${process.platform === 'win32' ? 'win' : process.platform === 'darwin' ? 'mac' : 'linux'}-${process.arch}): ${(error as Error).message}`, { cause: error });
  });
  return llamaPromise;
}

/** One thread on small machines (two threads on two busy cores ran 10-50x slower), else half the cores up to 8. */
export function defaultThreads(cores = availableParallelism()): number {
  return cores <= 4 ? 1 : Math.min(8, Math.floor(cores / 2));
}

function failure(error: unknown): RequestFailure {
  if (error instanceof LlamaRequestError) return { code: 'client_error', message: error.message, attempts: 1 };
  return { code: 'internal', message: (error as Error)?.message ?? String(error), attempts: 1 };
}

export async function createLlamaProvider(ref: { model: string }, config: ProviderConfig, options: LlamaProviderOptions = {}): Promise<Provider> {
  const path = await resolveModelFile(ref.model, { modelsDir: config.modelsDir });
  const [llama, sha256] = await Promise.all([loadLlama(), fileSha256(path)]);
  const threads = config.threads ?? defaultThreads();
  let model: LlamaModel;
  try {
    model = await llama.loadModel({ modelPath: path, gpuLayers: 0 });
  } catch (error) {
    throw new AssayError('IO', `llama model ${path}: not a loadable GGUF file: ${(error as Error).message}`, { cause: error });
  }
  const contextSize = config.contextSize ?? Math.min(model.trainContextSize, MAX_DEFAULT_CONTEXT);
  if (!Number.isInteger(contextSize) || contextSize < 2) throw new AssayError('CONFIG', `contextSize ${contextSize} must be an integer of at least 2`);
  // A batch the size of the context: every evaluation fits one llama.cpp batch.
  const batchSize = config.batchSize ?? contextSize;
  // Flash attention off: on the CPU it rounds differently with how tokens are split into batches
  // (so a reused prefix would change the numbers) and accumulates in f16; plain attention is exact f32.
  const context = await model.createContext({ contextSize, batchSize, threads, sequences: 1, flashAttention: false });
  const prefix = new PrefixSequence(context.getSequence(), model, options.reusePrefix ?? true);
  const chatWrapper = resolveChatWrapper(model);
  const bos = model.tokens.bos;
  // HFLM.prefix_token_id: BOS, else end-of-text.
  const prefixToken = (bos ?? model.tokens.eos ?? 0) as number;
  const addBos = model.tokens.shouldPrependBosToken && bos !== null;
  const encode = (text: string): number[] => (addBos ? [bos as number, ...model.tokenize(text)] : [...model.tokenize(text)]);
  let embeddings: Promise<LlamaEmbeddingContext> | undefined;
  let closed = false;

  const id = `llama:${ref.model}`;
  const identity = {
    provider: 'llama',
    model: basename(path),
    sha256,
    contextSize,
    batchSize,
    threads,
    flashAttention: false,
    chatWrapper: chatWrapper.wrapperName,
    backend: `node-llama-cpp@${NODE_LLAMA_CPP_VERSION} cpu`,
  };

  /** Runs each request in its own try, reporting in completion order. */
  async function settleAll<R, T>(requests: readonly R[], callOptions: CallOptions | undefined, order: number[], run: (request: R) => Promise<T>): Promise<Settled<T>[]> {
    const results: Settled<T>[] = new Array<Settled<T>>(requests.length);
    for (const index of order) {
      let settled: Settled<T>;
      if (closed) settled = { ok: false, error: { code: 'internal', message: `${id} is closed`, attempts: 0 } };
      else if (callOptions?.signal?.aborted) settled = { ok: false, error: { code: 'internal', message: 'aborted', attempts: 0 } };
      else {
        try {
          settled = { ok: true, value: await run(requests[index]) };
        } catch (error) {
          settled = { ok: false, error: failure(error) };
        }
      }
      results[index] = settled;
      callOptions?.onSettled?.(index, settled);
    }
    return results;
  }

  /** Sorts jobs so that shared prefixes are adjacent (lexicographic on input tokens). */
  function prefixOrder(inputs: ReadonlyArray<readonly number[] | null>): number[] {
    const order = inputs.map((_, i) => i);
    order.sort((a, b) => {
      const x = inputs[a] ?? [];
      const y = inputs[b] ?? [];
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
      return x.length - y.length || a - b;
    });
    return order;
  }

  function loglikelihoodJob(request: LoglikelihoodRequest): ScoreJob {
    let contextTokens: number[];
    let continuationTokens: number[];
    if (request.context === '') {
      // TemplateLM.loglikelihood: an empty context scores the continuation after the prefix token.
      contextTokens = [prefixToken];
      continuationTokens = [...model.tokenize(request.continuation)];
    } else {
      const { context, continuation } = moveTrailingWhitespace(request.context, request.continuation);
      const split = splitAtContext(encode(context), encode(context + continuation));
      contextTokens = split.context;
      continuationTokens = split.continuation;
    }
    if (continuationTokens.length > contextSize) {
      throw new LlamaRequestError(`the continuation is ${continuationTokens.length} tokens, more than the context size ${contextSize}`);
    }
    const { input, firstScored, continuation } = scoringInput(contextTokens, continuationTokens, contextSize);
    return { input, firstScored, targets: continuation };
  }

  const provider: Provider = {
    id,
    capabilities: LLAMA_CAPABILITIES,
    identity,

    async generate(requests: readonly GenerateRequest[], callOptions?: CallOptions): Promise<Settled<GenerateResult>[]> {
      requireGenerateCapabilities(provider, requests);
      const env = { llama, model, contextSize, chatWrapper, prefix };
      return settleAll(requests, callOptions, requests.map((_, i) => i), (request) =>
        prefix.exclusive(async () => {
          const started = performance.now();
          const result = await generateOne(env, request);
          return { ...result, latencyMs: performance.now() - started, cached: false };
        }),
      );
    },

    async loglikelihood(requests: readonly LoglikelihoodRequest[], callOptions?: CallOptions): Promise<Settled<LoglikelihoodResult>[]> {
      requireCapability(provider, 'loglikelihood');
      const jobs = requests.map((request): ScoreJob | Error => {
        try {
          return loglikelihoodJob(request);
        } catch (error) {
          return error as Error;
        }
      });
      const order = prefixOrder(jobs.map((job) => (job instanceof Error ? null : job.input)));
      return settleAll(jobs, callOptions, order, (job) =>
        prefix.exclusive(async () => {
          if (job instanceof Error) throw job;
          const started = performance.now();
          const scores = await prefix.score(job);
          return {
            logprob: scores.logprobs.reduce((sum, lp) => sum + lp, 0),
            isGreedy: scores.greedy.every(Boolean),
            tokens: job.targets.length,
            latencyMs: performance.now() - started,
            cached: false,
          };
        }),
      );
    },

    async loglikelihoodRolling(requests: readonly RollingRequest[], callOptions?: CallOptions): Promise<Settled<RollingResult>[]> {
      requireCapability(provider, 'loglikelihoodRolling');
      return settleAll(requests, callOptions, requests.map((_, i) => i), (request) =>
        prefix.exclusive(async () => {
          const started = performance.now();
          const tokens = [...model.tokenize(request.text)];
          const windows = rollingTokenWindows(tokens, prefixToken, contextSize, 1).map(makeDisjointWindow);
          let logprob = 0;
          for (const [context, continuation] of windows) {
            const { input, firstScored } = scoringInput(context, continuation, contextSize);
            const scores = await prefix.score({ input, firstScored, targets: continuation });
            for (const lp of scores.logprobs) logprob += lp;
          }
          return { logprob, tokens: tokens.length, latencyMs: performance.now() - started, cached: false };
        }),
      );
    },

    async embed(texts: readonly string[], callOptions?: CallOptions): Promise<Settled<EmbeddingResult>[]> {
      requireCapability(provider, 'embeddings');
      embeddings ??= model.createEmbeddingContext({ contextSize, batchSize, threads });
      const embedder = await embeddings;
      return settleAll(texts, callOptions, texts.map((_, i) => i), async (text) => {
        const started = performance.now();
        const tokens = model.tokenize(text);
        if (tokens.length > contextSize) throw new LlamaRequestError(`the text is ${tokens.length} tokens, more than the context size ${contextSize}`);
        const { vector } = await embedder.getEmbeddingFor(tokens);
        return { embedding: [...vector], latencyMs: performance.now() - started, cached: false };
      });
    },

    async countTokens(text: string): Promise<number> {
      return model.tokenize(text).length;
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await prefix.exclusive(async () => {
        if (embeddings !== undefined) await (await embeddings).dispose();
        await context.dispose();
        await model.dispose();
      });
    },
  };
  tokenCounters.set(provider, prefix);
  return provider;
}

/** Tokens evaluated by a llama provider's sequence so far (benchmarks); undefined for other providers. */
export function evaluatedTokens(provider: Provider): number | undefined {
  return tokenCounters.get(provider)?.tokensEvaluated;
}
