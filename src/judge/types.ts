// The judge package's types: a judge model grades answers (MT-Bench single / reference / pairwise,
// G-Eval, OpenAI-evals classification); a sample it cannot grade is `unscored` with the reason.

export type JudgeKind = 'single' | 'reference' | 'pairwise' | 'geval' | 'classify';
export const JUDGE_KINDS: readonly JudgeKind[] = ['single', 'reference', 'pairwise', 'geval', 'classify'];

export interface JudgeSpec {
  kind: JudgeKind;
  /** Judge model id, e.g. openai:gpt-4o-mini (the caller creates the Provider). */
  model: string;
  /** A Jinja template file overriding the built-in one for this kind (our template layer: src/tasks/template.ts compileTemplate). */
  template?: string;
  /** Rating scale (single/reference/geval), default [1, 10]. */
  scale?: [number, number];
  /** classify: choice string → score, e.g. {A: 0.4, B: 0.6, C: 1, D: 0, E: 1} (factuality). */
  choices?: Record<string, number>;
  /** classify: reason first, then the choice on the last line. */
  reasoning?: boolean;
  /** geval: samples for the fallback when the backend gives no logprobs (default 5; temperature 1). */
  samples?: number;
  /** pairwise: judge both orders (default true). */
  swap?: boolean;
  temperature?: number;
  maxTokens?: number;
  /** Use the backend's structured output (json_schema / llama grammar) when it has it (default true). */
  structured?: boolean;
  /** Built-in template name for classify: 'closedqa' | 'factuality' (or a custom template). */
  preset?: string;
}

export interface JudgeInput {
  question: string;
  answer: string;
  reference?: string;
  /** pairwise: the second answer */
  answerB?: string;
  criteria?: string;
}

export type Verdict =
  | {
      status: 'scored';
      score: number;
      /** how: 'rating', 'logprob-weighted', 'sample-mean', 'choice', 'panel-mean', ... */
      method: string;
      raw: string[];
      choice?: string;
      distribution?: Record<string, number>;
    }
  | { status: 'unscored'; reason: string; raw: string[] };

export type PairWinner = 'A' | 'B' | 'tie';

export type PairVerdict =
  | {
      status: 'scored';
      /** after the swap: A, B or tie */
      winner: PairWinner;
      /** false when the two orders disagree (then winner = 'tie') */
      consistent: boolean;
      raw: string[];
      /** each order's verdict, mapped back to the original positions */
      orders: PairWinner[];
    }
  | { status: 'unscored'; reason: string; raw: string[] };

export interface JudgeIdentity {
  model: string;
  kind: JudgeKind;
  templateHash: string;
  params: Record<string, string | number | boolean | null>;
}

export interface GradeOptions {
  signal?: AbortSignal;
}

export interface Judge {
  readonly identity: JudgeIdentity;
  /** single / reference / geval / classify. */
  grade(inputs: readonly JudgeInput[], options?: GradeOptions): Promise<Verdict[]>;
  /** pairwise. */
  compare(inputs: readonly JudgeInput[], options?: GradeOptions): Promise<PairVerdict[]>;
}
