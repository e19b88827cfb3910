// Model-graded assertions as promptfoo's llmRubric.ts, factuality.ts and geval.ts, through an
// injected grader (src/judge adapts its Verdicts: score normalised to [0, 1], null = unscored).
// Differences: llm-rubric passes at score ≥ threshold (promptfoo trusts the judge's own `pass`);
// factuality without a threshold passes when the choice scores above 0 (promptfoo: every category
// but "disagrees"); an unscored verdict is an error, not a 0.
import { errorOutcome, type AssertionHandler, type AssertionInput, type AssertionOutcome, type GradeInput } from './types.js';

export const GRADED_DEFAULT_THRESHOLDS = { 'llm-rubric': 0.5, 'g-eval': 0.7 } as const;

type Graded = { ok: true; score: number; reason: string } | { ok: false; outcome: AssertionOutcome };

async function grade(input: AssertionInput, what: GradeInput): Promise<Graded> {
  const grader = input.context.grade;
  if (!grader) return { ok: false, outcome: errorOutcome(`${input.spec.type} needs a grader (a judge model), and none was given`) };
  try {
    const verdict = await grader(input.spec, what);
    if (verdict.score === null || !Number.isFinite(verdict.score)) return { ok: false, outcome: errorOutcome(`unscored: ${verdict.reason}`) };
    return { ok: true, score: verdict.score, reason: verdict.reason };
  } catch (error) {
    return { ok: false, outcome: errorOutcome(`grader failed: ${error instanceof Error ? error.message : String(error)}`) };
  }
}

/** pass = score ≥ threshold; `not-` flips pass and reports 1 - score clamped to [0, 1]. */
function thresholdOutcome(score: number, threshold: number, inverse: boolean, reason: string): AssertionOutcome {
  const pass = score >= threshold !== inverse;
  const shown = inverse ? Math.min(1, Math.max(0, 1 - score)) : score;
  return { pass, score: shown, reason };
}

const llmRubric: AssertionHandler = {
  check: (spec) => (typeof spec.value === 'string' && spec.value.trim() !== '' ? undefined : 'value must be the rubric text'),
  async run(input) {
    const graded = await grade(input, { question: input.context.prompt, answer: input.output, criteria: String(input.value) });
    if (!graded.ok) return graded.outcome;
    return thresholdOutcome(graded.score, input.spec.threshold ?? GRADED_DEFAULT_THRESHOLDS['llm-rubric'], input.inverse, graded.reason);
  },
};

const factuality: AssertionHandler = {
  check: (spec) => (typeof spec.value === 'string' && spec.value.trim() !== '' ? undefined : 'value must be the reference answer'),
  async run(input) {
    const graded = await grade(input, { question: input.context.prompt, answer: input.output, reference: String(input.value) });
    if (!graded.ok) return graded.outcome;
    const { threshold } = input.spec;
    if (threshold !== undefined) return thresholdOutcome(graded.score, threshold, input.inverse, graded.reason);
    // promptfoo: a choice passes when its score is above 0 (A, B, C, E; not D "disagrees").
    const pass = graded.score > 0 !== input.inverse;
    return { pass, score: input.inverse ? Math.min(1, Math.max(0, 1 - graded.score)) : graded.score, reason: graded.reason };
  },
};

const gEval: AssertionHandler = {
  check(spec) {
    const v = spec.value;
    if (typeof v === 'string' && v.trim() !== '') return undefined;
    if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x.trim() !== '')) return undefined;
    return 'value must be the evaluation criteria: a string or a non-empty list of strings';
  },
  async run(input) {
    const threshold = input.spec.threshold ?? GRADED_DEFAULT_THRESHOLDS['g-eval'];
    const criteria = Array.isArray(input.value) ? input.value.map(String) : [String(input.value)];
    const scores: number[] = [];
    const reasons: string[] = [];
    for (const criterion of criteria) {
      const graded = await grade(input, { question: input.context.prompt, answer: input.output, criteria: criterion });
      if (!graded.ok) return graded.outcome;
      scores.push(graded.score);
      // promptfoo keeps the reasons of the criteria that fell short (all of one criterion's).
      if (criteria.length === 1 || graded.score < threshold) reasons.push(graded.reason);
    }
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    return thresholdOutcome(mean, threshold, input.inverse, reasons.join('\n'));
  },
};

export const GRADED_ASSERTIONS = {
  'llm-rubric': llmRubric,
  factuality,
  'g-eval': gEval,
} satisfies Record<string, AssertionHandler>;
