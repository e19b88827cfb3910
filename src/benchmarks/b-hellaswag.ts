// HellaSwag as lm-evaluation-harness's lm_eval/tasks/hellaswag (hellaswag.yaml, utils.py
// process_docs) @ 4e7e0d47, reading rowanz/hellaswag's release jsonl as HF Rowan/hellaswag does.
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import type { DataRecord } from '../data/loaders.js';
import { pyLower } from '../metrics/python-text.js';
import { pyStrip, toTitleCase } from '../tasks/py-values.js';
import { builtinConfig, mapHubRows, readReleaseFile, splitsSource, stringField, type ReleaseFile } from './a-sources.js';
import { at, exists, pythonInt, pythonStr, stringListField } from './b-sources.js';
import type { BenchmarkTask } from './types.js';

// The harness YAML without its `process_docs: !function utils.process_docs` line: the loader and
// fromHub below apply it.
const YAML = String.raw`tag:
  - multiple_choice
task: hellaswag
dataset_path: Rowan/hellaswag
dataset_name: null
output_type: multiple_choice
training_split: train
validation_split: validation
test_split: null
doc_to_text: "{{query}}"
doc_to_target: "{{label}}"
doc_to_choice: "choices"
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

// Python `re.sub("\\[.*?\\]", "", text)`: `.` is any character but "\n" (JS `.` also stops at \r, \u2028, \u2029).
const BRACKETED = /\[[^\n]*?\]/g;

/** utils.preprocess: strip; " [title]" → ". "; drop `[...]` (non-greedy); "  " → " " once. */
export function hellaswagPreprocess(text: string): string {
  let out = pyStrip(text, null, true, true);
  out = out.replaceAll(' [title]', '. ');
  out = out.replace(BRACKETED, '');
  return out.replaceAll('  ', ' ');
}

/**
 * Python's `str.capitalize()`: the first character title-cased and the rest lower-cased, where
 * the rest is lower-cased in the context of the whole string (a final Σ after a cased first
 * letter becomes ς), which lower-casing the rest on its own would miss.
 */
export function pythonCapitalize(s: string): string {
  const first = s.codePointAt(0);
  if (first === undefined) return s;
  const head = String.fromCodePoint(first);
  // Only Σ lower-cases by context, and both of its forms are one code unit, so the head's share of
  // the whole lower-cased string is the length of its lower case alone.
  return toTitleCase(head) + pyLower(s).slice(pyLower(head).length);
}

/** Reports a field of a row that does not hold what the harness reads (never returns). */
export type FieldError = (field: string, expected: string) => never;

/** utils.process_docs on one HF row: the row plus `query`, `choices` and `gold`. */
export function hellaswagProcessDoc(row: DataRecord, fail: FieldError): DataRecord {
  const field = (name: string): string => {
    const value = row[name];
    return typeof value === 'string' ? value : fail(name, 'a string');
  };
  const endings = row.endings;
  if (!Array.isArray(endings) || !endings.every((e) => typeof e === 'string')) fail('endings', 'a list of strings');
  const gold = pythonInt(field('label'));
  if (gold === undefined) fail('label', 'an integer label (int(label); the test split has none)');
  const ctx = `${field('ctx_a')} ${pythonCapitalize(field('ctx_b'))}`;
  return {
    ...row,
    query: hellaswagPreprocess(`${field('activity_label')}: ${ctx}`),
    choices: (endings as string[]).map(hellaswagPreprocess),
    gold,
  };
}

/** One release-file line as HF Rowan/hellaswag's loading script yields it. */
function hubRow(source: ReleaseFile, i: number): DataRecord {
  const data = source.records[i]!;
  // int(data["ind"]): an integer, or a string of one.
  const ind = typeof data.ind === 'number' && Number.isInteger(data.ind) ? data.ind : typeof data.ind === 'string' ? pythonInt(data.ind) : undefined;
  if (ind === undefined) throw new InputError(`expected an integer, got ${JSON.stringify(data.ind)}`, at(source, i, 'ind'));
  return {
    ind,
    activity_label: stringField(source, i, 'activity_label'),
    ctx_a: data.ctx_a === undefined ? '' : stringField(source, i, 'ctx_a'),
    ctx_b: data.ctx_b === undefined ? '' : stringField(source, i, 'ctx_b'),
    ctx: stringField(source, i, 'ctx'),
    endings: data.endings === undefined ? [] : stringListField(source, i, 'endings'),
    source_id: stringField(source, i, 'source_id'),
    split: stringField(source, i, 'split'),
    split_type: stringField(source, i, 'split_type'),
    label: data.label === undefined ? '' : pythonStr(data.label),
  };
}

function documents(source: ReleaseFile): DataRecord[] {
  return source.records.map((_, i) => {
    const row = hubRow(source, i);
    return hellaswagProcessDoc(row, (field, expected) => {
      throw new InputError(`expected ${expected}, got ${JSON.stringify(row[field])}`, at(source, i, field));
    });
  });
}

const config = builtinConfig('hellaswag', YAML);

export const HELLASWAG: BenchmarkTask = {
  name: 'hellaswag',
  get config() {
    return config();
  },
  async load(dataDir) {
    const val = await readReleaseFile(join(dataDir, 'hellaswag', 'hellaswag_val.jsonl'), { format: 'jsonl' });
    const trainFile = join(dataDir, 'hellaswag', 'hellaswag_train.jsonl');
    const train = (await exists(trainFile)) ? await readReleaseFile(trainFile, { format: 'jsonl' }) : undefined;
    return splitsSource(val, documents(val), train === undefined ? {} : { fewshot: documents(train), fewshotFile: train });
  },
  fromHub: (rows) => mapHubRows('Rowan/hellaswag', rows, (row, check) => hellaswagProcessDoc(row, (field, expected) => check.fail(field, expected))),
};
