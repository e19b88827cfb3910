// End-to-end: `assay runs list|show|export` through the CLI entry over a store populated with
// the ResultStore API (fixed clock and ids), checked as exact text, JSON and CSV.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIO } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import { resultsFileText } from '../src/engine/results-file.js';
import { SQLiteStore } from '../src/store/sqlite.js';
import type { Run, RunProvenance, Sample } from '../src/store/types.js';

const A = '01KJVKTDZMB9D5MPJTB9D5MPJT';
const B = '01KJVKTGXCB9D5MPJTB9D5MPJT';
const C = '01KJVKTKV4B9D5MPJTB9D5MPJT';
/** Whether text holds a terminal control character other than the newline that ends lines (C0, DEL, C1, bidi overrides). */
function hasControl(text: string): boolean {
  return [...text].some((ch) => {
    const c = ch.codePointAt(0) as number;
    return (c < 0x20 && c !== 0x0a) || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
  });
}

const dir = mkdtempSync(join(tmpdir(), 'assay-runs-'));
const STORE = join(dir, 'assay.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIO();
  const code = await main(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

function provenance(model: string, tasks: string[]): RunProvenance {
  return {
    model,
    modelParams: { temperature: 0, max_tokens: 64 },
    tasks: tasks.map((task, i) => ({ task, taskFileHash: `${i}f`.repeat(32), dataHash: `${i}d`.repeat(32), templateHash: `${i}e`.repeat(32), fewshotSeed: i === 0 ? null : 1234 })),
    seed: 42,
    toolVersion: '0.1.0',
    gitCommit: '0123456789abcdef0123456789abcdef01234567',
  };
}

function sample(task: string, docId: number, over: Partial<Sample> = {}): Sample {
  return {
    task, docId, repeat: 0, inputs: { question: `q${docId}` }, prompt: `Question ${docId}?\nAnswer:`, rawResponse: ` yes`, filteredAnswer: 'yes',
    scores: { acc: 1 }, status: 'scored', errorReason: null, latencyMs: 120, inputTokens: 8, outputTokens: 1, costUsd: 0.00002, cached: false, ...over,
  };
}

beforeAll(async () => {
  let time = Date.parse('2026-03-04T05:06:07.000Z');
  const store = SQLiteStore.open(STORE, { now: () => new Date((time += 1500)), random: (n) => new Uint8Array(n).fill(0x5a) });
  // A finished two-task run with tags.
  const a = await store.createRun(provenance('openai:gpt-4o-mini', ['boolq', 'gsm8k']));
  await store.appendSamples(a, [
    sample('boolq', 0),
    sample('boolq', 1, { rawResponse: ' no\u001b[2J\u0007', filteredAnswer: 'no', scores: { acc: 0 }, cached: true, costUsd: 0 }),
    sample('boolq', 2, { prompt: `Passage: ${'long text '.repeat(10)}\nQuestion: is it?`, rawResponse: null, filteredAnswer: null, scores: {}, status: 'error', errorReason: 'HTTP 429: rate limited', latencyMs: null, inputTokens: null, outputTokens: null, costUsd: null }),
    sample('gsm8k', 0, { prompt: 'Q: 2+2?\nA:', rawResponse: ' 4, "four"\nThe answer is 4.', filteredAnswer: '4', scores: { exact_match: 1 } }),
  ]);
  await store.setAggregates(a, [
    { task: 'boolq', metric: 'acc', filter: 'none', value: 0.5, n: 2, stderr: 0.5, ciLow: 0.09453120573177616, ciHigh: 0.9054687942682238, method: 'wilson', seed: null },
    { task: 'gsm8k', metric: 'exact_match', filter: 'strict-match', value: 1, n: 1, stderr: null, ciLow: null, ciHigh: null, method: null, seed: null },
    { task: 'gsm8k', metric: 'exact_match', filter: 'flexible-extract', value: Number.NaN, n: 1, stderr: null, ciLow: 0.2, ciHigh: 1, method: 'bootstrap-percentile', seed: 7 },
  ]);
  await store.finishRun(a, 'finished', { samples: 4, errors: 1, cached: 1, inputTokens: 24, outputTokens: 3, costUsd: 0.00004 });
  await store.addTag(a, 'baseline');
  await store.addTag(a, 'nightly');
  // An interrupted run of another model.
  const b = await store.createRun(provenance('llama:stories260K.gguf', ['boolq']));
  await store.appendSamples(b, [sample('boolq', 0, { scores: { acc: 0 }, rawResponse: ' abc\u202edef\r\n' })]);
  await store.finishRun(b, 'interrupted', { samples: 1, errors: 0, cached: 0, inputTokens: 8, outputTokens: 1, costUsd: 0 });
  // A run still going: no totals.
  const c = await store.createRun(provenance('openai:gpt-4o-mini', ['piqa']));
  expect([a, b, c]).toStrictEqual([A, B, C]);
  await store.close();
});

const SHOW_A_HEAD = [
  `run       ${A}`,
  'status    finished',
  'model     openai:gpt-4o-mini',
  'params    {"temperature":0,"max_tokens":64}',
  'created   2026-03-04T05:06:08.500Z',
  'finished  2026-03-04T05:06:10.000Z',
  'seed      42',
  'tool      assay 0.1.0, git 0123456789abcdef0123456789abcdef01234567',
  'tags      baseline, nightly',
  'totals    samples 4, errors 1, cached 1, input tokens 24, output tokens 3, cost $0.000040',
  '',
  'task   task file      data           template       few-shot seed',
  'boolq  0f0f0f0f0f0f…  0d0d0d0d0d0d…  0e0e0e0e0e0e…              -',
  'gsm8k  1f1f1f1f1f1f…  1d1d1d1d1d1d…  1e1e1e1e1e1e…           1234',
  '',
];

const lines = (...l: string[]) => l.map((x) => `${x}\n`).join('');

describe('assay runs list', () => {
  it('prints an aligned table, newest first (a running run has no totals yet)', async () => {
    expect(await run(['runs', 'list', '--store', STORE])).toStrictEqual({
      code: 0,
      err: '',
      out: lines(
        'id                          created (UTC)        status       model                   tasks        samples  errors  cost_usd  tags',
        `${C}  2026-03-04 05:06:14  running      openai:gpt-4o-mini      piqa               -       -         -`,
        `${B}  2026-03-04 05:06:11  interrupted  llama:stories260K.gguf  boolq              1       0  0.000000`,
        `${A}  2026-03-04 05:06:08  finished     openai:gpt-4o-mini      boolq,gsm8k        4       1  0.000040  baseline,nightly`,
      ),
    });
  });

  it('--format json gives {id, created, finished, status, model, tasks, totals, tags} per run', async () => {
    const r = await run(['runs', 'list', '--format', 'json', '--store', STORE]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      `${JSON.stringify([
        { id: C, created: '2026-03-04T05:06:14.500Z', finished: null, status: 'running', model: 'openai:gpt-4o-mini', tasks: ['piqa'], totals: null, tags: [] },
        {
          id: B, created: '2026-03-04T05:06:11.500Z', finished: '2026-03-04T05:06:13.000Z', status: 'interrupted', model: 'llama:stories260K.gguf', tasks: ['boolq'],
          totals: { samples: 1, errors: 0, cached: 0, inputTokens: 8, outputTokens: 1, costUsd: 0 }, tags: [],
        },
        {
          id: A, created: '2026-03-04T05:06:08.500Z', finished: '2026-03-04T05:06:10.000Z', status: 'finished', model: 'openai:gpt-4o-mini', tasks: ['boolq', 'gsm8k'],
          totals: { samples: 4, errors: 1, cached: 1, inputTokens: 24, outputTokens: 3, costUsd: 0.00004 }, tags: ['baseline', 'nightly'],
        },
      ])}\n`,
    );
  });

  it.each([
    [['--model', 'openai:gpt-4o-mini'], [C, A]],
    [['--task', 'boolq'], [B, A]],
    [['--status', 'interrupted'], [B]],
    [['--tag', 'nightly'], [A]],
    [['--limit', '2'], [C, B]],
    [['--model', 'openai:gpt-4o-mini', '--status', 'finished', '--task', 'gsm8k'], [A]],
    [['--tag', 'none-such'], []],
  ])('filters %j', async (flags, expected) => {
    const r = await run(['runs', 'list', '--format', 'json', ...flags, '--store', STORE]);
    expect((JSON.parse(r.out) as Array<{ id: string }>).map((x) => x.id)).toStrictEqual(expected);
  });

  it('says so when no run matches, or when there is no store (without creating one)', async () => {
    expect((await run(['runs', 'list', '--tag', 'none-such', '--store', STORE])).out).toBe(`no runs in ${STORE} match\n`);
    const missing = join(dir, 'missing', 'assay.db');
    expect(await run(['runs', 'list', '--store', missing])).toStrictEqual({ code: 0, out: `no results store at ${missing}\n`, err: '' });
    expect(await run(['runs', 'list', '--format', 'json', '--store', missing])).toStrictEqual({ code: 0, out: '[]\n', err: '' });
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('reads the store named by ASSAY_STORE when --store is absent', async () => {
    const saved = process.env.ASSAY_STORE;
    process.env.ASSAY_STORE = STORE;
    try {
      const r = await run(['runs', 'list', '--format', 'json', '--limit', '1']);
      expect((JSON.parse(r.out) as Array<{ id: string }>).map((x) => x.id)).toStrictEqual([C]);
    } finally {
      if (saved === undefined) delete process.env.ASSAY_STORE;
      else process.env.ASSAY_STORE = saved;
    }
  });

  it.each([
    [['--status', 'done'], 'assay: error: --status must be one of running, finished, interrupted, failed, got "done"\n'],
    [['--limit', '0'], 'assay: error: --limit expects an integer from 1 to 1000000000, got "0"\n'],
    [['--format', 'yaml'], 'assay: error: --format must be one of text, json, got "yaml"\n'],
  ])('refuses %j', async (flags, message) => {
    expect(await run(['runs', 'list', ...flags, '--store', STORE])).toStrictEqual({ code: 2, out: '', err: message });
  });
});

describe('assay runs show', () => {
  it('prints provenance, totals and the aggregates table (value, CI, stderr, n, method)', async () => {
    expect(await run(['runs', 'show', A, '--store', STORE])).toStrictEqual({
      code: 0,
      err: '',
      out: lines(
        ...SHOW_A_HEAD,
        'task   metric       filter             value  ci                stderr  n  method',
        'boolq  acc          none              0.5000  [0.0945, 0.9055]  0.5000  2  wilson',
        'gsm8k  exact_match  flexible-extract     NaN  [0.2000, 1.0000]       -  1  bootstrap-percentile (seed 7)',
        'gsm8k  exact_match  strict-match      1.0000  -                      -  1  -',
      ),
    });
  });

  it('a running run: no finish time, tags, totals or aggregates', async () => {
    expect((await run(['runs', 'show', C, '--store', STORE])).out).toBe(
      lines(
        `run       ${C}`,
        'status    running',
        'model     openai:gpt-4o-mini',
        'params    {"temperature":0,"max_tokens":64}',
        'created   2026-03-04T05:06:14.500Z',
        'finished  -',
        'seed      42',
        'tool      assay 0.1.0, git 0123456789abcdef0123456789abcdef01234567',
        'tags      -',
        'totals    -',
        '',
        'task  task file      data           template       few-shot seed',
        'piqa  0f0f0f0f0f0f…  0d0d0d0d0d0d…  0e0e0e0e0e0e…              -',
        '',
        'no aggregates',
      ),
    );
  });

  it('--samples pages one task: prompts and responses clipped to 40 characters, control characters escaped', async () => {
    const r = await run(['runs', 'show', A, '--samples', '--task', 'boolq', '--store', STORE]);
    expect(r.out).toBe(
      lines(
        ...SHOW_A_HEAD,
        'task   metric  filter   value  ci                stderr  n  method',
        'boolq  acc     none    0.5000  [0.0945, 0.9055]  0.5000  2  wilson',
        '',
        'samples of boolq: 1-3 of 3',
        'doc  repeat  status  scores  prompt                                    response                         answer',
        '  0       0  scored  acc=1   Question 0?\\nAnswer:                       yes                             yes',
        '  1       0  scored  acc=0   Question 1?\\nAnswer:                       no\\x1b[2J\\x07                   no',
        '  2       0  error   -       Passage: long text long text long text …  (error: HTTP 429: rate limited)  -',
      ),
    );
    expect(hasControl(r.out)).toBe(false);
  });

  it('--offset and --limit choose the page and say where the next one starts', async () => {
    const r = await run(['runs', 'show', A, '--samples', '--task', 'boolq', '--offset', '1', '--limit', '1', '--store', STORE]);
    expect(r.out.slice(r.out.indexOf('samples of'))).toBe(
      lines(
        'samples of boolq: 2-2 of 3; --offset 2 for the next page',
        'doc  repeat  status  scores  prompt                response        answer',
        '  1       0  scored  acc=0   Question 1?\\nAnswer:   no\\x1b[2J\\x07  no',
      ),
    );
    const past = await run(['runs', 'show', A, '--samples', '--task', 'boolq', '--offset', '5', '--store', STORE]);
    expect(past.out.slice(past.out.indexOf('samples of'))).toBe('samples of boolq: none at offset 5 (3 in all)\n');
  });

  it('escapes bidirectional overrides and carriage returns too; a one-task run needs no --task', async () => {
    const r = await run(['runs', 'show', B, '--samples', '--store', STORE]);
    expect(r.out.slice(r.out.indexOf('samples of'))).toBe(
      lines(
        'samples of boolq: 1-1 of 1',
        'doc  repeat  status  scores  prompt                response           answer',
        '  0       0  scored  acc=0   Question 0?\\nAnswer:   abc\\u202edef\\r\\n  yes',
      ),
    );
    expect(hasControl(r.out)).toBe(false);
  });

  it('--format json gives the run, its aggregates (NaN as null) and the page with whole samples', async () => {
    const r = await run(['runs', 'show', A, '--format', 'json', '--samples', '--task', 'gsm8k', '--store', STORE]);
    expect(JSON.parse(r.out)).toStrictEqual({
      run: {
        id: A, created: '2026-03-04T05:06:08.500Z', finished: '2026-03-04T05:06:10.000Z', status: 'finished', model: 'openai:gpt-4o-mini', tasks: ['boolq', 'gsm8k'],
        totals: { samples: 4, errors: 1, cached: 1, inputTokens: 24, outputTokens: 3, costUsd: 0.00004 }, tags: ['baseline', 'nightly'],
        provenance: provenance('openai:gpt-4o-mini', ['boolq', 'gsm8k']),
      },
      aggregates: [
        { task: 'gsm8k', metric: 'exact_match', filter: 'flexible-extract', value: null, n: 1, stderr: null, ciLow: 0.2, ciHigh: 1, method: 'bootstrap-percentile', seed: 7 },
        { task: 'gsm8k', metric: 'exact_match', filter: 'strict-match', value: 1, n: 1, stderr: null, ciLow: null, ciHigh: null, method: null, seed: null },
      ],
      samples: {
        task: 'gsm8k', offset: 0, limit: 20, total: 1,
        samples: [sample('gsm8k', 0, { prompt: 'Q: 2+2?\nA:', rawResponse: ' 4, "four"\nThe answer is 4.', filteredAnswer: '4', scores: { exact_match: 1 } })],
      },
    });
  });

  it('accepts a unique id prefix, in either case', async () => {
    expect((await run(['runs', 'show', '01KJVKTG', '--store', STORE])).out.split('\n')[0]).toBe(`run       ${B}`);
    expect((await run(['runs', 'show', '01kjvktk', '--store', STORE])).out.split('\n')[0]).toBe(`run       ${C}`);
  });

  it.each([
    [['01KJ'], `assay: error: run id prefix "01KJ" matches 3 runs in ${STORE} (${C}, ${B}, ${A}); give more characters\n`],
    [['01KJVKTDZMB9D5MPJTB9D5MPJX'], `assay: error: unknown run id "01KJVKTDZMB9D5MPJTB9D5MPJX" in ${STORE}; did you mean ${A}? (\`assay runs list\` shows the stored runs)\n`],
    [['nope'], `assay: error: unknown run id "nope" in ${STORE} (\`assay runs list\` shows the stored runs)\n`],
    [[''], 'assay: error: the run id is empty (`assay runs list` shows the stored runs)\n'],
    [[A, '--samples'], `assay: error: run ${A} has 2 tasks; choose one with --task (boolq, gsm8k)\n`],
    [[A, '--task', 'boolk'], `assay: error: run ${A}: unknown task "boolk"; did you mean "boolq"? (valid: boolq, gsm8k)\n`],
    [[A, '--samples', '--task', 'boolq', '--offset', '-1'], 'assay: error: --offset expects an integer from 0 to 9007199254740991, got "-1"\n'],
  ])('refuses %j', async (args, message) => {
    expect(await run(['runs', 'show', ...args, '--store', STORE])).toStrictEqual({ code: 2, out: '', err: message });
  });

  it('a missing store is an error naming it', async () => {
    const missing = join(dir, 'none.db');
    expect(await run(['runs', 'show', A, '--store', missing])).toStrictEqual({
      code: 2,
      out: '',
      err: `assay: error: no results store at ${missing} (set --store or $ASSAY_STORE; \`assay run\` creates one)\n`,
    });
    expect(existsSync(missing)).toBe(false);
  });
});

const CSV_A =
  'run_id,task,doc_id,repeat,status,error_reason,filtered_answer,raw_response,latency_ms,input_tokens,output_tokens,cost_usd,cached,acc,exact_match\r\n' +
  `${A},boolq,0,0,scored,,yes, yes,120,8,1,0.00002,false,1,\r\n` +
  `${A},boolq,1,0,scored,,no, no\u001b[2J\u0007,120,8,1,0,true,0,\r\n` +
  `${A},boolq,2,0,error,HTTP 429: rate limited,,,,,,,false,,\r\n` +
  `${A},gsm8k,0,0,scored,,4," 4, ""four""\nThe answer is 4.",120,8,1,0.00002,false,,1\r\n`;

function jsonlA(): string {
  const row = (s: Sample) => JSON.stringify({
    run_id: A, task: s.task, doc_id: s.docId, repeat: s.repeat, inputs: s.inputs, prompt: s.prompt, raw_response: s.rawResponse, filtered_answer: s.filteredAnswer,
    scores: s.scores, status: s.status, error_reason: s.errorReason, latency_ms: s.latencyMs, input_tokens: s.inputTokens, output_tokens: s.outputTokens, cost_usd: s.costUsd, cached: s.cached,
  });
  return [
    sample('boolq', 0),
    sample('boolq', 1, { rawResponse: ' no\u001b[2J\u0007', filteredAnswer: 'no', scores: { acc: 0 }, cached: true, costUsd: 0 }),
    sample('boolq', 2, { prompt: `Passage: ${'long text '.repeat(10)}\nQuestion: is it?`, rawResponse: null, filteredAnswer: null, scores: {}, status: 'error', errorReason: 'HTTP 429: rate limited', latencyMs: null, inputTokens: null, outputTokens: null, costUsd: null }),
    sample('gsm8k', 0, { prompt: 'Q: 2+2?\nA:', rawResponse: ' 4, "four"\nThe answer is 4.', filteredAnswer: '4', scores: { exact_match: 1 } }),
  ].map((s) => `${row(s)}\n`).join('');
}

describe('assay runs export', () => {
  it('--format csv: one RFC 4180 row per sample, a column per metric, blanks where a score is absent', async () => {
    expect(await run(['runs', 'export', A, '--format', 'csv', '--store', STORE])).toStrictEqual({ code: 0, out: CSV_A, err: '' });
  });

  it('--format jsonl: one whole sample per line, every task', async () => {
    expect(await run(['runs', 'export', A, '--format', 'jsonl', '--store', STORE])).toStrictEqual({ code: 0, out: jsonlA(), err: '' });
  });

  it('--format json (the default): the harness-layout results file', async () => {
    const store = SQLiteStore.open(STORE);
    const stored = (await store.getRun(A)) as Run;
    const expected = resultsFileText({ run: stored, aggregates: await store.aggregates(A), tags: ['baseline', 'nightly'] });
    await store.close();
    const r = await run(['runs', 'export', A.slice(0, 9), '--store', STORE]);
    expect(r).toStrictEqual({ code: 0, out: expected, err: '' });
    const file = JSON.parse(r.out) as { results: Record<string, Record<string, unknown>>; assay: { run_id: string } };
    expect(file.results.boolq['acc,none']).toBe(0.5);
    expect(file.results.boolq['acc_stderr,none']).toBe(0.5);
    expect(file.results.boolq['acc_ci,none']).toStrictEqual([0.09453120573177616, 0.9054687942682238]);
    expect(file.results.gsm8k['exact_match,flexible-extract']).toBe(null);
    expect(file.assay.run_id).toBe(A);
  });

  it('--output writes the file atomically (creating folders) and says what it wrote', async () => {
    for (const [format, expected] of [['csv', CSV_A], ['jsonl', jsonlA()]] as const) {
      const path = join(dir, 'out', format, `run.${format}`);
      expect(await run(['runs', 'export', A, '--format', format, '--output', path, '--store', STORE])).toStrictEqual({ code: 0, out: `wrote ${path} (4 samples)\n`, err: '' });
      expect(readFileSync(path, 'utf8')).toBe(expected);
    }
    const path = join(dir, 'out', 'results.json');
    expect(await run(['runs', 'export', A, '-o', path, '--store', STORE])).toStrictEqual({ code: 0, out: `wrote ${path}\n`, err: '' });
    expect((JSON.parse(readFileSync(path, 'utf8')) as { assay: { run_id: string } }).assay.run_id).toBe(A);
  });

  it.each([
    [[A, '--format', 'parquet'], 'assay: error: --format must be one of json, jsonl, csv, got "parquet"\n'],
    [['ZZZZ'], `assay: error: unknown run id "ZZZZ" in ${STORE} (\`assay runs list\` shows the stored runs)\n`],
  ])('refuses %j', async (args, message) => {
    expect(await run(['runs', 'export', ...args, '--store', STORE])).toStrictEqual({ code: 2, out: '', err: message });
  });
});
