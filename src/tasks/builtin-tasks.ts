// Built-in task definitions transcribed from lm-evaluation-harness's task YAMLs (lm_eval/tasks/
// {mmlu,piqa,super_glue/boolq,winogrande,lambada,gsm8k}) @ 4e7e0d47, with loaders that turn the
// original distribution files into the Hugging Face rows the harness reads.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, UsageError } from '../core/errors.js';
import { loadDataset, type DataRecord } from '../data/loaders.js';
import type { FewshotSamplerName } from './fewshot.js';
import type { Doc, TaskSpec } from './requests.js';

export interface TaskSplits {
  eval: DataRecord[];
  fewshot?: DataRecord[];
  /** Whether the few-shot split is the eval split. */
  sameSplit: boolean;
}

export interface BuiltinTask {
  spec: TaskSpec;
  /** The YAML's num_fewshot (0 when unset). */
  numFewshot: number;
  sampler: FewshotSamplerName;
  /** Reads the original files under `dataDir` (the layout of shared/datasets). */
  load(dataDir: string): Promise<TaskSplits>;
}

export const MMLU_SUBJECTS = ['abstract_algebra', 'high_school_geography', 'college_medicine'] as const;

const MMLU_COLUMNS = ['question', 'A', 'B', 'C', 'D', 'answer'];

async function mmluRows(file: string, subject: string): Promise<DataRecord[]> {
  const { records } = await loadDataset(file, { format: 'csv', columns: MMLU_COLUMNS });
  return records.map((r, i) => {
    const answer = 'ABCD'.indexOf(String(r.answer));
    if (answer < 0 || String(r.answer).length !== 1) throw new InputError(`answer "${String(r.answer)}" is not one of A, B, C, D`, { file, line: i + 1, field: 'answer' });
    return { question: r.question, subject, choices: [r.A, r.B, r.C, r.D], answer };
  });
}

function mmlu(subject: string): BuiltinTask {
  return {
    spec: {
      name: `mmlu_${subject}`,
      outputType: 'multiple_choice',
      description: `The following are multiple choice questions (with answers) about {{subject|replace('_', ' ')}}.\n\n`,
      docToText: '{{question.strip()}}\nA. {{choices[0]}}\nB. {{choices[1]}}\nC. {{choices[2]}}\nD. {{choices[3]}}\nAnswer:',
      docToChoice: ['A', 'B', 'C', 'D'],
      docToTarget: 'answer',
    },
    numFewshot: 0,
    sampler: 'first_n',
    async load(dataDir) {
      return {
        eval: await mmluRows(join(dataDir, 'mmlu/data/test', `${subject}_test.csv`), subject),
        fewshot: await mmluRows(join(dataDir, 'mmlu/data/dev', `${subject}_dev.csv`), subject),
        sameSplit: false,
      };
    },
  };
}

async function jsonl(file: string): Promise<DataRecord[]> {
  return (await loadDataset(file, { format: 'jsonl' })).records;
}

async function labels(file: string, count: number): Promise<number[]> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines.length !== count) throw new InputError(`has ${lines.length} labels but the data file has ${count} rows; they must be line-aligned`, { file });
  return lines.map((l, i) => {
    if (!/^\d+$/.test(l.trim())) throw new InputError(`label "${l}" is not an integer`, { file, line: i + 1 });
    return Number(l.trim());
  });
}

// lm_eval/tasks/winogrande/preprocess_winogrande.py, in TypeScript.
function blank(doc: Doc): { sentence: string; idx: number } {
  const sentence = String(doc.sentence);
  const idx = sentence.indexOf('_');
  if (idx < 0) throw new InputError(`winogrande sentence has no "_": ${JSON.stringify(sentence)}`);
  return { sentence, idx };
}

const BUILTINS: Record<string, BuiltinTask> = {
  ...Object.fromEntries(MMLU_SUBJECTS.map((s) => [`mmlu_${s}`, mmlu(s)])),
  piqa: {
    spec: {
      name: 'piqa',
      outputType: 'multiple_choice',
      docToText: 'Question: {{goal}}\nAnswer:',
      docToTarget: 'label',
      docToChoice: '{{[sol1, sol2]}}',
    },
    numFewshot: 0,
    sampler: 'default',
    async load(dataDir) {
      const rows = await jsonl(join(dataDir, 'piqa/valid.jsonl'));
      const ls = await labels(join(dataDir, 'piqa/valid-labels.lst'), rows.length);
      return { eval: rows.map((r, i) => ({ goal: r.goal, sol1: r.sol1, sol2: r.sol2, label: ls[i] })), sameSplit: false };
    },
  },
  boolq: {
    spec: {
      name: 'boolq',
      outputType: 'multiple_choice',
      docToText: '{{passage}}\nQuestion: {{question}}?\nAnswer:',
      docToTarget: 'label',
      docToChoice: ['no', 'yes'],
    },
    numFewshot: 0,
    sampler: 'default',
    async load(dataDir) {
      const rows = await jsonl(join(dataDir, 'boolq/dev.jsonl'));
      return {
        eval: rows.map((r, i) => ({ question: r.question, passage: `${String(r.title)} -- ${String(r.passage)}`, idx: i, label: r.answer === true ? 1 : 0 })),
        sameSplit: false,
      };
    },
  },
  winogrande: {
    spec: {
      name: 'winogrande',
      outputType: 'multiple_choice',
      docToText: (doc) => {
        const answer = ({ '1': 0, '2': 1 } as Record<string, number>)[String(doc.answer)];
        if (answer === undefined) throw new InputError(`winogrande answer "${String(doc.answer)}" is not "1" or "2"`);
        return answer;
      },
      docToTarget: (doc) => {
        const { sentence, idx } = blank(doc);
        return sentence.slice(idx + 1).trim();
      },
      docToChoice: (doc) => {
        const { sentence, idx } = blank(doc);
        return [String(doc.option1), String(doc.option2)].map((o) => sentence.slice(0, idx) + o);
      },
    },
    numFewshot: 0,
    sampler: 'default',
    async load(dataDir) {
      const rows = await jsonl(join(dataDir, 'winogrande/dev.jsonl'));
      return { eval: rows.map((r) => ({ sentence: r.sentence, option1: r.option1, option2: r.option2, answer: r.answer })), sameSplit: false };
    },
  },
  lambada_openai: {
    spec: {
      name: 'lambada_openai',
      outputType: 'loglikelihood',
      docToText: "{{text.split(' ')[:-1]|join(' ')}}",
      docToTarget: "{{' '+text.split(' ')[-1]}}",
    },
    numFewshot: 0,
    sampler: 'default',
    async load(dataDir) {
      return { eval: await jsonl(join(dataDir, 'lambada_openai/lambada_test.jsonl')), sameSplit: false };
    },
  },
  gsm8k: {
    spec: {
      name: 'gsm8k',
      outputType: 'generate_until',
      docToText: 'Question: {{question}}\nAnswer:',
      docToTarget: '{{answer}}',
      until: ['Question:', '</s>', '<|im_end|>'],
    },
    numFewshot: 5,
    sampler: 'default',
    async load(dataDir) {
      return {
        eval: await jsonl(join(dataDir, 'gsm8k/test.jsonl')),
        fewshot: await jsonl(join(dataDir, 'gsm8k/train.jsonl')),
        sameSplit: false,
      };
    },
  },
};

export const BUILTIN_TASK_NAMES = Object.keys(BUILTINS);

export function getBuiltinTask(name: string): BuiltinTask {
  const task = BUILTINS[name];
  if (task === undefined) throw new UsageError(`unknown built-in task "${name}"; valid: ${BUILTIN_TASK_NAMES.join(', ')}`);
  return task;
}
