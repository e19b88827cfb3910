// PIQA as lm-evaluation-harness's piqa.yaml (lm_eval/tasks/piqa @ 4e7e0d47), read from the
// original valid.jsonl and its line-aligned valid-labels.lst.
import { join } from 'node:path';
import { builtinConfig, mapHubRows, readLabels, readReleaseFile, splitsSource, stringField } from './a-sources.js';
import type { BenchmarkTask } from './types.js';

// piqa/piqa.yaml, verbatim.
const YAML = String.raw`task: piqa
dataset_path: baber/piqa
dataset_name: null
output_type: multiple_choice
training_split: train
validation_split: validation
test_split: null
doc_to_text: "Question: {{goal}}\nAnswer:"
doc_to_target: label
doc_to_choice: "{{[sol1, sol2]}}"
should_decontaminate: true
doc_to_decontamination_query: goal
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

const config = builtinConfig('piqa', YAML);

export const PIQA: BenchmarkTask = {
  name: 'piqa',
  get config() {
    return config();
  },
  // baber/piqa `validation` row i = valid.jsonl line i {goal, sol1, sol2} + label = int(valid-labels.lst line i).
  async load(dataDir) {
    const valid = await readReleaseFile(join(dataDir, 'piqa/valid.jsonl'), { format: 'jsonl' });
    const { labels, hash } = await readLabels(join(dataDir, 'piqa/valid-labels.lst'), valid, 2);
    const docs = valid.records.map((_, i) => ({ goal: stringField(valid, i, 'goal'), sol1: stringField(valid, i, 'sol1'), sol2: stringField(valid, i, 'sol2'), label: labels[i] }));
    return splitsSource(valid, docs, { extraHashes: [hash] });
  },
  fromHub: (rows) =>
    mapHubRows('baber/piqa', rows, (_, check) => ({ goal: check.string('goal'), sol1: check.string('sol1'), sol2: check.string('sol2'), label: check.integer('label', 2) })),
};
