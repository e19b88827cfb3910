// Built-in judge prompts, our own wording in the spirit of MT-Bench's judge_prompts.jsonl
// (single-v1, single-ref, pair-v2), G-Eval's score-only form, OpenAI evals' closedqa and
// autoevals' Factuality. Each is a Jinja template (src/tasks/template.ts) over the variables
// listed in TEMPLATE_VARIABLES; a user's template file replaces the built-in one whole.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';
import { contentHash } from '../core/signature.js';
import { unknownNameMessage } from '../core/suggest.js';
import { type CompiledTemplate, compileTemplate } from '../tasks/template.js';
import type { JudgeKind } from './types.js';

/** Variables a judge template sees (optional ones only when the input has them). */
export const TEMPLATE_VARIABLES = [
  'question',
  'answer',
  'reference (reference, factuality; optional elsewhere)',
  'answer_a, answer_b (pairwise: the answers in the order shown)',
  'criteria (optional)',
  'scale_min, scale_max',
  'choices (list), choices_text ("A, B, C")',
  'reasoning, structured (booleans)',
] as const;

const RATING_TAIL = `{% if structured %}Reply with a JSON object: "explanation" (a short justification) first, then "rating" (a whole number from {{ scale_min }} to {{ scale_max }}).{% else %}First give a short explanation. Then write your rating, a number from {{ scale_min }} to {{ scale_max }}, on the last line inside double square brackets, like this: "Rating: [[{{ scale_min }}]]".{% endif %}`;

const SINGLE = `You are a fair and careful judge. Assess how good the AI assistant's answer to the question below is: how helpful, relevant, accurate, deep and detailed it is{% if criteria is defined %}, and above all this criterion: {{ criteria }}{% endif %}. Stay objective.
${RATING_TAIL}

[Question]
{{ question }}

[Assistant's answer begins]
{{ answer }}
[Assistant's answer ends]
`;

const REFERENCE = `You are a fair and careful judge. Assess how correct and helpful the AI assistant's answer to the question below is{% if criteria is defined %}, and above all this criterion: {{ criteria }}{% endif %}. A reference answer is given: compare the assistant's answer with it, and point out and correct any mistakes. Stay objective.
${RATING_TAIL}

[Question]
{{ question }}

[Reference answer begins]
{{ reference }}
[Reference answer ends]

[Assistant's answer begins]
{{ answer }}
[Assistant's answer ends]
`;

const PAIRWISE = `You are a fair and careful judge. Two AI assistants answered the question below. Decide which one followed the user's instructions and answered the question better{% if criteria is defined %}, above all on this criterion: {{ criteria }}{% else %} (helpfulness, relevance, accuracy, depth, detail){% endif %}.{% if reference is defined %} A reference answer is given: check both answers against it.{% endif %} The order in which the answers appear must not sway you, nor their length, nor the assistants' names. Stay objective.
{% if structured %}Reply with a JSON object: "explanation" (a short comparison) first, then "verdict": "A" if assistant A is better, "B" if assistant B is better, "C" for a tie.{% else %}First compare the two answers briefly. Then write your verdict on the last line: "[[A]]" if assistant A is better, "[[B]]" if assistant B is better, "[[C]]" for a tie.{% endif %}

[Question]
{{ question }}
{% if reference is defined %}
[Reference answer begins]
{{ reference }}
[Reference answer ends]
{% endif %}
[Assistant A's answer begins]
{{ answer_a }}
[Assistant A's answer ends]

[Assistant B's answer begins]
{{ answer_b }}
[Assistant B's answer ends]
`;

const GEVAL = `You will be shown a question and an answer to it. Rate the answer on one criterion.

Criterion:
{% if criteria is defined %}{{ criteria }}{% else %}Overall quality: the answer is correct, relevant to the question, complete and clearly written.{% endif %}

Read the question and the answer carefully, judge the answer against the criterion, and give a score from {{ scale_min }} (worst) to {{ scale_max }} (best).

Question:
{{ question }}
{% if reference is defined %}
Reference answer:
{{ reference }}
{% endif %}
Answer:
{{ answer }}

Reply with the score only, a whole number from {{ scale_min }} to {{ scale_max }}.
Score:`;

const CHOICE_TAIL = `{% if structured %}{% if reasoning %}Reply with a JSON object: "reasons" (your step-by-step reasoning) first, then "choice" (one of {{ choices_text }}).{% else %}Reply with a JSON object whose "choice" is one of {{ choices_text }}.{% endif %}{% elif reasoning %}Reason step by step first, so that your conclusion is right; do not state the answer at the start. Then write only the one choice from {{ choices_text }}, without quotes or punctuation, on a line of its own, and repeat that choice alone on the last line.
Reasoning:{% else %}Answer with only the one choice from {{ choices_text }}, without quotes, punctuation or other text.{% endif %}`;

const CLOSEDQA = `You are checking a submitted answer to a task against one criterion. The data:
[BEGIN DATA]
***
[Task]: {{ question }}
***
[Submission]: {{ answer }}
***
[Criterion]: {{ criteria }}
***
[END DATA]
Does the submission meet the criterion? Y means yes, N means no.
${CHOICE_TAIL}`;

const FACTUALITY = `You are comparing the facts in a submitted answer with those in an expert's answer to the same question. The data:
[BEGIN DATA]
************
[Question]: {{ question }}
************
[Expert]: {{ reference }}
************
[Submission]: {{ answer }}
************
[END DATA]

Compare only the factual content; differences of style, grammar or punctuation do not count. The submission may contain less than the expert answer, more than it, the same, or contradict it. Pick the case that applies:
(A) The submission is a subset of the expert answer and fully consistent with it.
(B) The submission is a superset of the expert answer and fully consistent with it.
(C) The submission contains the same details as the expert answer.
(D) The submission and the expert answer disagree.
(E) The answers differ, but the differences do not matter for factuality.
${CHOICE_TAIL}`;

export interface ClassifyPreset {
  template: string;
  choices: Record<string, number>;
  reasoning: boolean;
  /** Input fields the preset's template needs beyond question and answer. */
  needs: ReadonlyArray<'reference' | 'criteria'>;
}

/** closedqa: OpenAI evals closedqa.yaml (Y/N, cot_classify); factuality: autoevals Factuality's choice scores. */
export const CLASSIFY_PRESETS: Readonly<Record<string, ClassifyPreset>> = {
  closedqa: { template: CLOSEDQA, choices: { Y: 1, N: 0 }, reasoning: true, needs: ['criteria'] },
  factuality: { template: FACTUALITY, choices: { A: 0.4, B: 0.6, C: 1, D: 0, E: 1 }, reasoning: true, needs: ['reference'] },
};

export const BUILTIN_TEMPLATES: Readonly<Record<Exclude<JudgeKind, 'classify'>, string>> = {
  single: SINGLE,
  reference: REFERENCE,
  pairwise: PAIRWISE,
  geval: GEVAL,
};

export function classifyPreset(name: string): ClassifyPreset {
  const preset = CLASSIFY_PRESETS[name];
  if (preset === undefined) throw new ConfigError(unknownNameMessage('classify preset', name, Object.keys(CLASSIFY_PRESETS)), { field: 'preset' });
  return preset;
}

export interface JudgeTemplate {
  compiled: CompiledTemplate;
  /** `builtin:<name>` or the file path. */
  origin: string;
  hash: string;
}

/** The template for a judge: the user's file when given, else the built-in one for its kind/preset. */
export function loadJudgeTemplate(kind: JudgeKind, file: string | undefined, preset: string | undefined): JudgeTemplate {
  let source: string;
  let origin: string;
  if (file !== undefined) {
    try {
      source = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(`cannot read the judge template: ${(error as Error).message}`, { file, field: 'template' }, error);
    }
    origin = file;
  } else if (kind === 'classify') {
    if (preset === undefined) throw new ConfigError(`a classify judge needs a preset (${Object.keys(CLASSIFY_PRESETS).join(', ')}) or a template file`, { field: 'preset' });
    source = classifyPreset(preset).template;
    origin = `builtin:${preset}`;
  } else {
    source = BUILTIN_TEMPLATES[kind];
    origin = `builtin:${kind}`;
  }
  return { compiled: compileTemplate(source, { name: origin }), origin, hash: contentHash(source) };
}
