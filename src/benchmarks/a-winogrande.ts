// WinoGrande as lm-evaluation-harness's winogrande/default.yaml (@ 4e7e0d47) with its
// preprocess_winogrande.py hooks in TypeScript (partial scoring: one context per option).
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import type { TaskHooks } from '../engine/prepare.js';
import type { Doc } from '../tasks/requests.js';
import { builtinConfig, mapHubRows, readReleaseFile, splitsSource, stringField } from './a-sources.js';
import type { BenchmarkTask } from './types.js';

// winogrande/default.yaml, verbatim but for the three `!function preprocess_winogrande.*` tags,
// which name the hooks below (assay's task files refuse Python hooks).
const YAML = String.raw`task: winogrande
dataset_path: allenai/winogrande
dataset_name: winogrande_xl
output_type: multiple_choice
training_split: train
validation_split: validation
doc_to_text: preprocess_winogrande.doc_to_text
doc_to_target: preprocess_winogrande.doc_to_target
doc_to_choice: preprocess_winogrande.doc_to_choice
should_decontaminate: true
doc_to_decontamination_query: sentence
metric_list:
  - metric: acc
    aggregation: mean
    higher_is_better: true
metadata:
  version: 1.0
`;

const config = builtinConfig('winogrande', YAML);

/** `sentence.index("_")`, which raises when there is no blank. */
function blank(doc: Doc): { sentence: string; idx: number } {
  const sentence = String(doc.sentence);
  const idx = sentence.indexOf('_');
  if (idx < 0) throw new InputError(`winogrande sentence has no "_": ${JSON.stringify(sentence)}`, { field: 'sentence' });
  return { sentence, idx };
}

const ANSWER_TO_NUM: Readonly<Record<string, number>> = { '1': 0, '2': 1 };

/** preprocess_winogrande.py: the gold option is the "text", each option completes the sentence up to the blank, the rest is the continuation. */
export const WINOGRANDE_HOOKS: TaskHooks = {
  docToText: (doc) => {
    const answer = ANSWER_TO_NUM[String(doc.answer)];
    if (answer === undefined) throw new InputError(`winogrande answer ${JSON.stringify(doc.answer)} is not "1" or "2"`, { field: 'answer' });
    return answer;
  },
  docToTarget: (doc) => {
    const { sentence, idx } = blank(doc);
    return sentence.slice(idx + 1).trim();
  },
  docToChoice: (doc) => {
    const { sentence, idx } = blank(doc);
    return [String(doc.option1), String(doc.option2)].map((option) => sentence.slice(0, idx) + option);
  },
};

export const WINOGRANDE: BenchmarkTask = {
  name: 'winogrande',
  get config() {
    return config();
  },
  hooks: WINOGRANDE_HOOKS,
  // winogrande_1.1 dev.jsonl {qID, sentence, option1, option2, answer: "1"|"2"} → allenai/winogrande
  // winogrande_xl `validation` {sentence, option1, option2, answer} (qID dropped, answer a string).
  async load(dataDir) {
    const dev = await readReleaseFile(join(dataDir, 'winogrande/dev.jsonl'), { format: 'jsonl' });
    const docs = dev.records.map((_, i) => ({ sentence: stringField(dev, i, 'sentence'), option1: stringField(dev, i, 'option1'), option2: stringField(dev, i, 'option2'), answer: stringField(dev, i, 'answer') }));
    return splitsSource(dev, docs);
  },
  fromHub: (rows) =>
    mapHubRows('allenai/winogrande winogrande_xl', rows, (_, check) => ({
      sentence: check.string('sentence'),
      option1: check.string('option1'),
      option2: check.string('option2'),
      answer: check.string('answer'),
    })),
};
