// How lm-evaluation-harness turns requests into token windows (lm_eval/api/model.py
// TemplateLM._encode_pair, HFLM._loglikelihood_tokens, and lm_eval/utils.py
// get_rolling_token_windows + make_disjoint_window), as pure functions over token arrays.
// Also its generate_until stop-string cut (`s.split(term)[0]` for each term).

export type Tokens = readonly number[];

/** Moves the context's trailing whitespace to the front of the continuation (TemplateLM._encode_pair). */
export function moveTrailingWhitespace(context: string, continuation: string): { context: string; continuation: string } {
  // Python's str.rstrip() strips Unicode whitespace; JS trimEnd() strips the same class for practical text.
  const stripped = context.trimEnd();
  const nSpaces = context.length - stripped.length;
  if (nSpaces === 0) return { context, continuation };
  return { context: stripped, continuation: context.slice(stripped.length) + continuation };
}

/**
 * Splits the encoding of context+continuation at the context's own token length, as the
 * harness does (so a token that merges across the boundary belongs to the context).
 */
export function splitAtContext(contextTokens: Tokens, wholeTokens: Tokens): { context: number[]; continuation: number[] } {
  return { context: wholeTokens.slice(0, contextTokens.length), continuation: wholeTokens.slice(contextTokens.length) };
}

/** What one (context, continuation) pair feeds the model and where its scored positions start. */
export interface ScoringInput {
  /** Tokens to evaluate: (context + continuation) truncated from the left to maxLength+1, minus the last. */
  input: number[];
  /** Index in `input` whose output predicts continuation[0]; outputs p..input.length-1 are scored. */
  firstScored: number;
  continuation: number[];
}

/** HFLM._loglikelihood_tokens: `inp = (context_enc + continuation_enc)[-(max_length + 1):][:-1]`. */
export function scoringInput(context: Tokens, continuation: Tokens, maxLength: number): ScoringInput {
  const whole = [...context, ...continuation];
  const input = whole.slice(Math.max(0, whole.length - (maxLength + 1)), whole.length - 1);
  return { input, firstScored: input.length - continuation.length, continuation: [...continuation] };
}

/** lm_eval.utils.get_rolling_token_windows: (context, prediction) pairs covering every token once. */
export function rollingTokenWindows(tokens: Tokens, prefixToken: number, maxSeqLen: number, contextLen: number): Array<[number[], number[]]> {
  if (!(contextLen >= 1 && contextLen <= maxSeqLen)) throw new RangeError(`contextLen ${contextLen} must be in [1, ${maxSeqLen}]`);
  const windows: Array<[number[], number[]]> = [];
  if (tokens.length === 0) return windows;
  const predLen = maxSeqLen - contextLen + 1;
  let predicted = 0;
  const firstSeqLen = Math.min(maxSeqLen, tokens.length);
  windows.push([[prefixToken, ...tokens.slice(0, firstSeqLen - 1)], tokens.slice(0, firstSeqLen)]);
  predicted += firstSeqLen;
  while (predicted < tokens.length) {
    const windowPredLen = Math.min(tokens.length - predicted, predLen);
    const windowEnd = predicted + windowPredLen;
    windows.push([tokens.slice(windowEnd - maxSeqLen - 1, windowEnd - 1), tokens.slice(windowEnd - windowPredLen, windowEnd)]);
    predicted += windowPredLen;
  }
  return windows;
}

/** lm_eval.utils.make_disjoint_window: drops the context tokens the prediction already repeats. */
export function makeDisjointWindow([context, prediction]: [number[], number[]]): [number[], number[]] {
  return [context.slice(0, context.length - (prediction.length - 1)), prediction];
}

/** The index where the first stop string starts (the harness cuts at each term in turn, i.e. at the earliest), or -1. */
export function stopIndex(text: string, stops: readonly string[]): number {
  let cut = -1;
  for (const stop of stops) {
    if (stop === '') continue;
    const at = text.indexOf(stop);
    if (at >= 0 && (cut < 0 || at < cut)) cut = at;
  }
  return cut;
}
