// Log-likelihoods from an OpenAI-style completions echo (`echo: true, logprobs: 1`), after
// lm-evaluation-harness's openai_completions `parse_logprobs`: sum the continuation tokens'
// logprobs and call it greedy when each is the argmax of its top_logprobs. The harness splits at
// the context's token count (it has the tokenizer); over HTTP we have only text, so we split at
// the context's character offset using `text_offset` (Python code points, as vLLM reports them).
// A token straddling the boundary counts as continuation (it carries continuation characters).
// vLLM's offsets are running sums of the decoded tokens' lengths, so a BOS decoded as "<s>"
// shifts them; `promptShift` finds where the prompt starts in the echoed text.
import { z } from 'zod';

export const EchoLogprobsSchema = z.object({
  tokens: z.array(z.string()),
  token_logprobs: z.array(z.number().nullable()),
  top_logprobs: z.array(z.record(z.string(), z.number()).nullable()).nullish(),
  text_offset: z.array(z.number().int().nonnegative()).nullish(),
});
export type EchoLogprobs = z.infer<typeof EchoLogprobsSchema>;

export interface EchoScore {
  logprob: number;
  isGreedy: boolean;
  tokens: number;
}

/** Length in code points, the unit of `text_offset`. */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** The harness's `_encode_pair` whitespace rule: trailing context whitespace moves to the continuation. */
export function moveTrailingWhitespace(context: string, continuation: string): { context: string; continuation: string } {
  const trimmed = context.replace(/\s+$/u, '');
  if (trimmed.length === context.length) return { context, continuation };
  return { context: trimmed, continuation: context.slice(trimmed.length) + continuation };
}

function checkShape(lp: EchoLogprobs): number[] {
  const n = lp.tokens.length;
  if (lp.token_logprobs.length !== n) throw new Error(`logprobs.token_logprobs has ${lp.token_logprobs.length} entries for ${n} tokens`);
  if (!lp.text_offset) throw new Error('logprobs.text_offset is missing (the server must echo token offsets)');
  if (lp.text_offset.length !== n) throw new Error(`logprobs.text_offset has ${lp.text_offset.length} entries for ${n} tokens`);
  if (lp.top_logprobs && lp.top_logprobs.length !== n) throw new Error(`logprobs.top_logprobs has ${lp.top_logprobs.length} entries for ${n} tokens`);
  return lp.text_offset;
}

/**
 * Where the prompt starts, in code points, in the echoed tokens' text (0 unless the server
 * echoes special tokens such as a BOS "<s>" before it). Throws when the tokens do not spell the
 * prompt (e.g. raw byte-level tokens), since the split point would then be a guess.
 */
export function promptShift(lp: EchoLogprobs, prompt: string): number {
  const echoed = lp.tokens.join('');
  const at = echoed.indexOf(prompt);
  if (at < 0) {
    throw new Error(`the echoed tokens do not spell the prompt (${JSON.stringify(echoed.slice(0, 60))}...), so the context boundary is unknown`);
  }
  const first = lp.text_offset?.[0] ?? 0;
  return first + codePointLength(echoed.slice(0, at));
}

/**
 * Scores the tokens covering code points [from, to) of the echoed prompt. Tokens at or past
 * `to` are generated (servers that need max_tokens >= 1) and ignored. `skipUnscoredFirst` lets a
 * first prompt token without a logprob (no BOS before it) go unscored, as in rolling perplexity.
 */
export function scoreEchoSpan(lp: EchoLogprobs, from: number, to: number, options: { skipUnscoredFirst?: boolean } = {}): EchoScore {
  const offsets = checkShape(lp);
  let logprob = 0;
  let tokens = 0;
  let isGreedy = true;
  for (let i = 0; i < lp.tokens.length; i++) {
    const start = offsets[i];
    const end = start + codePointLength(lp.tokens[i]);
    if (start >= to) break;
    if (end <= from) continue;
    const value = lp.token_logprobs[i];
    if (value === null) {
      if (options.skipUnscoredFirst && tokens === 0 && i === 0) continue;
      throw new Error(`token ${i} ("${lp.tokens[i]}") has no logprob; the server scores no token before the first (give a non-empty context)`);
    }
    logprob += value;
    tokens++;
    const top = lp.top_logprobs?.[i];
    if (!top) throw new Error(`token ${i} ("${lp.tokens[i]}") has no top_logprobs, so greediness is unknown`);
    let best: string | undefined;
    let bestLogprob = -Infinity;
    for (const [token, value2] of Object.entries(top)) {
      if (value2 > bestLogprob) {
        best = token;
        bestLogprob = value2;
      }
    }
    if (best !== lp.tokens[i]) isGreedy = false;
  }
  if (tokens === 0 && to > from) throw new Error(`no echoed token covers characters ${from}-${to} of the prompt (does the server support echo?)`);
  return { logprob, isGreedy, tokens };
}
