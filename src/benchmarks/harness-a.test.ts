// Expected requests: ../shared/reference/lm-eval-prompts (lm-evaluation-harness @ 4e7e0d47,
// plain-text mode), every line; task fields, groups and categories: the harness's YAMLs.
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonl, sharedPath, LM_EVAL_PROMPT_FILES } from '../../test/support/shared.js';
import { AssayError } from '../core/errors.js';
import { prepareTask } from '../engine/prepare.js';
import { benchmarkGroups, benchmarkRegistry, expandTaskName } from './registry.js';
import { HARNESS_A_GROUPS, HARNESS_A_TASKS } from './harness-a.js';
import type { BenchmarkTask } from './types.js';

const DATA = sharedPath('datasets');
const task = (name: string): BenchmarkTask => benchmarkRegistry.get(name);

const FILES = LM_EVAL_PROMPT_FILES;

describe('prepareTask on the release files reproduces the harness requests line for line', () => {
  it('covers every reference file', () => {
    const files = readdirSync(sharedPath('reference/lm-eval-prompts')).filter((f) => f.endsWith('.jsonl'));
    expect(files.sort()).toEqual(Object.keys(FILES).sort());
  });

  it.each(Object.entries(FILES))('%s', async (file, [name, numFewshot]) => {
    const t = task(name);
    const prepared = await prepareTask(t.config, { splits: () => t.load(DATA), ...(t.hooks === undefined ? {} : { hooks: t.hooks }), numFewshot });
    const expected = readJsonl(`reference/lm-eval-prompts/${file}`);
    expect(prepared.docs.length).toBe(expected.length);
    // In doc order: the random sampler (gsm8k) draws in sequence.
    expected.forEach((line, i) => expect(prepared.request(i)).toEqual(line));
  });

  it('the task default num_fewshot: gsm8k 5-shot, the rest 0-shot', async () => {
    const gsm8k = task('gsm8k');
    const prepared = await prepareTask(gsm8k.config, { splits: () => gsm8k.load(DATA) });
    expect(prepared.numFewshot).toBe(5);
    expect(prepared.request(0)).toEqual(readJsonl('reference/lm-eval-prompts/gsm8k_5shot.jsonl')[0]);
    expect(HARNESS_A_TASKS.filter((t) => t.config.num_fewshot !== 0).map((t) => t.name)).toEqual(['gsm8k']);
  });

  it('data hash and locations: provenance names the files read, a document its file:line', async () => {
    const mmlu = task('mmlu_high_school_geography');
    const source = await mmlu.load(DATA);
    // high_school_geography_test.csv: CRLF records; test + dev files hashed together.
    // sha256(test)[:12] = d7f91f258b11, sha256(dev)[:12] = e43fc27b9fa8, combined as sha256("<test>\0<dev>")[:12].
    expect([source.eval.length, source.fewshot?.length, source.sameSplit, source.hash]).toEqual([40, 5, false, '194545e249bf']);
    expect(source.locate?.(3)).toEqual({ file: join(DATA, 'mmlu/data/test/high_school_geography_test.csv'), line: 4 });
    expect(source.eval[0]).toEqual({
      question: 'The main factor preventing subsistence economies from advancing economically is the lack of',
      subject: 'high_school_geography',
      choices: ['a currency.', 'a well-connected transportation infrastructure.', 'government activity.', 'a banking service.'],
      answer: 1,
    });
  });
});

// mmlu/default/mmlu_<subject>.yaml `tag`, grouped (file order).
const CATEGORIES: Record<string, string[]> = {
  mmlu_stem: 'abstract_algebra anatomy astronomy college_biology college_chemistry college_computer_science college_mathematics college_physics computer_security conceptual_physics electrical_engineering elementary_mathematics high_school_biology high_school_chemistry high_school_computer_science high_school_mathematics high_school_physics high_school_statistics machine_learning'.split(' '),
  mmlu_other: 'business_ethics clinical_knowledge college_medicine global_facts human_aging management marketing medical_genetics miscellaneous nutrition professional_accounting professional_medicine virology'.split(' '),
  mmlu_social_sciences: 'econometrics high_school_geography high_school_government_and_politics high_school_macroeconomics high_school_microeconomics high_school_psychology human_sexuality professional_psychology public_relations security_studies sociology us_foreign_policy'.split(' '),
  mmlu_humanities: 'formal_logic high_school_european_history high_school_us_history high_school_world_history international_law jurisprudence logical_fallacies moral_disputes moral_scenarios philosophy prehistory professional_law world_religions'.split(' '),
};

describe('MMLU: 57 subjects and the harness groups', () => {
  const subjects = Object.values(CATEGORIES).flat().sort();

  it('registers all 57 subjects, each with its category tag, description and the default template', () => {
    expect(subjects.length).toBe(57);
    const names = HARNESS_A_TASKS.map((t) => t.name).filter((n) => n.startsWith('mmlu_'));
    expect(names).toEqual(subjects.map((s) => `mmlu_${s}`));
    for (const [group, members] of Object.entries(CATEGORIES)) {
      for (const s of members) {
        const c = task(`mmlu_${s}`).config;
        expect([c.task, c.task_alias, c.tag, c.dataset, c.file]).toEqual([`mmlu_${s}`, s, [`${group}_tasks`], { kind: 'hub', path: 'cais/mmlu', name: s }, `builtin:mmlu_${s}`]);
      }
    }
    const c = task('mmlu_high_school_us_history').config;
    expect(c.description).toBe('The following are multiple choice questions (with answers) about high school us history.\n\n');
    expect({
      output_type: c.output_type,
      eval_split: c.eval_split,
      fewshot_source_split: c.fewshot_source_split,
      fewshot_config: c.fewshot_config,
      num_fewshot: c.num_fewshot,
      doc_to_text: c.doc_to_text,
      doc_to_choice: c.doc_to_choice,
      doc_to_target: c.doc_to_target,
      metric_list: c.metric_list,
      version: c.version,
    }).toEqual({
      output_type: 'multiple_choice',
      eval_split: 'test',
      fewshot_source_split: 'dev',
      fewshot_config: { sampler: 'first_n', samples: null },
      num_fewshot: 0,
      doc_to_text: '{{question.strip()}}\nA. {{choices[0]}}\nB. {{choices[1]}}\nC. {{choices[2]}}\nD. {{choices[3]}}\nAnswer:',
      doc_to_choice: ['A', 'B', 'C', 'D'],
      doc_to_target: 'answer',
      metric_list: [{ metric: 'acc', aggregation: 'mean', higher_is_better: true }],
      version: 1,
    });
  });

  it('groups: four categories under mmlu, acc weighted by size', () => {
    expect(HARNESS_A_GROUPS).toEqual([
      ...['mmlu_stem', 'mmlu_other', 'mmlu_social_sciences', 'mmlu_humanities'].map((name) => ({ name, members: CATEGORIES[name]!.map((s) => `mmlu_${s}`), metrics: ['acc'] })),
      { name: 'mmlu', members: ['mmlu_stem', 'mmlu_other', 'mmlu_social_sciences', 'mmlu_humanities'], metrics: ['acc'] },
    ]);
    expect(benchmarkGroups.get('mmlu_humanities').members.length).toBe(13);
    const all = expandTaskName('mmlu').map((t) => t.name);
    expect(all).toEqual(Object.values(CATEGORIES).flat().map((s) => `mmlu_${s}`));
    expect(expandTaskName('mmlu_social_sciences').length).toBe(12);
  });

  it('fromHub: a cais/mmlu row keeps its shape; the ClassLabel answer becomes a number 0-3', () => {
    const mmlu = task('mmlu_anatomy');
    const row = { question: 'Q?', subject: 'anatomy', choices: ['w', 'x', 'y', 'z'], answer: 3n };
    expect(mmlu.fromHub!([row, { ...row, answer: 1 }])).toEqual([
      { question: 'Q?', subject: 'anatomy', choices: ['w', 'x', 'y', 'z'], answer: 3 },
      { question: 'Q?', subject: 'anatomy', choices: ['w', 'x', 'y', 'z'], answer: 1 },
    ]);
    expect(() => mmlu.fromHub!([row, { ...row, answer: 4 }])).toThrow('field "answer": Hugging Face data set cais/mmlu, row 1: expected an integer from 0 to 3, got 4');
    expect(() => mmlu.fromHub!([{ ...row, choices: ['a'] }])).toThrow('field "choices": Hugging Face data set cais/mmlu, row 0: expected a list of 4 strings, got ["a"]');
  });
});

describe('task fields as the harness YAMLs', () => {
  it('gsm8k: generation, filters and exact_match options', () => {
    const c = task('gsm8k').config;
    expect({
      dataset: c.dataset,
      eval_split: c.eval_split,
      fewshot_source_split: c.fewshot_source_split,
      sampler: c.fewshot_config.sampler,
      num_fewshot: c.num_fewshot,
      doc_to_text: c.doc_to_text,
      doc_to_target: c.doc_to_target,
      generation_kwargs: c.generation_kwargs,
      filter_list: c.filter_list,
      metric_list: c.metric_list,
      version: c.version,
      tag: c.tag,
    }).toEqual({
      dataset: { kind: 'hub', path: 'openai/gsm8k', name: 'main' },
      eval_split: 'test',
      fewshot_source_split: 'train',
      sampler: 'random',
      num_fewshot: 5,
      doc_to_text: 'Question: {{question}}\nAnswer:',
      doc_to_target: '{{answer}}',
      generation_kwargs: { until: ['Question:', '</s>', '<|im_end|>'], do_sample: false, temperature: 0 },
      filter_list: [
        { name: 'strict-match', filter: [{ function: 'regex', regex_pattern: '#### (\\-?[0-9\\.\\,]+)', group_select: 0, fallback: '[invalid]' }, { function: 'take_first' }] },
        { name: 'flexible-extract', filter: [{ function: 'regex', regex_pattern: '(-?[$0-9.,]{2,})|(-?[0-9]+)', group_select: -1, fallback: '[invalid]' }, { function: 'take_first' }] },
      ],
      metric_list: [{ metric: 'exact_match', aggregation: 'mean', higher_is_better: true, ignore_case: true, ignore_punctuation: false, regexes_to_ignore: [',', '\\$', '(?s).*#### ', '\\.$'] }],
      version: 3,
      tag: ['math_word_problems'],
    });
  });

  it('lambada_openai, piqa, boolq, winogrande: data set, split, output type, metrics', () => {
    const summary = (name: string) => {
      const c = task(name).config;
      return [c.dataset, c.eval_split, c.output_type, c.metric_list.map((m) => `${m.metric}/${m.aggregation}/${m.higher_is_better}`), c.version, c.file];
    };
    expect(summary('lambada_openai')).toEqual([{ kind: 'hub', path: 'EleutherAI/lambada_openai', name: 'default' }, 'test', 'loglikelihood', ['perplexity/perplexity/false', 'acc/mean/true'], 1, 'builtin:lambada_openai']);
    expect(summary('piqa')).toEqual([{ kind: 'hub', path: 'baber/piqa', name: null }, 'validation', 'multiple_choice', ['acc/mean/true', 'acc_norm/mean/true'], 1, 'builtin:piqa']);
    expect(summary('boolq')).toEqual([{ kind: 'hub', path: 'aps/super_glue', name: 'boolq' }, 'validation', 'multiple_choice', ['acc/mean/true'], 2, 'builtin:boolq']);
    expect(summary('winogrande')).toEqual([{ kind: 'hub', path: 'allenai/winogrande', name: 'winogrande_xl' }, 'validation', 'multiple_choice', ['acc/mean/true'], 1, 'builtin:winogrande']);
    expect(task('winogrande').hooks && Object.keys(task('winogrande').hooks!).sort()).toEqual(['docToChoice', 'docToTarget', 'docToText']);
  });
});

describe('fromHub: Hugging Face rows to the harness documents', () => {
  it('openai/gsm8k and EleutherAI/lambada_openai rows are the documents', () => {
    expect(task('gsm8k').fromHub!([{ question: 'Q', answer: 'A\n#### 4' }])).toEqual([{ question: 'Q', answer: 'A\n#### 4' }]);
    expect(task('lambada_openai').fromHub!([{ text: 'a b c' }])).toEqual([{ text: 'a b c' }]);
    expect(() => task('gsm8k').fromHub!([{ question: 'Q' }])).toThrow('field "answer": Hugging Face data set openai/gsm8k, row 0: expected a string, got no field "answer" (the row has question)');
  });

  it('baber/piqa: label is an integer 0 or 1', () => {
    expect(task('piqa').fromHub!([{ goal: 'g', sol1: 'a', sol2: 'b', label: 1n }])).toEqual([{ goal: 'g', sol1: 'a', sol2: 'b', label: 1 }]);
    expect(() => task('piqa').fromHub!([{ goal: 'g', sol1: 'a', sol2: 'b', label: -1 }])).toThrow('row 0: expected an integer from 0 to 1, got -1');
  });

  it('aps/super_glue boolq: the SuperGLUE row (passage already "title -- passage") is the document', () => {
    const row = { question: 'is it', passage: 'Title -- Text.', idx: 7, label: 0 };
    expect(task('boolq').fromHub!([row])).toEqual([row]);
  });

  it('allenai/winogrande: answer stays the string "1" or "2"; the hooks build one context per option', async () => {
    const rows = task('winogrande').fromHub!([{ sentence: 'Ann beat Bo so _ won.', option1: 'Ann', option2: 'Bo', answer: '1' }]);
    expect(rows).toEqual([{ sentence: 'Ann beat Bo so _ won.', option1: 'Ann', option2: 'Bo', answer: '1' }]);
    const w = task('winogrande');
    const prepared = await prepareTask(w.config, { splits: async () => ({ eval: rows, sameSplit: false, hash: 'h' }), hooks: w.hooks! });
    expect(prepared.request(0)).toEqual({ doc_id: 0, context: ['Ann beat Bo so Ann', 'Ann beat Bo so Bo'], continuations: [' won.', ' won.'], gold: 0 });
  });
});

describe('release-file loaders name the file and line of a bad record', () => {
  const dir = mkdtempSync(join(tmpdir(), 'assay-bench-a-'));
  for (const d of ['piqa', 'boolq', 'winogrande', 'gsm8k', 'mmlu/data/test', 'mmlu/data/dev']) mkdirSync(join(dir, d), { recursive: true });
  const piqa = '{"goal":"g","sol1":"a","sol2":"b"}\n{"goal":"h","sol1":"c","sol2":"d"}\n';

  it('PIQA: a labels file shorter or longer than the data, or a label not 0/1', async () => {
    writeFileSync(join(dir, 'piqa/valid.jsonl'), piqa);
    writeFileSync(join(dir, 'piqa/valid-labels.lst'), '0\n');
    await expect(task('piqa').load(dir)).rejects.toThrow(
      `${join(dir, 'piqa/valid.jsonl')}:2: row has no label: ${join(dir, 'piqa/valid-labels.lst')} has 1 lines and the labels must be line-aligned with the 2 rows here`,
    );
    writeFileSync(join(dir, 'piqa/valid-labels.lst'), '0\n1\n1\n');
    await expect(task('piqa').load(dir)).rejects.toThrow(`${join(dir, 'piqa/valid-labels.lst')}:3: label has no row: ${join(dir, 'piqa/valid.jsonl')} has 2 rows and the labels must be line-aligned with them`);
    writeFileSync(join(dir, 'piqa/valid-labels.lst'), '0\n2\n');
    await expect(task('piqa').load(dir)).rejects.toThrow(`${join(dir, 'piqa/valid-labels.lst')}:2: label "2" is not an integer from 0 to 1`);
    writeFileSync(join(dir, 'piqa/valid-labels.lst'), '1\r\n0\r\n');
    expect((await task('piqa').load(dir)).eval).toEqual([
      { goal: 'g', sol1: 'a', sol2: 'b', label: 1 },
      { goal: 'h', sol1: 'c', sol2: 'd', label: 0 },
    ]);
  });

  it('MMLU: the answer letter and the line of a multi-line CSV record', async () => {
    writeFileSync(join(dir, 'mmlu/data/dev/anatomy_dev.csv'), 'Q0,a,b,c,d,A\n');
    writeFileSync(join(dir, 'mmlu/data/test/anatomy_test.csv'), '"Q1\nline 2",a,b,c,d,C\r\n"Q, 2",a,b,c,d,E\r\n');
    await expect(task('mmlu_anatomy').load(dir)).rejects.toThrow(`${join(dir, 'mmlu/data/test/anatomy_test.csv')}:3 field "answer": answer "E" is not one of A, B, C, D`);
    writeFileSync(join(dir, 'mmlu/data/test/anatomy_test.csv'), '"Q1\nline 2",a,b,c,d,C\r\n"Q, 2",a,b,c,d,D');
    const source = await task('mmlu_anatomy').load(dir);
    expect([source.eval, source.fewshot, source.locate?.(1)]).toEqual([
      [
        { question: 'Q1\nline 2', subject: 'anatomy', choices: ['a', 'b', 'c', 'd'], answer: 2 },
        { question: 'Q, 2', subject: 'anatomy', choices: ['a', 'b', 'c', 'd'], answer: 3 },
      ],
      [{ question: 'Q0', subject: 'anatomy', choices: ['a', 'b', 'c', 'd'], answer: 0 }],
      { file: join(dir, 'mmlu/data/test/anatomy_test.csv'), line: 3 },
    ]);
    await expect(task('mmlu_astronomy').load(dir)).rejects.toThrow(AssayError);
  });

  it('BoolQ: the SuperGLUE mapping, and an answer that is not a boolean', async () => {
    writeFileSync(join(dir, 'boolq/dev.jsonl'), '{"question": "is q", "title": "T", "answer": true, "passage": "P."}\n\n{"question": "q2", "title": "T2", "answer": "yes", "passage": "P2"}\n');
    await expect(task('boolq').load(dir)).rejects.toThrow(`${join(dir, 'boolq/dev.jsonl')}:3 field "answer": expected true or false, got "yes"`);
    writeFileSync(join(dir, 'boolq/dev.jsonl'), '{"question": "is q", "title": "T", "answer": true, "passage": "P."}\n{"question": "q2", "title": "T2", "answer": false, "passage": "P2"}\n');
    expect((await task('boolq').load(dir)).eval).toEqual([
      { question: 'is q', passage: 'T -- P.', idx: 0, label: 1 },
      { question: 'q2', passage: 'T2 -- P2', idx: 1, label: 0 },
    ]);
  });

  it('WinoGrande and GSM8K: a missing field names the line; a sentence without a blank names the document', async () => {
    writeFileSync(join(dir, 'winogrande/dev.jsonl'), '{"qID":"q","sentence":"no blank here","option1":"A","option2":"B","answer":"1"}\n{"qID":"r","sentence":"x _ y","option1":"A","answer":"2"}\n');
    await expect(task('winogrande').load(dir)).rejects.toThrow(
      `${join(dir, 'winogrande/dev.jsonl')}:2 field "option2": expected a string, got no such field (the record has qID, sentence, option1, answer)`,
    );
    writeFileSync(join(dir, 'winogrande/dev.jsonl'), '{"qID":"q","sentence":"no blank here","option1":"A","option2":"B","answer":"1"}\n');
    const w = task('winogrande');
    await expect(prepareTask(w.config, { splits: () => w.load(dir), hooks: w.hooks! })).rejects.toThrow(
      `task "winogrande", document 0 (${join(dir, 'winogrande/dev.jsonl')}:1): field "sentence": winogrande sentence has no "_": "no blank here"`,
    );
    writeFileSync(join(dir, 'gsm8k/test.jsonl'), '{"question": "Q", "answer": 4}\n');
    writeFileSync(join(dir, 'gsm8k/train.jsonl'), '');
    await expect(task('gsm8k').load(dir)).rejects.toThrow(`${join(dir, 'gsm8k/test.jsonl')}:1 field "answer": expected a string, got 4`);
  });
});
