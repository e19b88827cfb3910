// Adapts src/judge's Judges to the grader that model-graded assertions call: a rating on the
// judge's scale [min, max] becomes (rating - min) / (max - min); a classify score (already a
// choice score in [0, 1]) is kept; an unscored verdict stays unscored with the judge's reason.
import type { Judge, JudgeIdentity, Verdict } from '../judge/index.js';
import { parseAssertionType } from './registry.js';
import type { AssertionContext, AssertionSpec, GradeInput, GradeOutcome } from './types.js';

/** Which judge grades which assertion type (a `single` or `reference` judge for llm-rubric, etc.). */
export type AssertionJudges = Partial<Record<'llm-rubric' | 'factuality' | 'g-eval', Judge>>;

function scaleOf(identity: JudgeIdentity): [number, number] | undefined {
  const { scaleMin, scaleMax } = identity.params;
  return typeof scaleMin === 'number' && typeof scaleMax === 'number' && scaleMax > scaleMin ? [scaleMin, scaleMax] : undefined;
}

const REASON_CHARS = 2000;

/** One verdict as a grade outcome. */
export function verdictOutcome(verdict: Verdict, identity: JudgeIdentity): GradeOutcome {
  if (verdict.status === 'unscored') return { score: null, reason: verdict.reason };
  const scale = scaleOf(identity);
  const score = scale ? (verdict.score - scale[0]) / (scale[1] - scale[0]) : verdict.score;
  const reply = (verdict.raw.at(-1) ?? '').trim();
  const on = scale ? ` on [${scale[0]}, ${scale[1]}]` : '';
  const head = `${identity.model} ${verdict.method} ${verdict.choice ?? verdict.score}${on}`;
  return { score, reason: reply === '' ? head : `${head}: ${reply.length > REASON_CHARS ? `${reply.slice(0, REASON_CHARS)}…` : reply}` };
}

/** The `grade` function of an AssertionContext, from the judges a suite configured. */
export function judgeGrader(judges: AssertionJudges): NonNullable<AssertionContext['grade']> {
  return async (spec: AssertionSpec, input: GradeInput): Promise<GradeOutcome> => {
    const { base } = parseAssertionType(spec.type);
    const judge = judges[base as keyof AssertionJudges];
    if (judge === undefined) throw new Error(`no judge is configured for ${base}`);
    const [verdict] = await judge.grade([input]);
    return verdictOutcome(verdict, judge.identity);
  };
}
