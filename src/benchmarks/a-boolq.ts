// BoolQ as lm-evaluation-harness's super_glue/boolq/default.yaml (@ 4e7e0d47), which reads the
// SuperGLUE layout (aps/super_glue `boolq`), built here from the original BoolQ dev.jsonl.
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import { builtinConfig, mapHubRows, readReleaseFile, splitsSource, stringField } from './a-sources.js';
import type { BenchmarkTask } from './types.js';

// super_glue/boolq/default.yaml, verbatim.
const YAML = String.raw`tag:
  - super-glue-lm-eval-v1
task: boolq
dataset_path: aps/super_glue
dataset_name: boolq
output_type: multiple_choice
training_split: train
validation_split: validation
doc_to_text: "{{passage}}\nQuestion: {{question}}?\nAnswer:"
doc_to_target: label
doc_to_choice: ["no", "yes"]
should_decontaminate: true
doc_to_decontamination_query: passage
metric_list:
  - metric: acc
metadata:
  version: 2.0
`;

const config = builtinConfig('boolq', YAML);

export const BOOLQ: BenchmarkTask = {
  name: 'boolq',
  get config() {
    return config();
  },
  // Original {question, title, answer: bool, passage} at row i → SuperGLUE
  // {question, passage: title + " -- " + passage, idx: i, label: int(answer)}.
  async load(dataDir) {
    const dev = await readReleaseFile(join(dataDir, 'boolq/dev.jsonl'), { format: 'jsonl' });
    const docs = dev.records.map((record, i) => {
      const answer = record.answer;
      if (typeof answer !== 'boolean') throw new InputError(`expected true or false, got ${answer === undefined ? 'no such field' : JSON.stringify(answer)}`, { file: dev.file, line: dev.lines[i], field: 'answer' });
      return { question: stringField(dev, i, 'question'), passage: `${stringField(dev, i, 'title')} -- ${stringField(dev, i, 'passage')}`, idx: i, label: answer ? 1 : 0 };
    });
    return splitsSource(dev, docs);
  },
  fromHub: (rows) =>
    mapHubRows('aps/super_glue boolq', rows, (_, check) => ({
      question: check.string('question'),
      passage: check.string('passage'),
      idx: check.integer('idx'),
      label: check.integer('label', 2),
    })),
};
