// One llama.cpp context sequence used as a prefix cache: a request evaluates only the tokens
// after the longest prefix the sequence already holds (lm-evaluation-harness evaluates every
// request from scratch and only shares one-token continuations of one context; this shares any
// token prefix). Deliberate rule: llama.cpp's CPU kernels give different rounding for a
// one-token batch (matrix-vector) than for longer ones, so a reused prefix is only one that was
// evaluated in batches of 2+ tokens and each evaluation re-runs at least 2 tokens; that makes a
// request's numbers independent of what was evaluated before it (bit-identical, checked in tests).
import type { LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';

/** One scoring job: evaluate `input`, read the next-token distributions from `firstScored` on. */
export interface ScoreJob {
  input: readonly number[];
  firstScored: number;
  /** The tokens the outputs at firstScored.. should predict (targets). */
  targets: readonly number[];
}

export interface TokenScores {
  /** Natural-log probability of each target under the full-vocabulary softmax (temperature 0). */
  logprobs: number[];
  /** Whether each target is the most probable token at its position. */
  greedy: boolean[];
}

/**
 * Distributions kept from the last evaluation so identical inputs (the one-token choices of one
 * question) cost nothing; few, since each is a vocabulary-sized map.
 */
const KEEP_DISTRIBUTIONS_UP_TO = 4;

export class PrefixSequence {
  /** Tokens evaluated so far (prefill and scoring), for benchmarks and tests. */
  tokensEvaluated = 0;
  private canonical = 0;
  private lastInput: readonly number[] | null = null;
  private lastFrom = 0;
  private lastDistributions: Array<Map<Token, number>> = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly sequence: LlamaContextSequence,
    readonly model: LlamaModel,
    readonly reusePrefix: boolean,
  ) {}

  /** Runs jobs one at a time (the sequence has one state). */
  exclusive<T>(job: () => Promise<T>): Promise<T> {
    const next = this.queue.then(job, job);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Erases the sequence back to the longest reusable prefix of `tokens`, at most `limit`
   * tokens, leaving at least 2 tokens (or all, when fewer) to evaluate. Returns how many are kept.
   */
  async alignTo(tokens: readonly number[], limit: number): Promise<number> {
    const seq = this.sequence;
    let keep = 0;
    if (this.reusePrefix) {
      keep = Math.min(seq.compareContextTokens(tokens as Token[]).firstDifferentIndex, limit, this.canonical);
      if (tokens.length - keep < 2) keep = Math.max(0, tokens.length - 2);
    }
    if (keep === 0) {
      if (seq.nextTokenIndex > 0) await seq.clearHistory();
    } else if (keep < seq.nextTokenIndex) {
      await seq.eraseContextTokenRanges([{ start: keep, end: seq.nextTokenIndex }]);
    }
    this.canonical = Math.min(this.canonical, keep);
    if (this.lastInput !== null && keep < this.lastInput.length) this.lastInput = null;
    return keep;
  }

  /** Marks the state after evaluating tokens[keep..end) in one batch. */
  private evaluated(keep: number, end: number): void {
    this.tokensEvaluated += end - keep;
    this.canonical = end - keep >= 2 ? end : keep;
  }

  /** Scores one job; callers run it inside `exclusive`. */
  async score(job: ScoreJob): Promise<TokenScores> {
    const { input, firstScored, targets } = job;
    if (targets.length === 0) return { logprobs: [], greedy: [] };
    let distributions = this.reuseDistributions(input, firstScored);
    if (distributions === null) {
      const keep = await this.alignTo(input, firstScored);
      const items = input.slice(keep).map((token, j): Token | [Token, { generateNext: { probabilities: true } }] =>
        keep + j >= firstScored ? [token as Token, { generateNext: { probabilities: true } }] : (token as Token),
      );
      const outputs = await this.sequence.controlledEvaluate(items);
      this.evaluated(keep, input.length);
      distributions = [];
      for (let j = firstScored - keep; j < items.length; j++) {
        const probabilities = outputs[j]?.next.probabilities;
        if (probabilities === undefined) throw new Error(`llama.cpp returned no distribution at position ${keep + j}`);
        distributions.push(probabilities);
      }
      this.remember(input, firstScored, distributions);
    }
    const logprobs: number[] = [];
    const greedy: boolean[] = [];
    distributions.forEach((probabilities, k) => {
      const target = targets[k] as Token;
      logprobs.push(Math.log(probabilities.get(target) ?? 0));
      // The map is sorted by probability, highest first.
      greedy.push(probabilities.keys().next().value === target);
    });
    return { logprobs, greedy };
  }

  private reuseDistributions(input: readonly number[], firstScored: number): Array<Map<Token, number>> | null {
    const last = this.lastInput;
    if (!this.reusePrefix || last === null || last.length !== input.length || firstScored < this.lastFrom) return null;
    for (let i = 0; i < input.length; i++) if (last[i] !== input[i]) return null;
    return this.lastDistributions.slice(firstScored - this.lastFrom);
  }

  private remember(input: readonly number[], from: number, distributions: Array<Map<Token, number>>): void {
    if (distributions.length > KEEP_DISTRIBUTIONS_UP_TO) {
      this.lastInput = null;
      this.lastDistributions = [];
      return;
    }
    this.lastInput = input;
    this.lastFrom = from;
    this.lastDistributions = distributions;
  }

  /** After a generation: its prompt batch is reusable, the one-token decode steps are not. */
  generated(keep: number, promptEnd: number): void {
    this.evaluated(keep, promptEnd);
    this.lastInput = null;
  }
}
