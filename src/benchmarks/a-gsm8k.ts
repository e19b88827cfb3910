// GSM8K as lm-evaluation-harness's gsm8k.yaml (lm_eval/tasks/gsm8k @ 4e7e0d47): 5-shot from
// train with the random sampler, strict-match and flexible-extract filters, exact_match.
import { join } from 'node:path';
import { builtinConfig, mapHubRows, readReleaseFile, splitsSource, stringField, type ReleaseFile } from './a-sources.js';
import type { BenchmarkTask } from './types.js';

// gsm8k/gsm8k.yaml, verbatim.
const YAML = String.raw`tag:
  - math_word_problems
task: gsm8k
dataset_path: openai/gsm8k
dataset_name: main
output_type: generate_until
training_split: train
fewshot_split: train
test_split: test
doc_to_text: "Question: {{question}}\nAnswer:"
doc_to_target: "{{answer}}" #" {{answer.split('### ')[-1].rstrip()}}"
metric_list:
  - metric: exact_match
    aggregation: mean
    higher_is_better: true
    ignore_case: true
    ignore_punctuation: false
    regexes_to_ignore:
      - ","
      - "\\$"
      - "(?s).*#### "
      - "\\.$"
generation_kwargs:
  until:
    - "Question:"
    - "</s>"
    - "<|im_end|>"
  do_sample: false
  temperature: 0.0
repeats: 1
num_fewshot: 5
filter_list:
  - name: "strict-match"
    filter:
      - function: "regex"
        regex_pattern: "#### (\\-?[0-9\\.\\,]+)"
      - function: "take_first"
  - name: "flexible-extract"
    filter:
      - function: "regex"
        group_select: -1
        regex_pattern: "(-?[$0-9.,]{2,})|(-?[0-9]+)"
      - function: "take_first"
metadata:
  version: 3.0
`;

const config = builtinConfig('gsm8k', YAML);

/** The release JSON Lines rows are the openai/gsm8k `main` rows: {question, answer}. */
function rows(source: ReleaseFile): Record<string, unknown>[] {
  return source.records.map((_, i) => ({ question: stringField(source, i, 'question'), answer: stringField(source, i, 'answer') }));
}

export const GSM8K: BenchmarkTask = {
  name: 'gsm8k',
  get config() {
    return config();
  },
  async load(dataDir) {
    const test = await readReleaseFile(join(dataDir, 'gsm8k/test.jsonl'), { format: 'jsonl' });
    const train = await readReleaseFile(join(dataDir, 'gsm8k/train.jsonl'), { format: 'jsonl' });
    return splitsSource(test, rows(test), { fewshot: rows(train), fewshotFile: train });
  },
  fromHub: (hubRows) => mapHubRows('openai/gsm8k', hubRows, (_, check) => ({ question: check.string('question'), answer: check.string('answer') })),
};
