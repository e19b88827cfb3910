// The harness's request building (lm-evaluation-harness @ 4e7e0d47, plain-text mode) on small
// hand-made specs; few-shot picks from ../shared/reference/lm-eval-prompts/README.md. The
// reference files themselves are reproduced through the built-in benchmarks
// (src/benchmarks/harness-a.test.ts) and `assay tasks render` (test/tasks-cli.test.ts).
import { describe, expect, it } from 'vitest';
import { AssayError } from '../core/errors.js';
import { createFewshotSampler } from './fewshot.js';
import { TaskDocs, buildRequests, type TaskSpec } from './requests.js';

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
