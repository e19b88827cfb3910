// ARC-Easy and ARC-Challenge as lm-evaluation-harness's lm_eval/tasks/arc (arc_easy.yaml,
// arc_challenge.yaml) @ 4e7e0d47, reading AI2's ARC-V1 jsonl files as HF allenai/ai2_arc does.
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import type { DataRecord } from '../data/loaders.js';
import { builtinConfig, mapHubRows, readReleaseFile, splitsSource, stringField, type ReleaseFile } from './a-sources.js';
import { at, exists, isParallelLists, isString } from './b-sources.js';
import type { BenchmarkTask } from './types.js';

// arc_easy.yaml; arc_challenge.yaml is `include: arc_easy.yaml` with its own task and
// dataset_name, merged here into one text (the include cannot be resolved beside a built-in).
function arcYaml(task: string, datasetName: string): string {
  return String.raw`tag:
  - ai2_arc
task: ${task}
dataset_path: allenai/ai2_arc
dataset_name: ${datasetName}
output_type: multiple_choice
training_split: train
validation_split: validation
test_split: test
doc_to_text: "Question: {{question}}\nAnswer:"
doc_to_target: "{{choices.label.index(answerKey)}}"
doc_to_choice: "{{choices.text}}"
should_decontaminate: true
doc_to_decontamination_query: "Question: {{question}}\nAnswer:"
metric_list:
  - metric: acc
    aggregation: mean
    higher_is_better: true
  - metric: acc_norm
    aggregation: mean
    higher_is_better: true
metadata:
  version: 1.0
`;
}

/** One line of ARC-*-{Train,Dev,Test}.jsonl as HF allenai/ai2_arc's loading script yields it. */
export function arcHubRow(source: ReleaseFile, i: number): DataRecord {
  const data = source.records[i]!;
  const question = data.question;
  if (typeof question !== 'object' || question === null || Array.isArray(question)) {
    throw new InputError(`expected an object {"stem", "choices"}, got ${JSON.stringify(question)}`, at(source, i, 'question'));
  }
  const q = question as DataRecord;
  if (typeof q.stem !== 'string') throw new InputError(`expected a string, got ${JSON.stringify(q.stem)}`, at(source, i, 'question.stem'));
  const choices = q.choices;
  if (!Array.isArray(choices)) throw new InputError(`expected a list of {"text", "label"}, got ${JSON.stringify(choices)}`, at(source, i, 'question.choices'));
  const text: string[] = [];
  const label: string[] = [];
  choices.forEach((c: unknown, j) => {
    const choice = (typeof c === 'object' && c !== null ? c : {}) as DataRecord;
    if (typeof choice.text !== 'string' || typeof choice.label !== 'string') {
      throw new InputError(`expected {"text": string, "label": string}, got ${JSON.stringify(c)}`, at(source, i, `question.choices[${j}]`));
    }
    text.push(choice.text);
    label.push(choice.label);
  });
  return {
    id: stringField(source, i, 'id'),
    question: q.stem,
    choices: { text, label },
    answerKey: stringField(source, i, 'answerKey'),
  };
}

function arc(task: 'arc_easy' | 'arc_challenge', datasetName: 'ARC-Easy' | 'ARC-Challenge'): BenchmarkTask {
  const config = builtinConfig(task, arcYaml(task, datasetName));
  return {
    name: task,
    get config() {
      return config();
    },
    async load(dataDir) {
      const dir = join(dataDir, 'arc', datasetName);
      const test = await readReleaseFile(join(dir, `${datasetName}-Test.jsonl`), { format: 'jsonl' });
      const trainFile = join(dir, `${datasetName}-Train.jsonl`);
      const train = (await exists(trainFile)) ? await readReleaseFile(trainFile, { format: 'jsonl' }) : undefined;
      const rows = (source: ReleaseFile) => source.records.map((_, i) => arcHubRow(source, i));
      return splitsSource(test, rows(test), train === undefined ? {} : { fewshot: rows(train), fewshotFile: train });
    },
    // allenai/ai2_arc rows are the documents already; the fields the prompt reads are checked.
    fromHub: (rows) =>
      mapHubRows(`allenai/ai2_arc (${datasetName})`, rows, (row, check) => {
        check.string('question');
        check.string('answerKey');
        if (!isParallelLists(row.choices, { text: isString, label: isString })) check.fail('choices', 'an object {"text": [strings], "label": [strings]} with lists of equal length');
        return {};
      }),
  };
}

export const ARC_EASY = arc('arc_easy', 'ARC-Easy');
export const ARC_CHALLENGE = arc('arc_challenge', 'ARC-Challenge');
