// The assertion contract (after promptfoo's `Assertion` / `GradingResult`): a spec from the suite,
// the context the engine knows about one output, and a result that is data, never an exception.

/** One assertion as a suite writes it; `type` may carry the `not-` prefix. */
export interface AssertionSpec {
  type: string;
  value?: unknown;
  threshold?: number;
  /** Share of the test's weighted score (default 1); 0 makes the assertion metric-only (never fails). */
  weight?: number;
  /** Named metric the score is also reported under (weighted mean per name). */
  metric?: string;
}

/** What a grader (an LLM judge) is asked about one output. */
export interface GradeInput {
  question: string;
  answer: string;
  reference?: string;
  criteria?: string;
}

/** A grader's verdict: `score` normalised to [0, 1], or null when the judge gave no usable score. */
export interface GradeOutcome {
  score: number | null;
  reason: string;
}

export interface AssertionContext {
  vars: Record<string, unknown>;
  prompt: string;
  latencyMs?: number;
  costUsd?: number;
  /** Log-probabilities of the output's tokens (natural log). */
  logprobs?: number[];
  embed?: (texts: string[]) => Promise<number[][]>;
  grade?: (spec: AssertionSpec, input: GradeInput) => Promise<GradeOutcome>;
}

export interface AssertionResult {
  type: string;
  pass: boolean;
  score: number;
  reason: string;
  weight: number;
  metric?: string;
  /** The assertion could not be evaluated (missing latency, logprobs, embedder, grader, crashed script). */
  error?: boolean;
}

/** What a handler computes; runAssertion adds type, weight and metric. */
export interface AssertionOutcome {
  pass: boolean;
  score: number;
  reason: string;
  error?: boolean;
}

export interface AssertionInput {
  spec: AssertionSpec;
  /** The spec's value after `{{ var }}` rendering. */
  value: unknown;
  output: string;
  context: AssertionContext;
  /** The type had the `not-` prefix. */
  inverse: boolean;
}

/** One assertion type: checks the spec's value when a suite is loaded, then grades outputs. */
export interface AssertionHandler {
  /** A problem with the spec (as "value must be …"), or undefined when it is valid. */
  check?(spec: AssertionSpec): string | undefined;
  run(input: AssertionInput): AssertionOutcome | Promise<AssertionOutcome>;
}

/** A result that could not be evaluated: fails with the reason, flagged as an error. */
export function errorOutcome(reason: string): AssertionOutcome {
  return { pass: false, score: 0, reason, error: true };
}

/** The pass/fail outcome of a yes/no check, with promptfoo's reasons. */
export function booleanOutcome(pass: boolean, failReason: string): AssertionOutcome {
  return { pass, score: pass ? 1 : 0, reason: pass ? 'Assertion passed' : failReason };
}
