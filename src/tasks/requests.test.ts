// Expected requests: ../shared/reference/lm-eval-prompts (lm-evaluation-harness @ 4e7e0d47,
// plain-text mode), every line of every file; few-shot picks from its README.
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AssayError } from '../core/errors.js';
import { readJsonl, sharedPath } from '../../test/support/shared.js';
import { getBuiltinTask } from './builtin-tasks.js';
import { createFewshotSampler } from './fewshot.js';
import { TaskDocs, buildRequests, type TaskSpec } from './requests.js';

const DATA = sharedPath('datasets');

// file → [built-in task, num_fewshot]
const FILES: Record<string, [string, number]> = {
  'mmlu_abstract_algebra.jsonl': ['mmlu_abstract_algebra', 0],
  'mmlu_high_school_geography.jsonl': ['mmlu_high_school_geography', 0],
  'mmlu_college_medicine.jsonl': ['mmlu_college_medicine', 0],
  'mmlu_abstract_algebra_5shot.jsonl': ['mmlu_abstract_algebra', 5],
  'mmlu_high_school_geography_5shot.jsonl': ['mmlu_high_school_geography', 5],
  'mmlu_college_medicine_5shot.jsonl': ['mmlu_college_medicine', 5],
  'winogrande.jsonl': ['winogrande', 0],
  'piqa.jsonl': ['piqa', 0],
  'boolq.jsonl': ['boolq', 0],
  'lambada_openai.jsonl': ['lambada_openai', 0],
  'gsm8k_5shot.jsonl': ['gsm8k', 5],
  'gsm8k_0shot.jsonl': ['gsm8k', 0],
};

describe('buildRequests reproduces the harness requests line for line', () => {
  it('covers every reference file', () => {
    const files = readdirSync(sharedPath('reference/lm-eval-prompts')).filter((f) => f.endsWith('.jsonl'));
    expect(files.sort()).toEqual(Object.keys(FILES).sort());
  });

  it.each(Object.entries(FILES))('%s', async (file, [name, numFewshot]) => {
    const task = getBuiltinTask(name);
    const splits = await task.load(DATA);
    const got = buildRequests(task.spec, splits.eval, {
      numFewshot,
      fewshotDocs: splits.fewshot,
      sampler: task.sampler,
      seed: 1234,
      sameSplit: splits.sameSplit,
    });
    const expected = readJsonl(`reference/lm-eval-prompts/${file}`);
    expect(got.length).toBe(expected.length);
    got.forEach((request, i) => expect(request).toEqual(expected[i]));
  });
});

describe('few-shot sampling', () => {
  const pool = Array.from({ length: 20 }, (_, i) => ({ row: i }));

  it('random: one generator per task, continued across docs (README picks for gsm8k docs 0..2)', () => {
    const s = createFewshotSampler({ pool, sampler: 'default', seed: 1234, sameSplit: false });
    const picks = [0, 1, 2].map(() => s.examples(5, { row: -1 }).map((d) => d.row));
    expect(picks).toEqual([[14, 3, 0, 2, 1], [2, 3, 11, 7, 0], [0, 19, 11, 15, 14]]);
  });

  it('random over the full GSM8K train size (set branch of sample)', () => {
    const big = Array.from({ length: 7473 }, (_, i) => i);
    const s = createFewshotSampler({ pool: big, sampler: 'default', seed: 1234, sameSplit: false });
    expect([s.examples(5, -1), s.examples(5, -1)]).toEqual([[6374, 3610, 957, 61, 742], [7462, 6610, 4769, 286, 5501]]);
  });

  it('first_n: the first k rows, the same for every doc', () => {
    const s = createFewshotSampler({ pool, sampler: 'first_n', sameSplit: false });
    expect([s.examples(3, { row: 7 }), s.examples(3, { row: 8 })].map((x) => x.map((d) => d.row))).toEqual([[0, 1, 2], [0, 1, 2]]);
  });

  it('same split: samples k+1 and drops the eval doc (compared by value)', () => {
    const s = createFewshotSampler({ pool, sampler: 'first_n', sameSplit: true });
    expect(s.examples(3, { row: 1 }).map((d) => d.row)).toEqual([0, 2, 3]);
    expect(s.examples(3, { row: 9 }).map((d) => d.row)).toEqual([0, 1, 2]);
  });

  it('rejects more shots than the pool holds, and unknown samplers', () => {
    const s = createFewshotSampler({ pool, sampler: 'default', sameSplit: true });
    expect(() => s.examples(20, pool[0]!)).toThrow('num_fewshot 20 needs 21 few-shot docs but the few-shot split has 20');
    expect(() => createFewshotSampler({ pool, sampler: 'balanced' as 'default', sameSplit: false })).toThrow(AssayError);
  });
});

describe('field resolution (ConfigurableTask.doc_to_*)', () => {
  const spec = (over: Partial<TaskSpec>): TaskDocs =>
    new TaskDocs({ name: 't', outputType: 'multiple_choice', docToText: 'q', docToTarget: 'a', docToChoice: ['x', 'y'], ...over });

  it('a field name returns the field as it is; a template renders', () => {
    const t = spec({ docToText: 'Q: {{q}}', docToTarget: 'label' });
    expect([t.text({ q: 'hi' }), t.target({ label: 1 })]).toEqual(['Q: hi', 1]);
  });

  it('isdigit results become ints only when the task has doc_to_choice', () => {
    expect(spec({ docToTarget: '{{n}}' }).target({ n: '12' })).toBe(12);
    expect(spec({ docToTarget: '{{n}}', docToChoice: undefined, outputType: 'generate_until' }).target({ n: '12' })).toBe('12');
    expect(spec({ docToText: '{{n}}' }).text({ n: '3' })).toBe(3);
  });

  it('doc_to_target literal-evals [..] and keeps it as text when that fails', () => {
    const t = spec({ docToTarget: '{{v}}' });
    expect([t.target({ v: "['a', 'b']" }), t.target({ v: '[not python]' })]).toEqual([['a', 'b'], '[not python]']);
  });

  it('an int target spec is returned as it is; templated choices are literal-evaled', () => {
    const t = spec({ docToTarget: 0, docToChoice: '{{[s1, s2]}}' });
    expect([t.target({}), t.choices({ s1: "it's", s2: 'b"c' })]).toEqual([0, ["it's", 'b"c']]);
  });

  it('few-shot answers: choices[target] for an int target, the first element of a list, else the text', () => {
    expect(spec({ docToTarget: 'a' }).example({ q: 'Q', a: 1 })).toBe('Q y\n\n');
    expect(spec({ docToTarget: ['first', 'second'] }).example({ q: 'Q' })).toBe('Q first\n\n');
    expect(spec({ docToTarget: 'a', docToChoice: undefined, outputType: 'generate_until', targetDelimiter: ': ', fewshotDelimiter: '\n' }).example({ q: 'Q', a: 7 })).toBe('Q: 7\n');
  });

  it('description renders over the eval doc and is prepended at 0-shot; gold from a string target', () => {
    const out = buildRequests(
      { name: 't', outputType: 'multiple_choice', description: 'About {{topic}}.\n', docToText: 'q', docToTarget: 'a', docToChoice: 'opts' },
      [{ topic: 'cats', q: 'Which?', a: 'b', opts: ['a', 'b'] }],
    );
    expect(out).toEqual([{ doc_id: 0, context: 'About cats.\nWhich?', continuations: [' a', ' b'], gold: 1 }]);
  });

  it('generate_until defaults until to the few-shot delimiter', () => {
    const out = buildRequests({ name: 'g', outputType: 'generate_until', docToText: 'q', docToTarget: 'a' }, [{ q: 'Q', a: 'A' }]);
    expect(out).toEqual([{ doc_id: 0, context: 'Q', until: ['\n\n'] }]);
  });

  it('errors name the task and what is valid', () => {
    expect(() => buildRequests({ name: 'm', outputType: 'multiple_choice', docToText: 'q', docToTarget: 'a', docToChoice: 'c' }, [{ q: 'Q', a: 'z', c: ['x'] }])).toThrow(
      'task "m" doc 0: target "z" is not one of the choices',
    );
    expect(() => new TaskDocs({ name: 'm', outputType: 'multiple_choice', docToText: 'q', docToTarget: 'a' })).toThrow('task "m": output_type multiple_choice needs doc_to_choice');
    expect(() => buildRequests({ name: 'g', outputType: 'generate_until', docToText: 'q', docToTarget: 'a' }, [{ q: 'Q' }], { numFewshot: 2 })).toThrow(
      'task "g": num_fewshot 2 needs a few-shot split',
    );
    expect(() => getBuiltinTask('hellaswag')).toThrow(/unknown built-in task "hellaswag"; valid: mmlu_abstract_algebra/);
  });
});

describe('harness edge cases', () => {
  it('an empty few-shot target adds only the question; fewshot_config overrides apply to examples only', () => {
    const out = buildRequests(
      { name: 'e', outputType: 'generate_until', docToText: 'Q{{q}}', docToTarget: '{{a}}', until: ['\n'], fewshot: { docToText: 'S{{q}}' } },
      [{ q: '9', a: 'x' }],
      { numFewshot: 2, fewshotDocs: [{ q: '1', a: '' }, { q: '2', a: 'b' }], sampler: 'first_n' },
    );
    expect(out).toEqual([{ doc_id: 0, context: 'S1S2 b\n\nQ9', until: ['\n'] }]);
  });

  it('a dict doc_to_choice gives its values; an int question without multiple inputs picks a choice', () => {
    const t = new TaskDocs({ name: 'd', outputType: 'multiple_choice', docToText: 'q', docToTarget: 'a', docToChoice: { A: 'yes', B: 'no' } });
    expect(t.choices({})).toEqual(['yes', 'no']);
    expect(t.example({ q: 1, a: 0 })).toBe('no yes\n\n');
  });

  it('multiple inputs: one context per choice with the few-shot prefix, the continuation repeated', () => {
    const spec: TaskSpec = {
      name: 'w',
      outputType: 'multiple_choice',
      docToText: (d) => (d.answer === '1' ? 0 : 1),
      docToTarget: (d) => String(d.rest),
      docToChoice: (d) => [`${String(d.pre)}A`, `${String(d.pre)}B`],
    };
    const out = buildRequests(spec, [{ pre: 'p ', rest: 'end.', answer: '2' }], { numFewshot: 1, fewshotDocs: [{ pre: 'f ', rest: 'r.', answer: '1' }] });
    expect(out).toEqual([{ doc_id: 0, context: ['f A r.\n\np A', 'f A r.\n\np B'], continuations: [' end.', ' end.'], gold: 1 }]);
  });
});

describe('built-in loaders reject malformed originals', () => {
  const dir = mkdtempSync(join(tmpdir(), 'assay-req-'));
  mkdirSync(join(dir, 'piqa'));
  mkdirSync(join(dir, 'mmlu/data/test'), { recursive: true });
  mkdirSync(join(dir, 'mmlu/data/dev'), { recursive: true });
  mkdirSync(join(dir, 'winogrande'));

  it('PIQA labels must be line-aligned integers', async () => {
    writeFileSync(join(dir, 'piqa/valid.jsonl'), '{"goal":"g","sol1":"a","sol2":"b"}\n{"goal":"h","sol1":"c","sol2":"d"}\n');
    writeFileSync(join(dir, 'piqa/valid-labels.lst'), '0\n');
    await expect(getBuiltinTask('piqa').load(dir)).rejects.toThrow('has 1 labels but the data file has 2 rows; they must be line-aligned');
  });

  it('an MMLU answer must be one letter A-D, CRLF records parse like csv.reader', async () => {
    writeFileSync(join(dir, 'mmlu/data/test/abstract_algebra_test.csv'), 'Q1,a,b,c,d,C\r\n"Q, 2",a,b,c,d,E');
    writeFileSync(join(dir, 'mmlu/data/dev/abstract_algebra_dev.csv'), 'Q0,a,b,c,d,A\n');
    await expect(getBuiltinTask('mmlu_abstract_algebra').load(dir)).rejects.toThrow('answer "E" is not one of A, B, C, D');
    writeFileSync(join(dir, 'mmlu/data/test/abstract_algebra_test.csv'), 'Q1,a,b,c,d,C\r\n"Q, 2",a,b,c,d,D');
    const { eval: docs } = await getBuiltinTask('mmlu_abstract_algebra').load(dir);
    expect(docs).toEqual([
      { question: 'Q1', subject: 'abstract_algebra', choices: ['a', 'b', 'c', 'd'], answer: 2 },
      { question: 'Q, 2', subject: 'abstract_algebra', choices: ['a', 'b', 'c', 'd'], answer: 3 },
    ]);
  });

  it('a WinoGrande sentence needs a blank and answer "1" or "2"', async () => {
    const task = getBuiltinTask('winogrande');
    writeFileSync(join(dir, 'winogrande/dev.jsonl'), '{"qID":"q","sentence":"no blank here","option1":"A","option2":"B","answer":"1"}\n');
    const { eval: docs } = await task.load(dir);
    expect(() => buildRequests(task.spec, docs)).toThrow('winogrande sentence has no "_": "no blank here"');
    expect(() => buildRequests(task.spec, [{ sentence: 'x _ y', option1: 'A', option2: 'B', answer: '3' }])).toThrow('winogrande answer "3" is not "1" or "2"');
  });
});
