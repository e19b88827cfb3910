// Generation on the prefix sequence, after lm-evaluation-harness's generate_until: the prompt is
// cut from the left to leave room for max_gen_toks, decoding stops at end-of-generation tokens or
// when a stop string appears, and the text is cut at the first stop string. Sampling, grammars and
// JSON schemas are node-llama-cpp's (llama.cpp samplers and GBNF). Per-token logprobs are the
// full softmax at temperature 0; under sampling they are of the top-p-filtered distribution.
import type { ChatHistoryItem, ChatWrapper, Llama, LlamaGrammar, LlamaModel, Token } from 'node-llama-cpp';
import { LlamaGrammarEvaluationState, LlamaText } from 'node-llama-cpp';
import type { ChatMessage, FinishReason, GenerateRequest, GenerateResult, TokenLogprob } from '../types.js';
import type { PrefixSequence } from './sequence.js';
import { stopIndex } from './windows.js';

/** lm-evaluation-harness's default max_gen_toks. */
export const DEFAULT_MAX_TOKENS = 256;

/** A request the model cannot serve as asked (too long, bad grammar): recorded on the sample. */
export class LlamaRequestError extends Error {
  override readonly name = 'LlamaRequestError';
}

export interface GenerateEnv {
  llama: Llama;
  model: LlamaModel;
  contextSize: number;
  chatWrapper: ChatWrapper;
  prefix: PrefixSequence;
}

interface Prompt {
  tokens: number[];
  stops: string[];
}

function chatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((m): ChatHistoryItem => {
    if (m.role === 'system') return { type: 'system', text: m.content };
    if (m.role === 'user') return { type: 'user', text: m.content };
    return { type: 'model', response: [m.content] };
  });
  // An open model turn at the end asks the template for the assistant prefix.
  history.push({ type: 'model', response: [] });
  return history;
}

/** Prompt tokens as the model's tokenizer adds special tokens (BOS for Llama GGUFs), or the chat template's rendering. */
export function promptTokens(env: Pick<GenerateEnv, 'model' | 'chatWrapper'>, prompt: GenerateRequest['prompt']): Prompt {
  const { model } = env;
  if (typeof prompt === 'string') {
    const bos = model.tokens.shouldPrependBosToken && model.tokens.bos !== null ? [model.tokens.bos as number] : [];
    return { tokens: [...bos, ...model.tokenize(prompt)], stops: [] };
  }
  const state = env.chatWrapper.generateContextState({ chatHistory: chatHistory(prompt) });
  const stops: string[] = [];
  for (const trigger of state.stopGenerationTriggers) {
    const values = LlamaText(trigger).values;
    if (values.every((v) => typeof v === 'string')) stops.push(values.join(''));
  }
  return { tokens: LlamaText(state.contextText).tokenize(model.tokenizer), stops };
}

async function compileConstraint(env: GenerateEnv, request: GenerateRequest): Promise<LlamaGrammar | undefined> {
  const c = request.constraint;
  if (c === undefined) return undefined;
  try {
    if (c.type === 'grammar') return await env.llama.createGrammar({ grammar: c.grammar });
    return await env.llama.createGrammarForJsonSchema(c.schema as Parameters<Llama['createGrammarForJsonSchema']>[0]);
  } catch (error) {
    throw new LlamaRequestError(`${c.type === 'grammar' ? 'GBNF grammar' : 'JSON schema'} rejected by node-llama-cpp: ${(error as Error).message}`);
  }
}

/** Tokens of left context that detokenize needs to keep a leading space (SentencePiece strips it at the start). */
const DETOKENIZE_CONTEXT = 16;

/** Generates for one request; callers run it inside the sequence's `exclusive`. */
export async function generateOne(env: GenerateEnv, request: GenerateRequest): Promise<Omit<GenerateResult, 'latencyMs' | 'cached'>> {
  const { model, prefix, contextSize } = env;
  // Unset: the harness's 256, or half the context when that is smaller (so a small context still has room for a prompt).
  const maxTokens = request.maxTokens ?? Math.min(DEFAULT_MAX_TOKENS, Math.floor(contextSize / 2));
  if (!Number.isInteger(maxTokens) || maxTokens < 0 || maxTokens >= contextSize) {
    throw new LlamaRequestError(`maxTokens ${maxTokens} must be an integer in [0, ${contextSize - 1}] for a context of ${contextSize} tokens`);
  }
  const grammar = await compileConstraint(env, request);
  const prompt = promptTokens(env, request.prompt);
  // generate_until: context_enc[-(max_length - max_gen_toks):]
  const tokens = prompt.tokens.slice(-(contextSize - maxTokens));
  if (tokens.length === 0) throw new LlamaRequestError('the prompt encodes to no tokens');
  // node-llama-cpp's JSON grammars end in free whitespace: stop at its trigger (4 newlines) and trim, as LlamaCompletion does.
  const grammarStops = (grammar?.stopGenerationTriggers ?? []).map((t) => (typeof t === 'string' ? t : LlamaText(t as LlamaText).values)).flatMap((v) => (typeof v === 'string' ? [v] : v.every((x) => typeof x === 'string') ? [v.join('')] : []));
  const stops = [...(request.stop ?? []), ...prompt.stops, ...grammarStops];
  const usage = { promptTokens: tokens.length, completionTokens: 0 };
  if (maxTokens === 0) return { text: '', finishReason: 'length', usage };

  const temperature = request.temperature ?? 0;
  const wantLogprobs = request.logprobs === true || (request.topLogprobs ?? 0) > 0;
  const keep = await prefix.alignTo(tokens, tokens.length);
  const generated: Token[] = [];
  const logprobs: TokenLogprob[] = [];
  let stoppedAt = -1;
  let finishReason: FinishReason = 'length';
  // Decoded after the prompt, so a leading space stays (llama.cpp server does the same; HF decode would strip it).
  const decode = () => model.detokenize(generated, false, tokens.slice(-DETOKENIZE_CONTEXT) as Token[]);
  const iterator = prefix.sequence.evaluateWithMetadata(
    tokens.slice(keep) as Token[],
    { probabilities: wantLogprobs },
    {
      temperature,
      ...(temperature > 0 && request.topP !== undefined ? { topP: request.topP } : {}),
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
      ...(grammar !== undefined ? { grammarEvaluationState: new LlamaGrammarEvaluationState({ model, grammar }) } : {}),
      yieldEogToken: true,
    },
  );
  try {
    for await (const out of iterator) {
      const token = out.token;
      if (model.isEogToken(token)) {
        finishReason = 'stop';
        break;
      }
      generated.push(token);
      if (wantLogprobs) {
        const probabilities = (out as { probabilities?: Map<Token, number> }).probabilities ?? new Map<Token, number>();
        const before = [...tokens, ...generated.slice(0, -1)].slice(-DETOKENIZE_CONTEXT) as Token[];
        const piece = (t: Token) => model.detokenize([t], false, before);
        const entry: TokenLogprob = { token: piece(token), logprob: Math.log(probabilities.get(token) ?? 0) };
        const top = request.topLogprobs ?? 0;
        if (top > 0) entry.top = [...probabilities.entries()].slice(0, top).map(([t, p]) => ({ token: piece(t), logprob: Math.log(p) }));
        logprobs.push(entry);
      }
      if (stops.length > 0) {
        const cut = stopIndex(decode(), stops);
        if (cut >= 0) {
          stoppedAt = cut;
          finishReason = 'stop';
          break;
        }
      }
      if (generated.length >= maxTokens) break;
    }
  } finally {
    prefix.generated(keep, tokens.length);
  }
  usage.completionTokens = generated.length;
  let text = decode();
  if (stoppedAt >= 0) text = text.slice(0, stoppedAt);
  if (grammar?.trimWhitespaceSuffix) text = text.trimEnd();
  const result: Omit<GenerateResult, 'latencyMs' | 'cached'> = { text, finishReason, usage };
  if (wantLogprobs) result.logprobs = trimLogprobs(logprobs, text);
  return result;
}

/** Keeps the per-token logprobs of the tokens that start before the cut text ends. */
function trimLogprobs(logprobs: TokenLogprob[], text: string): TokenLogprob[] {
  let length = 0;
  const kept: TokenLogprob[] = [];
  for (const entry of logprobs) {
    if (length >= text.length && kept.length > 0) break;
    kept.push(entry);
    length += entry.token.length;
  }
  return text.length === 0 ? [] : kept;
}
