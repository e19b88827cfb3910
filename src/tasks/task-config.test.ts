import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { loadDataset } from '../data/loaders.js';
import { REPO_ROOT, sharedPath } from '../../test/support/shared.js';
import { loadTaskConfig, parseTaskConfig, type TaskConfig } from './task-config.js';

const FIXTURES = resolve(REPO_ROOT, 'test/fixtures/tasks');
const fixture = (name: string): string => join(FIXTURES, name);
const sha12 = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 12);
const NONE_FILTER: TaskConfig['filter_list'] = [{ name: 'none', filter: [{ function: 'take_first' }] }];

/** The fields every harness fixture leaves at their defaults. */
const DEFAULTS = {
  task_alias: null,
  tag: [],
  group: [],
  test_split: null,
  validation_split: null,
  training_split: null,
  fewshot_split: null,
  doc_to_choice: null,
  target_delimiter: ' ',
  fewshot_delimiter: '\n\n',
  description: '',
  num_fewshot: 0,
  fewshot_config: { sampler: 'random', samples: null },
  generation_kwargs: null,
  filter_list: NONE_FILTER,
  repeats: 1,
  should_decontaminate: false,
  doc_to_decontamination_query: null,
  cluster_field: null,
} satisfies Partial<TaskConfig>;

describe('harness task YAMLs', () => {
  test('mmlu subject file with include: _default_template_yaml', () => {
    const file = fixture('mmlu/mmlu_abstract_algebra.yaml');
    const config = loadTaskConfig(file);
    expect(config).toEqual({
      ...DEFAULTS,
      task: 'mmlu_abstract_algebra',
      task_alias: 'abstract_algebra',
      tag: ['mmlu_stem_tasks'],
      file,
      hash: 'ce8bc6a37ecb',
      dataset: { kind: 'hub', path: 'hails/mmlu_no_train', name: 'abstract_algebra' },
      test_split: 'test',
      fewshot_split: 'dev',
      eval_split: 'test',
      fewshot_source_split: 'dev',
      doc_to_text: '{{question.strip()}}\nA. {{choices[0]}}\nB. {{choices[1]}}\nC. {{choices[2]}}\nD. {{choices[3]}}\nAnswer:',
      doc_to_target: 'answer',
      doc_to_choice: ['A', 'B', 'C', 'D'],
      description: 'The following are multiple choice questions (with answers) about abstract algebra.\n\n',
      fewshot_config: { sampler: 'first_n', samples: null },
      output_type: 'multiple_choice',
      metric_list: [{ metric: 'acc', aggregation: 'mean', higher_is_better: true }],
      metadata: { version: 1 },
      version: 1,
    } satisfies TaskConfig);
    // The hash covers the included template, then the subject file.
    const template = readFileSync(fixture('mmlu/_default_template_yaml'), 'utf8');
    expect(config.hash).toBe(sha12(`${template}\0${readFileSync(file, 'utf8')}`));
  });

  test('piqa', () => {
    const file = fixture('piqa.yaml');
    expect(loadTaskConfig(file)).toEqual({
      ...DEFAULTS,
      task: 'piqa',
      file,
      hash: 'a3a3987a0527',
      dataset: { kind: 'hub', path: 'baber/piqa', name: null },
      validation_split: 'validation',
      training_split: 'train',
      eval_split: 'validation',
      fewshot_source_split: 'train',
      doc_to_text: 'Question: {{goal}}\nAnswer:',
      doc_to_target: 'label',
      doc_to_choice: '{{[sol1, sol2]}}',
      output_type: 'multiple_choice',
      metric_list: [
        { metric: 'acc', aggregation: 'mean', higher_is_better: true },
        { metric: 'acc_norm', aggregation: 'mean', higher_is_better: true },
      ],
      should_decontaminate: true,
      doc_to_decontamination_query: 'goal',
      metadata: { version: 1 },
      version: 1,
    } satisfies TaskConfig);
    expect(loadTaskConfig(file).hash).toBe(sha12(readFileSync(file, 'utf8')));
  });

  test('boolq (super_glue): metric defaults filled from the metric registry', () => {
    const file = fixture('boolq.yaml');
    expect(loadTaskConfig(file)).toEqual({
      ...DEFAULTS,
      task: 'boolq',
      tag: ['super-glue-lm-eval-v1'],
      file,
      hash: 'd350d3cf4f50',
      dataset: { kind: 'hub', path: 'aps/super_glue', name: 'boolq' },
      validation_split: 'validation',
      training_split: 'train',
      eval_split: 'validation',
      fewshot_source_split: 'train',
      doc_to_text: '{{passage}}\nQuestion: {{question}}?\nAnswer:',
      doc_to_target: 'label',
      doc_to_choice: ['no', 'yes'],
      output_type: 'multiple_choice',
      metric_list: [{ metric: 'acc', aggregation: 'mean', higher_is_better: true }],
      should_decontaminate: true,
      doc_to_decontamination_query: 'passage',
      metadata: { version: 2 },
      version: 2,
    } satisfies TaskConfig);
  });

  test('lambada_openai', () => {
    const file = fixture('lambada_openai.yaml');
    expect(loadTaskConfig(file)).toEqual({
      ...DEFAULTS,
      task: 'lambada_openai',
      tag: ['lambada'],
      file,
      hash: '7562549ab531',
      dataset: { kind: 'hub', path: 'EleutherAI/lambada_openai', name: 'default' },
      test_split: 'test',
      eval_split: 'test',
      fewshot_source_split: null,
      doc_to_text: "{{text.split(' ')[:-1]|join(' ')}}",
      doc_to_target: "{{' '+text.split(' ')[-1]}}",
      output_type: 'loglikelihood',
      metric_list: [
        { metric: 'perplexity', aggregation: 'perplexity', higher_is_better: false },
        { metric: 'acc', aggregation: 'mean', higher_is_better: true },
      ],
      should_decontaminate: true,
      doc_to_decontamination_query: '{{text}}',
      metadata: { version: 1 },
      version: 1,
    } satisfies TaskConfig);
  });

  test('gsm8k with its filter_list and metric_list (harness v0.4)', () => {
    const file = fixture('gsm8k.yaml');
    expect(loadTaskConfig(file)).toEqual({
      ...DEFAULTS,
      task: 'gsm8k',
      tag: ['math_word_problems'],
      file,
      hash: '82eb1780b263',
      dataset: { kind: 'hub', path: 'openai/gsm8k', name: 'main' },
      test_split: 'test',
      training_split: 'train',
      fewshot_split: 'train',
      eval_split: 'test',
      fewshot_source_split: 'train',
      doc_to_text: 'Question: {{question}}\nAnswer:',
      doc_to_target: '{{answer}}',
      num_fewshot: 5,
      output_type: 'generate_until',
      generation_kwargs: { until: ['Question:', '</s>', '<|im_end|>'], temperature: 0, do_sample: false },
      filter_list: [
        {
          name: 'strict-match',
          filter: [{ function: 'regex', regex_pattern: '#### (\\-?[0-9\\.\\,]+)', group_select: 0, fallback: '[invalid]' }, { function: 'take_first' }],
        },
        {
          name: 'flexible-extract',
          filter: [{ function: 'regex', regex_pattern: '(-?[$0-9.,]{2,})|(-?[0-9]+)', group_select: -1, fallback: '[invalid]' }, { function: 'take_first' }],
        },
      ],
      metric_list: [
        {
          metric: 'exact_match',
          aggregation: 'mean',
          higher_is_better: true,
          ignore_case: true,
          ignore_punctuation: false,
          regexes_to_ignore: [',', '\\$', '(?s).*#### ', '\\.$'],
        },
      ],
      metadata: { version: 3 },
      version: 3,
    } satisfies TaskConfig);
  });

  test('winogrande: its !function hooks are a clear error naming the line', () => {
    expect(() => loadTaskConfig(fixture('winogrande.yaml'))).toThrow(
      new ConfigError(
        '!function preprocess_winogrande.doc_to_text: Python hooks are not supported; write the field as a Jinja template over the document\'s fields',
        { file: fixture('winogrande.yaml'), line: 7, column: 14, field: 'doc_to_text' },
      ),
    );
  });
});

describe('local data', () => {
  test('dataset_path: json with data_files {split: path | [paths]} resolves beside the YAML file', () => {
    const c = parseTaskConfig(
      'task: x\ndataset_path: json\ndataset_kwargs:\n  data_files:\n    test: data/t.jsonl\n    dev: [d1.json, ../d2.ndjson]\ntest_split: test\nfewshot_split: dev\noutput_type: generate_until\n',
      '/tmp/t/task.yaml',
    );
    expect(c.dataset).toEqual({
      kind: 'local',
      splits: {
        test: [{ path: '/tmp/t/data/t.jsonl', format: 'jsonl' }],
        dev: [
          { path: '/tmp/t/d1.json', format: 'json' },
          { path: '/tmp/d2.ndjson', format: 'jsonl' },
        ],
      },
    });
    expect([c.eval_split, c.fewshot_source_split]).toEqual(['test', 'dev']);
    // generate_until without generation_kwargs: greedy, until the few-shot delimiter (harness __post_init__).
    expect(c.generation_kwargs).toEqual({ until: ['\n\n'], temperature: 0, do_sample: false });
    expect(c.metric_list).toEqual([{ metric: 'exact_match', aggregation: 'mean', higher_is_better: true }]);
  });

  test('the shared GSM8K slice named the harness way loads through loadDataset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-task-'));
    const yaml = readFileSync(fixture('gsm8k.yaml'), 'utf8').replace(
      'dataset_path: openai/gsm8k\ndataset_name: main\n',
      `dataset_path: json\ndataset_kwargs:\n  data_files:\n    train: ${JSON.stringify(sharedPath('datasets/gsm8k/train.jsonl'))}\n    test: ${JSON.stringify(sharedPath('datasets/gsm8k/test.jsonl'))}\n`,
    );
    writeFileSync(join(dir, 'gsm8k.yaml'), yaml);
    const c = loadTaskConfig(join(dir, 'gsm8k.yaml'));
    if (c.dataset.kind !== 'local') throw new Error('expected local data');
    const [testFile] = c.dataset.splits[c.eval_split];
    const [poolFile] = c.dataset.splits[c.fewshot_source_split ?? ''];
    expect([testFile.format, poolFile.format]).toEqual(['jsonl', 'jsonl']);
    const test = await loadDataset(testFile.path, { format: testFile.format });
    const pool = await loadDataset(poolFile.path, { format: poolFile.format });
    expect([test.records.length, pool.records.length, test.columns]).toEqual([40, 20, ['question', 'answer']]);
  });

  test('a bare data_files path is the "train" split, as datasets.load_dataset names it', () => {
    const c = parseTaskConfig('task: x\ndataset_path: csv\ndataset_kwargs:\n  data_files: t.csv\ntest_split: train\n', '/tmp/t/task.yaml');
    expect(c.dataset).toEqual({ kind: 'local', splits: { train: [{ path: '/tmp/t/t.csv', format: 'csv' }] } });
    expect(c.hash).toBe('cfbbb38424ed');
  });

  test('assay form: data {path, columns, fields} and cluster_field', () => {
    const text = 'task: x\ndata:\n  path: data/q.csv\n  columns: [question, a, b, answer]\n  fields: {q: question}\ncluster_field: q\ndoc_to_text: "{{q}}"\noutput_type: loglikelihood_rolling\n';
    const c = parseTaskConfig(text, '/tmp/t/task.yaml');
    expect(c.dataset).toEqual({ kind: 'local', splits: { test: [{ path: '/tmp/t/data/q.csv', format: 'csv' }] }, columns: ['question', 'a', 'b', 'answer'], fields: { q: 'question' } });
    expect([c.test_split, c.eval_split, c.cluster_field, c.generation_kwargs]).toEqual(['test', 'test', 'q', null]);
    expect(c.metric_list).toEqual([
      { metric: 'word_perplexity', aggregation: 'weighted_perplexity', higher_is_better: false },
      { metric: 'byte_perplexity', aggregation: 'weighted_perplexity', higher_is_better: false },
      { metric: 'bits_per_byte', aggregation: 'bits_per_byte', higher_is_better: false },
    ]);
    expect(c.hash).toBe(sha12(text));
  });

  test('assay form: data.format and data.split (the JSON array key)', () => {
    const c = parseTaskConfig('task: x\ndata: {path: qa.txt, format: json, split: rows}\ndoc_to_text: q\n', '/tmp/t/task.yaml');
    expect(c.dataset).toEqual({ kind: 'local', splits: { test: [{ path: '/tmp/t/qa.txt', format: 'json' }] }, json_field: 'rows' });
  });

  test('keys of the including file win over those of the included file (harness include merge)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-task-'));
    writeFileSync(join(dir, 'base.yaml'), 'dataset_path: a/b\ntest_split: test\ntarget_delimiter: ":"\n');
    writeFileSync(join(dir, 'task.yaml'), 'include: base.yaml\ntask: t\ntarget_delimiter: "="\n');
    const c = loadTaskConfig(join(dir, 'task.yaml'));
    expect([c.target_delimiter, c.test_split, c.dataset]).toEqual(['=', 'test', { kind: 'hub', path: 'a/b', name: null }]);
  });
});

describe('errors name file:line:column and the field', () => {
  const F = '/tmp/t/task.yaml';
  const cases: [string, string, string][] = [
    ['YAML syntax', 'task: x\ndoc_to_text: [a,\nb: 1\n', `${F}:3:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ] (BAD_INDENT)`],
    ['duplicate key', 'task: x\ntask: y\n', `${F}:2:1: YAML syntax error: Map keys must be unique (DUPLICATE_KEY)`],
    [
      'unknown top-level key',
      'task: x\ndataset_path: a/b\ntest_split: test\ndoc_to_txt: "q"\n',
      `${F}:4:1 field "doc_to_txt": unknown field "doc_to_txt"; did you mean "doc_to_text"? (valid: task, task_alias, tag, group, dataset_path, dataset_name, dataset_kwargs, data, test_split, validation_split, training_split, fewshot_split, doc_to_text, doc_to_target, doc_to_choice, target_delimiter, fewshot_delimiter, description, num_fewshot, fewshot_config, output_type, generation_kwargs, filter_list, metric_list, repeats, should_decontaminate, doc_to_decontamination_query, metadata, cluster_field)`,
    ],
    [
      'unknown nested key',
      'task: x\ndataset_path: a/b\ntest_split: test\nmetric_list:\n  - metric: acc\n    agregation: mean\n',
      `${F}:6:5 field "metric_list[0].agregation": unknown field "agregation"; did you mean "aggregation"? (valid: metric, aggregation, higher_is_better, ignore_case, ignore_punctuation, regexes_to_ignore, ignore_numbers, judge, name)`,
    ],
    [
      'unknown filter option',
      'task: x\ndataset_path: a/b\ntest_split: test\nfilter_list:\n  - name: f\n    filter:\n      - function: map\n        mapping: {a: 1}\n',
      `${F}:8:9 field "filter_list[0].filter[0].mapping": unknown field "mapping"; did you mean "mapping_dict"? (valid: function, regex_pattern, group_select, fallback, mapping_dict, default_value)`,
    ],
    [
      'filter option of another function',
      'task: x\ndataset_path: a/b\ntest_split: test\nfilter_list:\n  - name: f\n    filter:\n      - function: take_first\n        group_select: 1\n',
      `${F}:8:23 field "filter_list[0].filter[0].group_select": option group_select does not apply to filter function take_first (it takes no options)`,
    ],
    [
      'unknown filter function',
      'task: x\ndataset_path: a/b\ntest_split: test\nfilter_list:\n  - name: f\n    filter:\n      - function: regx\n',
      `${F}:7:19 field "filter_list[0].filter[0].function": unknown value "regx"; did you mean "regex"? (valid: regex, take_first, majority_vote, lowercase, uppercase, strip, remove_whitespace, map)`,
    ],
    [
      'unknown output_type',
      'task: x\ndataset_path: a/b\ntest_split: test\noutput_type: multiple_choise\n',
      `${F}:4:14 field "output_type": unknown value "multiple_choise"; did you mean "multiple_choice"? (valid: multiple_choice, loglikelihood, loglikelihood_rolling, generate_until)`,
    ],
    ['wrong type', 'task: x\ndataset_path: a/b\ntest_split: test\nnum_fewshot: "5"\n', `${F}:4:14 field "num_fewshot": Invalid input: expected number, received string`],
    ['string or list', 'task: x\ndataset_path: a/b\ntest_split: test\ntag: 3\n', `${F}:4:6 field "tag": expected a string or a list of strings`],
    ['missing task', 'dataset_path: a/b\ntest_split: test\n', `${F}:1:1 field "task": missing required field (expected string)`],
    [
      '!function anywhere',
      'task: x\ndataset_path: a/b\ntest_split: test\nprocess_docs: !function utils.process_docs\n',
      `${F}:4:15 field "process_docs": !function utils.process_docs: Python hooks are not supported; write the field as a Jinja template over the document's fields`,
    ],
    [
      '!function in a list item',
      'task: x\nmetric_list:\n  - metric: acc\n  - metric: !function m.f\n',
      `${F}:4:13 field "metric_list[1].metric": !function m.f: Python hooks are not supported; write the field as a Jinja template over the document's fields`,
    ],
    ['!function in a flow list', 'task: x\ntag: [a, !function m.f]\n', `${F}:2:10 field "tag[1]": !function m.f: Python hooks are not supported; write the field as a Jinja template over the document's fields`],
    ['missing include', 'include: missing.yaml\ntask: x\n', `${F}:1:10 field "include": cannot read task file /tmp/t/missing.yaml: ENOENT`],
    ['not a mapping', '- task: x\n', `${F}:1:1: a task file must be a YAML mapping of fields (task: ..., doc_to_text: ...)`],
    ['empty file', '', `${F}:1:1: a task file must be a YAML mapping of fields (task: ..., doc_to_text: ...)`],
    [
      'local format without data_files',
      'task: x\ndataset_path: json\ntest_split: test\n',
      `${F}:2:15 field "dataset_path": dataset_path "json" needs dataset_kwargs.data_files (a path, a list, or {split: path})`,
    ],
    [
      'split not among data_files',
      'task: x\ndataset_path: json\ndataset_kwargs:\n  data_files:\n    test: t.jsonl\ntest_split: test\nfewshot_split: trian\n',
      `${F}:7:16 field "fewshot_split": unknown split "trian" (valid: test)`,
    ],
    ['no data', 'task: x\ntest_split: test\n', `${F}:1:1: missing the data: give data: {path: ...} or dataset_path (with dataset_kwargs.data_files for local files)`],
    ['both data forms', 'task: x\ndataset_path: a/b\ndata:\n  path: d.jsonl\n', `${F}:4:3 field "data": give either data (assay form) or dataset_path (harness form), not both`],
    ['no eval split', 'task: x\ndataset_path: a/b\n', `${F}:1:1: the task has no documents to evaluate: set test_split or validation_split`],
    [
      'unknown data extension',
      'task: x\ndata:\n  path: d.txt\n',
      `${F}:3:9 field "data.path": cannot tell the format of /tmp/t/d.txt from its extension; set data.format to one of jsonl, json, csv, parquet`,
    ],
    [
      'few-shot without a source',
      'task: x\ndataset_path: a/b\ntest_split: test\nnum_fewshot: 3\n',
      `${F}:4:14 field "num_fewshot": num_fewshot is 3 but there is no few-shot source: set fewshot_split, training_split or validation_split, or fewshot_config.samples`,
    ],
    ['multiple_choice without choices', 'task: x\ndataset_path: a/b\ntest_split: test\noutput_type: multiple_choice\n', `${F}:4:14 field "output_type": output_type multiple_choice needs doc_to_choice`],
    [
      'generation_kwargs on a loglikelihood task',
      'task: x\ndataset_path: a/b\ntest_split: test\noutput_type: loglikelihood\ngeneration_kwargs:\n  until: ["\\n"]\n',
      `${F}:6:3 field "generation_kwargs": generation_kwargs applies only to output_type generate_until (this task is loglikelihood)`,
    ],
  ];
  test.each(cases)('%s', (_name, text, message) => {
    let caught: unknown;
    try {
      parseTaskConfig(text, F);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).code).toBe('CONFIG');
    expect((caught as ConfigError).message).toBe(message);
  });

  test('an include cycle', () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-task-'));
    writeFileSync(join(dir, 'a.yaml'), 'include: b.yaml\ntask: a\n');
    writeFileSync(join(dir, 'b.yaml'), 'include: a.yaml\n');
    expect(() => loadTaskConfig(join(dir, 'a.yaml'))).toThrow(`include cycle: ${join(dir, 'a.yaml')} -> ${join(dir, 'b.yaml')} -> ${join(dir, 'a.yaml')}`);
  });
});
