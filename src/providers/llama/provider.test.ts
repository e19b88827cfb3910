// The llama provider on the real stories260K model. Expected values are computed here
// independently, straight from node-llama-cpp on a separate context: the whole token sequence
// evaluated in one batch (the provider must match it exactly: its prefix reuse never changes the
// numbers) and token by token (llama.cpp rounds one-token batches differently: ~1e-3).
import { getLlama, LlamaLogLevel, LlamaText, SpecialToken, SpecialTokensText, type LlamaContextSequence, type LlamaModel, type Token } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAssayError } from '../../core/errors.js';
import { runProviderContract } from '../../../test/support/provider-contract.js';
import { closeTo, sharedPath } from '../../../test/support/shared.js';
import { createProvider } from '../registry.js';
import type { Provider, Settled } from '../types.js';
import { createLlamaProvider, evaluatedTokens, LLAMA_CAPABILITIES } from './provider.js';

const MODEL = sharedPath('models', 'stories260K.gguf');
const CONFIG = { contextSize: 512, threads: 1 };
const LILY_CONTEXT = 'Once upon a time, there was a little girl named';

function ok<T>(results: Settled<T>[]): T[] {
  return results.map((r, i) => {
    if (!r.ok) throw new Error(`request ${i}: ${r.error.code}: ${r.error.message}`);
    return r.value;
  });
}

/** Independent reference: a separate context on the same model file. */
class Reference {
  constructor(
    readonly model: LlamaModel,
    readonly seq: LlamaContextSequence,
  ) {}

  static async open(contextSize: number): Promise<Reference> {
    const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
    const model = await llama.loadModel({ modelPath: MODEL });
    const context = await model.createContext({ contextSize, batchSize: contextSize, threads: 1, flashAttention: false });
    return new Reference(model, context.getSequence());
  }

  encode(text: string, bos = true): number[] {
    return [...(bos ? [this.model.tokens.bos as number] : []), ...this.model.tokenize(text)];
  }

  /** log p(tokens[i] | tokens[<i]) for i >= from, with tokens[:-1] evaluated in one batch. */
  async batch(tokens: number[], from: number): Promise<{ logprobs: number[]; greedy: boolean[] }> {
    await this.seq.clearHistory();
    const input = tokens.slice(0, -1).map((t, i): Token | [Token, { generateNext: { probabilities: true } }] => (i >= from - 1 ? [t as Token, { generateNext: { probabilities: true } }] : (t as Token)));
    const out = await this.seq.controlledEvaluate(input);
    const logprobs: number[] = [];
    const greedy: boolean[] = [];
    for (let i = from; i < tokens.length; i++) {
      const probabilities = out[i - 1]!.next.probabilities!;
      logprobs.push(Math.log(probabilities.get(tokens[i] as Token)!));
      greedy.push([...probabilities.entries()].reduce((a, b) => (b[1] > a[1] ? b : a))[0] === tokens[i]);
    }
    return { logprobs, greedy };
  }

  /** The same, feeding one token at a time. */
  async stepwise(tokens: number[], from: number): Promise<number[]> {
    await this.seq.clearHistory();
    const logprobs: number[] = [];
    for (let i = 0; i < tokens.length - 1; i++) {
      const [out] = await this.seq.controlledEvaluate([[tokens[i] as Token, { generateNext: { probabilities: true } }]]);
      if (i + 1 >= from) logprobs.push(Math.log(out!.next.probabilities!.get(tokens[i + 1] as Token)!));
    }
    return logprobs;
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('llama provider on stories260K', () => {
  let provider: Provider;
  let scratch: Provider;
  let ref: Reference;

  beforeAll(async () => {
    [provider, scratch, ref] = await Promise.all([createLlamaProvider({ model: MODEL }, CONFIG), createLlamaProvider({ model: MODEL }, CONFIG, { reusePrefix: false }), Reference.open(512)]);
  });
  afterAll(async () => {
    await provider?.close();
    await scratch?.close();
    await ref?.model.dispose();
  });

  it('carries the model sha256 and settings in its identity', () => {
    expect(provider.id).toBe(`llama:${MODEL}`);
    expect(provider.identity).toEqual({
      provider: 'llama',
      model: 'stories260K.gguf',
      sha256: '270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d',
      contextSize: 512,
      batchSize: 512,
      threads: 1,
      flashAttention: false,
      chatWrapper: 'Llama2Chat',
      backend: 'node-llama-cpp@3.21.1 cpu',
    });
  });

  it('scores " Lily" after the README context: BOS + joint tokens, exact vs one batch, ~1e-3 vs token by token', async () => {
    const [r] = ok(await provider.loglikelihood([{ context: LILY_CONTEXT, continuation: ' Lily' }]));
    const whole = ref.encode(LILY_CONTEXT + ' Lily');
    const from = ref.encode(LILY_CONTEXT).length;
    expect(whole[0]).toBe(1);
    const batch = await ref.batch(whole, from);
    expect(r.tokens).toBe(whole.length - from);
    expect(r.logprob).toBe(sum(batch.logprobs));
    expect(r.isGreedy).toBe(true);
    expect(Math.abs(r.logprob - -0.077)).toBeLessThan(5e-3);
    expect(Math.abs(r.logprob - sum(await ref.stepwise(whole, from)))).toBeLessThan(1e-3);
  });

  it('sums multi-token continuations; isGreedy agrees with greedy generation', async () => {
    const [gen] = ok(await provider.generate([{ prompt: LILY_CONTEXT, maxTokens: 6 }]));
    const requests = [
      { context: LILY_CONTEXT, continuation: gen.text },
      { context: LILY_CONTEXT, continuation: ' Sue. She liked to run.' },
    ];
    const results = ok(await provider.loglikelihood(requests));
    for (const [i, request] of requests.entries()) {
      const whole = ref.encode(request.context + request.continuation);
      const from = ref.encode(request.context).length;
      const batch = await ref.batch(whole, from);
      expect(results[i].tokens).toBe(whole.length - from);
      expect(results[i].logprob).toBe(sum(batch.logprobs));
      expect(results[i].isGreedy).toBe(batch.greedy.every(Boolean));
      expect(Math.abs(results[i].logprob - sum(await ref.stepwise(whole, from)))).toBeLessThan(1e-3 * (whole.length - from));
    }
    // The greedy generation's own text is the greedy continuation (when it re-tokenizes the same way).
    expect(results[0].tokens).toBe(gen.usage.completionTokens);
    expect(results[0].isGreedy).toBe(true);
    expect(results[1].isGreedy).toBe(false);
  });

  it('evaluates a shared context once, with the same numbers as from scratch', async () => {
    // Over 256 tokens, where flash attention (now off) made reused prefixes differ.
    const context = `${LILY_CONTEXT} Lily. ${'She liked to play with her toys in the big green park. '.repeat(20)}One day, her mom said:`;
    const requests = [' "Lily', ' "Let', ' "We', ' "I'].map((continuation) => ({ context, continuation }));
    requests.push({ context: `${LILY_CONTEXT} Tom. He`, continuation: ' ran' });
    const shared0 = evaluatedTokens(provider)!;
    const shared = ok(await provider.loglikelihood(requests));
    const sharedCost = evaluatedTokens(provider)! - shared0;
    const scratch0 = evaluatedTokens(scratch)!;
    const fresh = ok(await scratch.loglikelihood(requests));
    const scratchCost = evaluatedTokens(scratch)! - scratch0;
    expect(shared.map((r) => r.logprob)).toEqual(fresh.map((r) => r.logprob));
    expect(shared.map((r) => r.isGreedy)).toEqual(fresh.map((r) => r.isGreedy));
    const contextLength = ref.encode(context).length;
    expect(contextLength).toBeGreaterThan(256);
    const inputs = requests.map((q) => ref.encode(q.context + q.continuation).length - 1);
    expect(scratchCost).toBe(sum(inputs));
    // The context once, then each choice re-evaluates its last context token (2+ tokens a batch).
    expect(sharedCost).toBeLessThan(contextLength + 4 * 6 + inputs[4]);
    // One by one equals batched.
    for (const [i, request] of requests.entries()) {
      const [single] = ok(await provider.loglikelihood([request]));
      expect(single.logprob).toBe(shared[i].logprob);
    }
  });

  it('moves trailing context whitespace into the continuation; an empty context gets BOS', async () => {
    const [moved, plain] = ok(await provider.loglikelihood([
      { context: `${LILY_CONTEXT} `, continuation: 'Lily' },
      { context: LILY_CONTEXT, continuation: ' Lily' },
    ]));
    expect(moved.logprob).toBe(plain.logprob);
    const text = 'Once upon a time';
    const [empty] = ok(await provider.loglikelihood([{ context: '', continuation: text }]));
    const whole = ref.encode(text);
    expect(empty.tokens).toBe(whole.length - 1);
    expect(empty.logprob).toBe(sum((await ref.batch(whole, 1)).logprobs));
    // And it equals the rolling log-likelihood of the same text (one window).
    const [rolling] = ok(await provider.loglikelihoodRolling([{ text }]));
    expect(rolling).toMatchObject({ logprob: empty.logprob, tokens: empty.tokens });
  });

  it('returns 0 for an empty continuation and refuses one longer than the context', async () => {
    const [none, long] = await provider.loglikelihood([
      { context: 'a', continuation: '' },
      { context: 'a', continuation: ' x'.repeat(600) },
    ]);
    expect(none.ok && none.value).toMatchObject({ logprob: 0, isGreedy: true, tokens: 0 });
    const longTokens = ref.encode('a' + ' x'.repeat(600)).length - ref.encode('a').length;
    expect(long.ok ? null : long.error).toEqual({ code: 'client_error', message: `the continuation is ${longTokens} tokens, more than the context size 512`, attempts: 1 });
  });

  it('rolls disjoint windows of the context size over a long text', async () => {
    const small = await createLlamaProvider({ model: MODEL }, { contextSize: 32, threads: 1 });
    try {
      const text = 'Once upon a time, there was a little dog named Max. Max liked to run in the park. One day, he saw a big red ball. He ran to the ball and played with it all day. Then he went home.';
      const tokens = ref.encode(text, false);
      const [multi] = ok(await small.loglikelihoodRolling([{ text }]));
      // Independently: every token scored once, with the 32 tokens before it (BOS first) as context.
      const full = [1, ...tokens];
      let expected = 0;
      for (let done = 0; done < tokens.length; ) {
        const end = Math.min(tokens.length, done + 32);
        const start = Math.max(0, end - 32);
        const window = await ref.batch(full.slice(start, end + 1), done + 1 - start);
        expected += sum(window.logprobs);
        done = end;
      }
      expect(tokens.length).toBeGreaterThan(64);
      expect(multi.tokens).toBe(tokens.length);
      // Same per-token values; only the order of the float additions differs.
      expect(closeTo(multi.logprob, expected, 1e-12)).toBe(true);
      // Where one window fits both context sizes, both give the one-window result.
      const short = 'The cat sat on the mat.';
      const [a] = ok(await small.loglikelihoodRolling([{ text: short }]));
      const [b] = ok(await provider.loglikelihoodRolling([{ text: short }]));
      expect(a.logprob).toBe(b.logprob);
      expect(a.logprob).toBe(sum((await ref.batch(ref.encode(short), 1)).logprobs));
    } finally {
      await small.close();
    }
  });

  it('generates greedily and cuts at the first stop string', async () => {
    const [full] = ok(await provider.generate([{ prompt: 'Once upon a time', maxTokens: 40 }]));
    expect(full.finishReason).toBe('length');
    expect(full.usage).toEqual({ promptTokens: 5, completionTokens: 40 });
    const stop = '.';
    expect(full.text.indexOf(stop)).toBeGreaterThan(0);
    const [cut] = ok(await provider.generate([{ prompt: 'Once upon a time', maxTokens: 40, stop: ['zzz', stop] }]));
    expect(cut.text).toBe(full.text.slice(0, full.text.indexOf(stop)));
    expect(cut.finishReason).toBe('stop');
  });

  it('gives per-token logprobs that match the scored continuation', async () => {
    const [gen] = ok(await provider.generate([{ prompt: LILY_CONTEXT, maxTokens: 5, logprobs: true, topLogprobs: 3 }]));
    expect(gen.logprobs).toHaveLength(5);
    for (const entry of gen.logprobs!) {
      expect(entry.top).toHaveLength(3);
      expect(entry.top![0]).toEqual({ token: entry.token, logprob: entry.logprob });
    }
    expect(gen.logprobs!.map((e) => e.token).join('')).toBe(gen.text);
    const [scored] = ok(await provider.loglikelihood([{ context: LILY_CONTEXT, continuation: gen.text }]));
    // Generation decodes one token at a time: ~1e-3 per token from the one-batch scoring.
    expect(Math.abs(sum(gen.logprobs!.map((e) => e.logprob)) - scored.logprob)).toBeLessThan(5e-3);
  });

  it('samples reproducibly with a seed', async () => {
    const request = { prompt: 'Once upon a time', maxTokens: 20, temperature: 1, topP: 0.9, seed: 42 };
    const [a, b] = ok(await provider.generate([request, request]));
    expect(b.text).toBe(a.text);
  });

  it('constrains output to a JSON schema and to a GBNF grammar', async () => {
    const schema = { type: 'object', properties: { name: { enum: ['Lily', 'Tom', 'Sue'] }, happy: { type: 'boolean' } }, required: ['name', 'happy'] } as const;
    const [json, yesNo] = ok(await provider.generate([
      { prompt: 'Once upon a time', maxTokens: 120, constraint: { type: 'json_schema', schema } },
      { prompt: 'Is the dog happy?', maxTokens: 5, constraint: { type: 'grammar', grammar: 'root ::= "yes" | "no"' } },
    ]));
    const parsed = JSON.parse(json.text) as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(['happy', 'name']);
    expect(['Lily', 'Tom', 'Sue']).toContain(parsed.name);
    expect(typeof parsed.happy).toBe('boolean');
    expect(json.finishReason).toBe('stop');
    expect(['yes', 'no']).toContain(yesNo.text);
    const [bad] = await provider.generate([{ prompt: 'x', constraint: { type: 'grammar', grammar: 'root ::= (' } }]);
    expect(bad.ok ? null : bad.error.code).toBe('client_error');
  });

  it('renders chat messages through the chat template', async () => {
    const [chat] = ok(await provider.generate([{ prompt: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Tell a story.' }], maxTokens: 8 }]));
    // The Llama 2 chat format, written out by hand: <s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nTell a story. [/INST]
    const rendered = LlamaText([new SpecialToken('BOS'), new SpecialTokensText('[INST] <<SYS>>\n'), 'Be brief.', new SpecialTokensText('\n<</SYS>>\n\n'), 'Tell a story.', new SpecialTokensText(' [/INST] ')]).tokenize(ref.model.tokenizer);
    expect(chat.usage.promptTokens).toBe(rendered.length);
    expect(chat.usage.completionTokens).toBeGreaterThan(0);
  });

  it('counts tokens as the tokenizer does, and embeds', async () => {
    expect(await provider.countTokens('Once upon a time')).toBe(4);
    const [e] = ok(await provider.embed(['Once upon a time']));
    expect(e.embedding).toHaveLength(64);
  });

  it('is built by the provider registry from a bare name in the models directory', async () => {
    const named = await createProvider('llama:stories260K', { modelsDir: sharedPath('models'), contextSize: 64, threads: 1 });
    try {
      expect(named.id).toBe('llama:stories260K');
      expect(named.identity).toMatchObject({ model: 'stories260K.gguf', sha256: provider.identity.sha256, contextSize: 64 });
      const [a] = ok(await named.loglikelihood([{ context: LILY_CONTEXT, continuation: ' Lily' }]));
      const [b] = ok(await provider.loglikelihood([{ context: LILY_CONTEXT, continuation: ' Lily' }]));
      expect(a.logprob).toBe(b.logprob);
    } finally {
      await named.close();
    }
  });

  it('fails clearly for a missing model', async () => {
    let error: unknown;
    try {
      await createLlamaProvider({ model: 'missing.gguf' }, { modelsDir: sharedPath('models') });
    } catch (e) {
      error = e;
    }
    expect(isAssayError(error) && error.message).toBe(`llama model "missing.gguf": no missing.gguf in the models directory ${sharedPath('models')} (set it with --models-dir, the modelsDir config key or ASSAY_MODELS_DIR, or give a path)`);
  });
});

runProviderContract('llama (stories260K)', async () => ({ provider: await createLlamaProvider({ model: MODEL }, CONFIG) }), LLAMA_CAPABILITIES);
