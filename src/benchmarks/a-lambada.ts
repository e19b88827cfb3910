// LAMBADA (OpenAI's detokenised test set) as lm-evaluation-harness's lambada_openai.yaml
// (lm_eval/tasks/lambada @ 4e7e0d47): the last space-separated word scored by loglikelihood.
import { join } from 'node:path';
import { builtinConfig, mapHubRows, readReleaseFile, splitsSource, stringField } from './a-sources.js';
import type { BenchmarkTask } from './types.js';

// lambada/lambada_openai.yaml, verbatim.
const YAML = String.raw`tag:
  - lambada
task: lambada_openai
dataset_path: EleutherAI/lambada_openai
dataset_name: default
output_type: loglikelihood
test_split: test
doc_to_text: "{{text.split(' ')[:-1]|join(' ')}}"
doc_to_target: "{{' '+text.split(' ')[-1]}}"
should_decontaminate: true
doc_to_decontamination_query: "{{text}}"
metric_list:
  - metric: perplexity
    aggregation: perplexity
    higher_is_better: false
  - metric: acc
    aggregation: mean
    higher_is_better: true
metadata:
  version: 1.0
`;

const config = builtinConfig('lambada_openai', YAML);

export const LAMBADA_OPENAI: BenchmarkTask = {
  name: 'lambada_openai',
  get config() {
    return config();
  },
  // lambada_test.jsonl is the file behind EleutherAI/lambada_openai `default`: one {text} per line.
  async load(dataDir) {
    const test = await readReleaseFile(join(dataDir, 'lambada_openai/lambada_test.jsonl'), { format: 'jsonl' });
    return splitsSource(test, test.records.map((_, i) => ({ text: stringField(test, i, 'text') })));
  },
  fromHub: (rows) => mapHubRows('EleutherAI/lambada_openai', rows, (_, check) => ({ text: check.string('text') })),
};
