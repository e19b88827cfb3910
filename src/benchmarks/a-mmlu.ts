// MMLU as lm-evaluation-harness's default variant (lm_eval/tasks/mmlu/default @ 4e7e0d47):
// _default_template_yaml plus one YAML per subject, and the four category groups under `mmlu`.
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import type { DataRecord } from '../data/loaders.js';
import { builtinConfig, mapHubRows, readReleaseFile, splitsSource, stringField, type ReleaseFile } from './a-sources.js';
import type { BenchmarkGroup, BenchmarkTask } from './types.js';

export const MMLU_CATEGORIES = ['stem', 'other', 'social_sciences', 'humanities'] as const;
export type MmluCategory = (typeof MMLU_CATEGORIES)[number];

/** Every subject and its category (the `tag: mmlu_<category>_tasks` of its harness YAML), in file order. */
export const MMLU_SUBJECT_CATEGORIES: Readonly<Record<string, MmluCategory>> = {
  abstract_algebra: 'stem',
  anatomy: 'stem',
  astronomy: 'stem',
  business_ethics: 'other',
  clinical_knowledge: 'other',
  college_biology: 'stem',
  college_chemistry: 'stem',
  college_computer_science: 'stem',
  college_mathematics: 'stem',
  college_medicine: 'other',
  college_physics: 'stem',
  computer_security: 'stem',
  conceptual_physics: 'stem',
  econometrics: 'social_sciences',
  electrical_engineering: 'stem',
  elementary_mathematics: 'stem',
  formal_logic: 'humanities',
  global_facts: 'other',
  high_school_biology: 'stem',
  high_school_chemistry: 'stem',
  high_school_computer_science: 'stem',
  high_school_european_history: 'humanities',
  high_school_geography: 'social_sciences',
  high_school_government_and_politics: 'social_sciences',
  high_school_macroeconomics: 'social_sciences',
  high_school_mathematics: 'stem',
  high_school_microeconomics: 'social_sciences',
  high_school_physics: 'stem',
  high_school_psychology: 'social_sciences',
  high_school_statistics: 'stem',
  high_school_us_history: 'humanities',
  high_school_world_history: 'humanities',
  human_aging: 'other',
  human_sexuality: 'social_sciences',
  international_law: 'humanities',
  jurisprudence: 'humanities',
  logical_fallacies: 'humanities',
  machine_learning: 'stem',
  management: 'other',
  marketing: 'other',
  medical_genetics: 'other',
  miscellaneous: 'other',
  moral_disputes: 'humanities',
  moral_scenarios: 'humanities',
  nutrition: 'other',
  philosophy: 'humanities',
  prehistory: 'humanities',
  professional_accounting: 'other',
  professional_law: 'humanities',
  professional_medicine: 'other',
  professional_psychology: 'social_sciences',
  public_relations: 'social_sciences',
  security_studies: 'social_sciences',
  sociology: 'social_sciences',
  us_foreign_policy: 'social_sciences',
  virology: 'other',
  world_religions: 'humanities',
};

// mmlu/default/_default_template_yaml, verbatim.
const DEFAULT_TEMPLATE = String.raw`dataset_path: cais/mmlu
test_split: test
fewshot_split: dev
fewshot_config:
  sampler: first_n
output_type: multiple_choice
doc_to_text: "{{question.strip()}}\nA. {{choices[0]}}\nB. {{choices[1]}}\nC. {{choices[2]}}\nD. {{choices[3]}}\nAnswer:"
doc_to_choice: ["A", "B", "C", "D"]
doc_to_target: answer
metric_list:
  - metric: acc
    aggregation: mean
    higher_is_better: true
metadata:
  version: 1.0
`;

/** mmlu/default/mmlu_<subject>.yaml with its `include` inlined (the subject's keys after the template's, as the harness merges them). */
function subjectYaml(subject: string, category: MmluCategory): string {
  const description = `The following are multiple choice questions (with answers) about ${subject.replaceAll('_', ' ')}.\n\n`;
  return `${DEFAULT_TEMPLATE}dataset_name: "${subject}"
description: ${JSON.stringify(description)}
tag: "mmlu_${category}_tasks"
task: "mmlu_${subject}"
task_alias: "${subject}"
`;
}

const LETTERS = ['A', 'B', 'C', 'D'];

/**
 * A headerless release CSV (question, A, B, C, D, answer letter), parsed as Python's csv.reader,
 * to cais/mmlu rows: {question, subject, choices: [A, B, C, D], answer: index of the letter}.
 */
function releaseRows(source: ReleaseFile, subject: string): DataRecord[] {
  return source.records.map((_, i) => {
    const [question, a, b, c, d, letter] = ['question', ...LETTERS, 'answer'].map((field) => stringField(source, i, field));
    const answer = LETTERS.indexOf(letter!);
    if (answer < 0) throw new InputError(`answer ${JSON.stringify(letter)} is not one of A, B, C, D`, { file: source.file, line: source.lines[i], field: 'answer' });
    return { question, subject, choices: [a, b, c, d], answer };
  });
}

function mmluTask(subject: string, category: MmluCategory): BenchmarkTask {
  const name = `mmlu_${subject}`;
  const config = builtinConfig(name, subjectYaml(subject, category));
  return {
    name,
    get config() {
      return config();
    },
    async load(dataDir) {
      const read = (split: 'test' | 'dev') => readReleaseFile(join(dataDir, 'mmlu/data', split, `${subject}_${split}.csv`), { format: 'csv', columns: ['question', ...LETTERS, 'answer'] });
      const [test, dev] = [await read('test'), await read('dev')];
      return splitsSource(test, releaseRows(test, subject), { fewshot: releaseRows(dev, subject), fewshotFile: dev });
    },
    // cais/mmlu rows have the harness's shape already; `answer` is a ClassLabel (A-D) read as an integer.
    fromHub: (rows) =>
      mapHubRows('cais/mmlu', rows, (row, check) => {
        const choices = row.choices;
        if (!Array.isArray(choices) || choices.length !== 4 || choices.some((c) => typeof c !== 'string')) check.fail('choices', 'a list of 4 strings');
        return { question: check.string('question'), subject: check.string('subject'), choices, answer: check.integer('answer', 4) };
      }),
  };
}

export const MMLU_TASKS: BenchmarkTask[] = Object.entries(MMLU_SUBJECT_CATEGORIES).map(([subject, category]) => mmluTask(subject, category));

// _mmlu.yaml and _mmlu_<category>.yaml: each category group is its tag's tasks, `mmlu` the four
// groups in the harness's order; every group averages acc weighted by size.
export const MMLU_GROUPS: BenchmarkGroup[] = [
  ...MMLU_CATEGORIES.map((category) => ({
    name: `mmlu_${category}`,
    members: Object.entries(MMLU_SUBJECT_CATEGORIES)
      .filter(([, c]) => c === category)
      .map(([subject]) => `mmlu_${subject}`),
    metrics: ['acc'],
  })),
  { name: 'mmlu', members: MMLU_CATEGORIES.map((c) => `mmlu_${c}`), metrics: ['acc'] },
];
