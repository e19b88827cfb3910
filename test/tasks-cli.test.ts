// `assay tasks list|render` end to end through main(). Expected requests: ../shared/reference/
// lm-eval-prompts (lm-evaluation-harness @ 4e7e0d47, plain-text mode, Python json.dumps with
// ensure_ascii=False), compared byte for byte; wikitext counts from Python's re.split / encode.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchmarkGroups } from '../src/benchmarks/registry.js';
import { bufferIO } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import { pyJsonDumps, renderRecord, taskListRows } from '../src/cli/commands/tasks.js';
import { prepareTask } from '../src/engine/prepare.js';
import { countBytes, countWords } from '../src/engine/task-metrics.js';
import { parseTaskConfig } from '../src/tasks/task-config.js';
import { REPO_ROOT, sharedPath, LM_EVAL_PROMPT_FILES } from './support/shared.js';

const DATA = sharedPath('datasets');
const FIXTURES = join(REPO_ROOT, 'test/fixtures/benchmarks');

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = bufferIO();
  const code = await main(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const FILES = LM_EVAL_PROMPT_FILES;

describe('assay tasks render reproduces the harness requests byte for byte', () => {
  it('covers every reference file', () => {
    const files = readdirSync(sharedPath('reference/lm-eval-prompts')).filter((f) => f.endsWith('.jsonl'));
    expect(files.sort()).toEqual(Object.keys(FILES).sort());
  });

  it.each(Object.entries(FILES))('%s', async (file, [task, k]) => {
    const got = await cli('tasks', 'render', task, '--data-dir', DATA, '--num-fewshot', String(k));
    expect(got.stderr).toBe('');
    expect(got.code).toBe(0);
    const expected = readFileSync(sharedPath('reference/lm-eval-prompts', file), 'utf8');
    const lines = got.stdout.split('\n');
    expect(lines.length).toBe(expected.split('\n').length);
    expected.split('\n').forEach((line, i) => expect(lines[i]).toBe(line));
  });

  it("the task's default num_fewshot and seed 1234 when not given (gsm8k: 5-shot)", async () => {
    const got = await cli('tasks', 'render', 'gsm8k', '--data-dir', DATA, '--limit', '3');
    const expected = readFileSync(sharedPath('reference/lm-eval-prompts/gsm8k_5shot.jsonl'), 'utf8').split('\n').slice(0, 3);
    expect(got.stdout).toBe(`${expected.join('\n')}\n`);
    const seeded = await cli('tasks', 'render', 'gsm8k', '--data-dir', DATA, '--limit', '3', '--fewshot-seed', '1234');
    expect(seeded.stdout).toBe(got.stdout);
  });

  it('--fewshot-seed seeds the random sampler (Python: random.Random(7).sample(range(20), 5) == [10, 4, 12, 1, 2])', async () => {
    const got = await cli('tasks', 'render', 'gsm8k', '--data-dir', DATA, '--limit', '1', '--fewshot-seed', '7');
    expect(got.code).toBe(0);
    const train = readFileSync(sharedPath('datasets/gsm8k/train.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { question: string });
    const { context } = JSON.parse(got.stdout) as { context: string };
    const shots = context.split('\n\n').slice(0, 5).map((block) => block.slice('Question: '.length, 'Question: '.length + 30));
    expect(shots).toEqual([10, 4, 12, 1, 2].map((i) => train[i]!.question.slice(0, 30)));
    expect(shots[0]).toBe('A deep-sea monster rises from ');
  });

  it('--limit 0 prints nothing', async () => {
    expect(await cli('tasks', 'render', 'piqa', '--data-dir', DATA, '--limit', '0')).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});

describe('assay tasks render: rolling, groups, task files', () => {
  it('wikitext: word and byte counts of the ORIGINAL page, not the detokenised text scored', async () => {
    const got = await cli('tasks', 'render', 'wikitext', '--data-dir', FIXTURES);
    expect(got.code).toBe(0);
    const rows = got.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => Object.keys(r))).toEqual([
      ['doc_id', 'text', 'word_count', 'byte_count'],
      ['doc_id', 'text', 'word_count', 'byte_count'],
    ]);
    // Python: len(re.split(r"\s+", page)), len(page.encode("utf-8")) on the two fixture pages.
    expect(rows.map((r) => [r.doc_id, r.word_count, r.byte_count])).toEqual([
      [0, 164, 734],
      [1, 64, 305],
    ]);
    expect((rows[0]!.text as string).startsWith(' = Alder Creek Bridge =\n\nThe Alder Creek Bridge is a 1,240-foot (378 m) steel truss bridge')).toBe(true);
    // The detokenised texts are shorter: 669 and 284 bytes (Python len(text.encode())).
    expect(rows.map((r) => countBytes(r.text as string))).toEqual([669, 284]);
  });

  it('a rolling task without process_results counts the scored text (the built-in metrics divide by it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-tasks-'));
    writeFileSync(join(dir, 'pages.jsonl'), `${JSON.stringify({ page: 'Hello  world\n é' })}\n${JSON.stringify({ page: 'one' })}\n`);
    const yaml = join(dir, 'pages.yaml');
    writeFileSync(yaml, 'task: pages\ndataset_path: json\ndataset_kwargs:\n  data_files:\n    test: pages.jsonl\ntest_split: test\noutput_type: loglikelihood_rolling\ndoc_to_target: "{{page}}"\n');
    const got = await cli('tasks', 'render', yaml);
    expect(got.stderr).toBe('');
    // Python: len(re.split(r"\s+", "Hello  world\n é")) == 3, len("Hello  world\n é".encode()) == 16.
    expect(got.stdout).toBe('{"doc_id": 0, "text": "Hello  world\\n é", "word_count": 3, "byte_count": 16}\n{"doc_id": 1, "text": "one", "word_count": 1, "byte_count": 3}\n');
  });

  it('counts come from a process_results hook when the task has one', async () => {
    const config = parseTaskConfig('task: detok\ndataset_path: example/pages\ntest_split: test\noutput_type: loglikelihood_rolling\ndoc_to_target: page\nmetric_list:\n  - metric: word_perplexity\n  - metric: byte_perplexity\n', 'detok.yaml');
    const page = 'a @-@ b , c';
    const task = await prepareTask(config, {
      splits: async () => ({ eval: [{ page }], sameSplit: false, hash: 'h' }),
      hooks: {
        docToTarget: (doc) => String(doc.page).replaceAll(' @-@ ', '-'),
        processResults: (doc, o) => ({
          word_perplexity: { item: [o.kind === 'loglikelihood_rolling' ? o.logprob : 0, countWords(String(doc.page))], score: 0 },
          byte_perplexity: { item: [0, countBytes(String(doc.page))], score: 0 },
        }),
      },
    });
    expect(renderRecord(task, 0)).toEqual({ doc_id: 0, text: 'a-b , c', word_count: 5, byte_count: 11 });
  });

  it('a group renders its tasks in order, each line led by its task', async () => {
    // One tiny release CSV per mmlu_stem subject (test and dev).
    const dir = mkdtempSync(join(tmpdir(), 'assay-mmlu-'));
    const members = benchmarkGroups.get('mmlu_stem').members;
    for (const split of ['test', 'dev']) {
      mkdirSync(join(dir, 'mmlu/data', split), { recursive: true });
      for (const task of members) writeFileSync(join(dir, 'mmlu/data', split, `${task.slice('mmlu_'.length)}_${split}.csv`), `${split} question of ${task}?,w,x,y,z,C\n`);
    }
    const got = await cli('tasks', 'render', 'mmlu_stem', '--data-dir', dir, '--num-fewshot', '1');
    expect(got.stderr).toBe('');
    const lines = got.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(19);
    expect(lines.map((l) => (JSON.parse(l) as { task: string }).task)).toEqual(members);
    expect(lines[0]).toBe(
      '{"task": "mmlu_abstract_algebra", "doc_id": 0, "context": "The following are multiple choice questions (with answers) about abstract algebra.\\n\\ndev question of mmlu_abstract_algebra?\\nA. w\\nB. x\\nC. y\\nD. z\\nAnswer: C\\n\\ntest question of mmlu_abstract_algebra?\\nA. w\\nB. x\\nC. y\\nD. z\\nAnswer:", "continuations": [" A", " B", " C", " D"], "gold": 2}',
    );
  });

  it('two-task group from release fixtures (ai2_arc)', async () => {
    const got = await cli('tasks', 'render', 'ai2_arc', '--data-dir', FIXTURES, '--limit', '1');
    expect(got.stdout.split('\n').map((l) => l.slice(0, 40))).toEqual(['{"task": "arc_easy", "doc_id": 0, "conte', '{"task": "arc_challenge", "doc_id": 0, "', '']);
  });
});

describe('pyJsonDumps', () => {
  it('escapes as Python json.dumps(ensure_ascii=False)', () => {
    // python3 -c 'import json; print(json.dumps({...}, ensure_ascii=False))'
    const value = { doc_id: 3, context: 'tab\there "q" back\\slash \x00\x01\x1f\x7f é ’ \u2028 😀 </s>', until: ['\n\n', '/'], gold: [0, 2] };
    expect(pyJsonDumps(value)).toBe('{"doc_id": 3, "context": "tab\\there \\"q\\" back\\\\slash \\u0000\\u0001\\u001f\x7f é ’ \u2028 😀 </s>", "until": ["\\n\\n", "/"], "gold": [0, 2]}');
  });
});

describe('assay tasks list', () => {
  it('json: exact rows of known tasks and groups', async () => {
    const got = await cli('tasks', 'list', '--format', 'json');
    expect(got.code).toBe(0);
    const list = JSON.parse(got.stdout) as ReturnType<typeof taskListRows>;
    const row = (name: string) => list.tasks.find((t) => t.name === name);
    expect(row('gsm8k')).toEqual({ name: 'gsm8k', output_type: 'generate_until', num_fewshot: 5, metrics: ['exact_match'], groups: [] });
    expect(row('mmlu_anatomy')).toEqual({ name: 'mmlu_anatomy', output_type: 'multiple_choice', num_fewshot: 0, metrics: ['acc'], groups: ['mmlu_stem', 'mmlu'] });
    expect(row('hellaswag')).toEqual({ name: 'hellaswag', output_type: 'multiple_choice', num_fewshot: 0, metrics: ['acc', 'acc_norm'], groups: [] });
    expect(row('wikitext')).toEqual({ name: 'wikitext', output_type: 'loglikelihood_rolling', num_fewshot: 0, metrics: ['word_perplexity', 'byte_perplexity', 'bits_per_byte'], groups: [] });
    const mmlu = list.groups.find((g) => g.name === 'mmlu');
    expect(mmlu).toEqual({ name: 'mmlu', members: ['mmlu_stem', 'mmlu_other', 'mmlu_social_sciences', 'mmlu_humanities'], metrics: ['acc'], tasks: 57, groups: [] });
    expect(list.groups.find((g) => g.name === 'mmlu_stem')?.groups).toEqual(['mmlu']);
    expect(list.tasks.map((t) => t.name)).toEqual([...list.tasks.map((t) => t.name)].sort());
  });

  it('text: one aligned row per task, then the groups', async () => {
    const got = await cli('tasks', 'list');
    expect(got.code).toBe(0);
    const lines = got.stdout.split('\n');
    expect(lines[0]!.split(/\s+/)).toEqual(['task', 'output_type', 'num_fewshot', 'metrics', 'groups']);
    expect(lines.find((l) => l.startsWith('gsm8k '))!.split(/\s+/)).toEqual(['gsm8k', 'generate_until', '5', 'exact_match', '-']);
    expect(lines.find((l) => l.startsWith('mmlu_anatomy '))!.split(/\s+/)).toEqual(['mmlu_anatomy', 'multiple_choice', '0', 'acc', 'mmlu_stem,mmlu']);
    expect(lines.find((l) => l.startsWith('mmlu '))!.split(/\s+/)).toEqual(['mmlu', '57', 'acc', 'mmlu_stem,mmlu_other,mmlu_social_sciences,mmlu_humanities']);
    expect(lines.find((l) => l.startsWith('group '))!.split(/\s+/)).toEqual(['group', 'tasks', 'metrics', 'members']);
  });
});

describe('assay tasks: bad input', () => {
  it('an unknown task names the closest built-in', async () => {
    const got = await cli('tasks', 'render', 'mmlu_anatomyy', '--data-dir', DATA);
    expect(got.code).toBe(2);
    expect(got.stderr.startsWith('assay: error: unknown built-in task or group "mmlu_anatomyy"; did you mean "mmlu_anatomy"?')).toBe(true);
  });

  it('bad flags name the flag and what is valid', async () => {
    expect(await cli('tasks', 'render', 'piqa', '--format', 'json')).toEqual({ code: 2, stdout: '', stderr: 'assay: error: --format must be one of jsonl, got "json"\n' });
    expect(await cli('tasks', 'render', 'piqa', '--limit', 'x')).toEqual({ code: 2, stdout: '', stderr: 'assay: error: --limit expects an integer from 0 to 9007199254740991, got "x"\n' });
    expect(await cli('tasks', 'render', 'piqa', '--num-fewshot', '1.5')).toEqual({ code: 2, stdout: '', stderr: 'assay: error: --num-fewshot expects an integer from 0 to 9007199254740991, got "1.5"\n' });
    expect(await cli('tasks', 'list', '--format', 'yaml')).toEqual({ code: 2, stdout: '', stderr: 'assay: error: --format must be one of text, json, got "yaml"\n' });
  });

  it('a missing release file names the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-empty-'));
    const got = await cli('tasks', 'render', 'piqa', '--data-dir', dir);
    expect(got.code).toBe(2);
    expect(got.stderr).toContain(join(dir, 'piqa'));
  });
});
