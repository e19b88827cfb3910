// The results file against lm-evaluation-harness's layout (evaluator_utils._to_eval_results +
// simple_evaluate + EvaluationTracker at 4e7e0d4), the atomic writer, and the samples export.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAssayError } from '../core/errors.js';
import { SQLiteStore } from '../store/sqlite.js';
import type { Aggregate, Run, Sample } from '../store/types.js';
import { csvLine, resultsFile, resultsFileText, tasksOfRun, sampleFileChunks, writeFileAtomic, writeResultsFile, type FileChunk } from './results-file.js';

const dir = mkdtempSync(join(tmpdir(), 'assay-results-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HASH = (c: string) => c.repeat(64);

const RUN: Run = {
  id: '01KDYAK3SE0W3GE1R70W3GE1R7',
  createdAt: '2026-01-02T03:04:05.250Z',
  finishedAt: '2026-01-02T03:05:10.750Z',
  status: 'finished',
  model: 'hf:EleutherAI/pythia-14m',
  provenance: {
    model: 'hf:EleutherAI/pythia-14m',
    modelParams: { temperature: 0, max_tokens: 32 },
    tasks: [
      { task: 'piqa', taskFileHash: HASH('a'), dataHash: HASH('b'), templateHash: HASH('c'), fewshotSeed: null },
      { task: 'gsm8k', taskFileHash: HASH('d'), dataHash: HASH('e'), templateHash: HASH('f'), fewshotSeed: 1234 },
    ],
    seed: 42,
    toolVersion: '0.1.0',
    gitCommit: '0123456789abcdef0123456789abcdef01234567',
  },
  totals: { samples: 60, errors: 2, cached: 5, inputTokens: 12000, outputTokens: 800, costUsd: 0.0125 },
};

function agg(task: string, metric: string, filter: string, value: number, n: number, stderr: number | null, ci: [number, number] | null, method: string | null, seed: number | null): Aggregate {
  return { task, metric, filter, value, n, stderr, ciLow: ci?.[0] ?? null, ciHigh: ci?.[1] ?? null, method, seed };
}

// As the store returns them: sorted by task, metric, filter.
const AGGREGATES: Aggregate[] = [
  agg('gsm8k', 'exact_match', 'flexible-extract', 0.35, 20, 0.10942433098048311, [0.18, 0.55], 'bootstrap-percentile', 1234),
  agg('gsm8k', 'exact_match', 'strict-match', Number.NaN, 20, Number.NaN, null, null, null),
  agg('piqa', 'acc', 'none', 0.625, 40, 0.07752170911434976, [0.4699, 0.7592], 'wilson', null),
  agg('piqa', 'acc_norm', 'none', 0.6, 40, null, null, null, null),
];

const CONFIGS: Record<string, unknown> = {
  piqa: {
    task: 'piqa',
    task_alias: null,
    num_fewshot: 0,
    metric_list: [
      { metric: 'acc', aggregation: 'mean', higher_is_better: true },
      { metric: 'acc_norm', aggregation: 'mean', higher_is_better: true },
    ],
    metadata: { version: 1.0 },
    version: 1,
    weight: Number.NaN,
    dropped: undefined,
  },
  gsm8k: {
    task: 'gsm8k',
    task_alias: 'GSM8K (5-shot)',
    num_fewshot: 5,
    metric_list: [{ metric: 'exact_match', aggregation: 'mean', higher_is_better: true }],
    metadata: { version: 3.0 },
  },
};

describe('resultsFile', () => {
  it('gives the harness layout with assay fields beside it, exactly', () => {
    expect(resultsFile({ run: RUN, aggregates: AGGREGATES, tags: ['baseline'], configs: CONFIGS, originalDocs: { piqa: 1838 } })).toStrictEqual({
      results: {
        piqa: {
          name: 'piqa',
          alias: 'piqa',
          sample_len: 40,
          'acc,none': 0.625,
          'acc_stderr,none': 0.07752170911434976,
          'acc_ci,none': [0.4699, 0.7592],
          'acc_n,none': 40,
          'acc_norm,none': 0.6,
          'acc_norm_stderr,none': 'N/A',
          'acc_norm_ci,none': null,
          'acc_norm_n,none': 40,
        },
        gsm8k: {
          name: 'gsm8k',
          alias: 'GSM8K (5-shot)',
          sample_len: 20,
          'exact_match,flexible-extract': 0.35,
          'exact_match_stderr,flexible-extract': 0.10942433098048311,
          'exact_match_ci,flexible-extract': [0.18, 0.55],
          'exact_match_n,flexible-extract': 20,
          'exact_match,strict-match': null,
          'exact_match_stderr,strict-match': 'N/A',
          'exact_match_ci,strict-match': null,
          'exact_match_n,strict-match': 20,
        },
      },
      group_subtasks: {},
      configs: {
        gsm8k: CONFIGS.gsm8k,
        piqa: {
          task: 'piqa',
          task_alias: null,
          num_fewshot: 0,
          metric_list: [
            { metric: 'acc', aggregation: 'mean', higher_is_better: true },
            { metric: 'acc_norm', aggregation: 'mean', higher_is_better: true },
          ],
          metadata: { version: 1 },
          version: 1,
          weight: null,
        },
      },
      versions: { gsm8k: 3, piqa: 1 },
      'n-shot': { gsm8k: 5, piqa: 0 },
      higher_is_better: { gsm8k: { exact_match: true }, piqa: { acc: true, acc_norm: true } },
      'n-samples': { piqa: { original: 1838, effective: 40 }, gsm8k: { original: 20, effective: 20 } },
      config: {
        model: 'hf:EleutherAI/pythia-14m',
        model_args: null,
        gen_kwargs: { temperature: 0, max_tokens: 32 },
        random_seed: 42,
        fewshot_seed: 1234,
      },
      git_hash: '0123456789abcdef0123456789abcdef01234567',
      date: 1767323045.25,
      task_hashes: {},
      model_source: 'hf',
      model_name: 'EleutherAI/pythia-14m',
      model_name_sanitized: 'EleutherAI__pythia-14m',
      total_evaluation_time_seconds: '65.5',
      assay: {
        run_id: '01KDYAK3SE0W3GE1R70W3GE1R7',
        status: 'finished',
        started: '2026-01-02T03:04:05.250Z',
        finished: '2026-01-02T03:05:10.750Z',
        tags: ['baseline'],
        provenance: {
          model: 'hf:EleutherAI/pythia-14m',
          model_params: { temperature: 0, max_tokens: 32 },
          seed: 42,
          tool_version: '0.1.0',
          git_commit: '0123456789abcdef0123456789abcdef01234567',
          tasks: {
            piqa: { task_file_hash: HASH('a'), data_hash: HASH('b'), template_hash: HASH('c'), fewshot_seed: null },
            gsm8k: { task_file_hash: HASH('d'), data_hash: HASH('e'), template_hash: HASH('f'), fewshot_seed: 1234 },
          },
        },
        totals: { samples: 60, errors: 2, cached: 5, input_tokens: 12000, output_tokens: 800, cost_usd: 0.0125 },
        intervals: {
          piqa: { 'acc,none': { method: 'wilson', seed: null }, 'acc_norm,none': { method: null, seed: null } },
          gsm8k: {
            'exact_match,flexible-extract': { method: 'bootstrap-percentile', seed: 1234 },
            'exact_match,strict-match': { method: null, seed: null },
          },
        },
      },
    });
  });

  it('orders keys as the harness: results and n-samples in task order, configs/versions/n-shot sorted, each metric\'s keys together', () => {
    const file = resultsFile({ run: RUN, aggregates: AGGREGATES, configs: CONFIGS });
    expect(Object.keys(file)).toStrictEqual([
      'results', 'group_subtasks', 'configs', 'versions', 'n-shot', 'higher_is_better', 'n-samples', 'config', 'git_hash', 'date',
      'task_hashes', 'model_source', 'model_name', 'model_name_sanitized', 'total_evaluation_time_seconds', 'assay',
    ]);
    expect(Object.keys(file.results as object)).toStrictEqual(['piqa', 'gsm8k']);
    expect(Object.keys((file.results as Record<string, object>).piqa)).toStrictEqual([
      'name', 'alias', 'sample_len', 'acc,none', 'acc_stderr,none', 'acc_ci,none', 'acc_n,none', 'acc_norm,none', 'acc_norm_stderr,none', 'acc_norm_ci,none', 'acc_norm_n,none',
    ]);
    for (const key of ['configs', 'versions', 'n-shot', 'higher_is_better']) expect(Object.keys(file[key] as object)).toStrictEqual(['gsm8k', 'piqa']);
    expect(Object.keys(file['n-samples'] as object)).toStrictEqual(['piqa', 'gsm8k']);
  });

  it('without configs: every task still has results, n-samples and a null version; a running run has no duration or totals', () => {
    const running: Run = { ...RUN, status: 'running', finishedAt: null, totals: null, model: 'openai:gpt-4o-mini' };
    const file = resultsFile({ run: running, aggregates: [] });
    expect(file.results).toStrictEqual({ piqa: { name: 'piqa', alias: 'piqa', sample_len: 0 }, gsm8k: { name: 'gsm8k', alias: 'gsm8k', sample_len: 0 } });
    expect(file.configs).toStrictEqual({});
    expect(file.versions).toStrictEqual({ gsm8k: null, piqa: null });
    expect(file['n-shot']).toStrictEqual({});
    expect(file.higher_is_better).toStrictEqual({});
    expect(file['n-samples']).toStrictEqual({ piqa: { original: 0, effective: 0 }, gsm8k: { original: 0, effective: 0 } });
    expect(file.total_evaluation_time_seconds).toBe(null);
    expect(file.model_source).toBe('openai');
    expect(file.model_name).toBe('gpt-4o-mini');
    expect((file.assay as { totals: unknown; tags: unknown }).totals).toBe(null);
    expect((file.assay as { totals: unknown; tags: unknown }).tags).toStrictEqual([]);
  });

  it('keeps tasks only the aggregates name after the run\'s tasks, and provenance extras under snake_case names', () => {
    // Any provenance member beyond the fixed ones (the engine's run plan) is carried along.
    const withPlan = { ...RUN.provenance, plan: { taskFiles: ['piqa.yaml'], limit: 40 } };
    const run: Run = { ...RUN, provenance: withPlan };
    const extra = agg('boolq', 'acc', 'none', 1, 1, null, null, null, null);
    expect(tasksOfRun(run, [...AGGREGATES, extra])).toStrictEqual(['piqa', 'gsm8k', 'boolq']);
    const file = resultsFile({ run, aggregates: [extra] });
    expect(Object.keys(file.results as object)).toStrictEqual(['piqa', 'gsm8k', 'boolq']);
    expect((file.assay as { provenance: { plan: unknown } }).provenance.plan).toStrictEqual({ taskFiles: ['piqa.yaml'], limit: 40 });
  });

  it('a whole-second run writes its duration as Python str(float) does ("60.0"); several few-shot seeds give a null fewshot_seed', () => {
    const run: Run = {
      ...RUN,
      finishedAt: '2026-01-02T03:05:05.250Z',
      provenance: { ...RUN.provenance, tasks: RUN.provenance.tasks.map((t, i) => ({ ...t, fewshotSeed: i })) },
    };
    const file = resultsFile({ run, aggregates: [] });
    expect(file.total_evaluation_time_seconds).toBe('60.0');
    expect((file.config as { fewshot_seed: unknown }).fewshot_seed).toBe(null);
  });

  it('is strict JSON: the text parses and a harness reader finds results[task]["acc,none"]', () => {
    const text = resultsFileText({ run: RUN, aggregates: AGGREGATES, configs: CONFIGS });
    expect(text).not.toContain('NaN');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.startsWith('{\n  "results": {\n    "piqa": {\n      "name": "piqa",\n')).toBe(true);
    const parsed = JSON.parse(text) as { results: Record<string, Record<string, unknown>> };
    expect(parsed.results.piqa['acc,none']).toBe(0.625);
    expect(parsed.results.gsm8k['exact_match,strict-match']).toBe(null);
  });
});

describe('writeResultsFile / writeFileAtomic', () => {
  it('creates the folders and writes the text, leaving no temporary file', async () => {
    const path = join(dir, 'nested', 'deeper', 'results.json');
    await writeResultsFile(path, { run: RUN, aggregates: AGGREGATES, configs: CONFIGS });
    expect(readFileSync(path, 'utf8')).toBe(resultsFileText({ run: RUN, aggregates: AGGREGATES, configs: CONFIGS }));
    expect(readdirSync(join(dir, 'nested', 'deeper'))).toStrictEqual(['results.json']);
  });

  it('replaces an existing file whole and streams chunks', async () => {
    const path = join(dir, 'chunks.txt');
    writeFileSync(path, 'old content that is longer than the new one\n');
    async function* chunks(): AsyncGenerator<string> {
      yield 'a,b\r\n';
      yield 'é,"x ""y"""\r\n';
    }
    await writeFileAtomic(path, chunks());
    expect(readFileSync(path, 'utf8')).toBe('a,b\r\né,"x ""y"""\r\n');
    expect(readdirSync(dir).filter((f) => f.startsWith('chunks'))).toStrictEqual(['chunks.txt']);
  });

  it('a chunk source that fails leaves the old file and no temporary file', async () => {
    const path = join(dir, 'kept.txt');
    writeFileSync(path, 'kept\n');
    async function* failing(): AsyncGenerator<string> {
      yield 'partial';
      throw new Error('store went away');
    }
    await expect(writeFileAtomic(path, failing())).rejects.toThrow('cannot write');
    expect(readFileSync(path, 'utf8')).toBe('kept\n');
    expect(readdirSync(dir).filter((f) => f.startsWith('kept'))).toStrictEqual(['kept.txt']);
  });

  it('a path that is a folder fails with an IO error naming it', async () => {
    const folder = join(dir, 'a-folder');
    await writeFileAtomic(join(folder, 'x'), 'x');
    const error = await writeFileAtomic(folder, 'y').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAssayError(error) && error.code).toBe('IO');
    expect((error as Error).message.startsWith(`cannot write ${folder}: `)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.startsWith('a-folder'))).toStrictEqual(['a-folder']);
  });
});

describe('csvLine (RFC 4180)', () => {
  it.each([
    [['a', 'b', 1, null, 0.5], 'a,b,1,,0.5\r\n'],
    [['has,comma', 'has "quote"', 'line\nbreak', 'cr\rhere', ''], '"has,comma","has ""quote""","line\nbreak","cr\rhere",\r\n'],
    [[' spaced ', "'single'", 'tab\there', Number.NaN], " spaced ,'single',tab\there,NaN\r\n"],
  ] as Array<[Array<string | number | null>, string]>)('%j', (fields, expected) => {
    expect(csvLine(fields)).toBe(expected);
  });
});

function sample(task: string, docId: number, repeat: number, over: Partial<Sample> = {}): Sample {
  return {
    task,
    docId,
    repeat,
    inputs: { q: docId },
    prompt: `Q${docId}`,
    rawResponse: `R${docId}`,
    filteredAnswer: `A${docId}`,
    scores: { acc: docId % 2 },
    status: 'scored',
    errorReason: null,
    latencyMs: 10,
    inputTokens: 3,
    outputTokens: 1,
    costUsd: 0.5,
    cached: false,
    ...over,
  };
}

async function text(chunks: AsyncIterable<FileChunk>): Promise<{ text: string; samples: number; chunks: number }> {
  let out = '';
  let samples = 0;
  let count = 0;
  for await (const chunk of chunks) {
    out += chunk.text;
    samples += chunk.samples;
    count++;
  }
  return { text: out, samples, chunks: count };
}

describe('sampleFileChunks', () => {
  it('CSV: fixed columns, then one sorted column per metric, blanks where absent; JSONL: every field in snake_case', async () => {
    const store = SQLiteStore.open(':memory:', { now: () => new Date(Date.parse('2026-01-02T03:04:05.000Z')), random: (n) => new Uint8Array(n) });
    const id = await store.createRun({ ...RUN.provenance, tasks: RUN.provenance.tasks.slice(0, 1) });
    await store.appendSamples(id, [
      sample('piqa', 1, 0, { scores: { f1: 0.25, acc: Number.NaN }, rawResponse: 'say "hi",\nthen go', cached: true }),
      sample('piqa', 0, 1, { status: 'error', errorReason: 'HTTP 500', rawResponse: null, filteredAnswer: null, scores: {}, latencyMs: null, inputTokens: null, outputTokens: null, costUsd: null }),
      sample('piqa', 0, 0, { scores: { status: 1 } }),
    ]);
    const run = (await store.getRun(id)) as Run;
    const csv = await text(sampleFileChunks(store, run, 'csv'));
    expect(csv.text).toBe(
      'run_id,task,doc_id,repeat,status,error_reason,filtered_answer,raw_response,latency_ms,input_tokens,output_tokens,cost_usd,cached,acc,f1,score:status\r\n' +
        `${id},piqa,0,0,scored,,A0,R0,10,3,1,0.5,false,,,1\r\n` +
        `${id},piqa,0,1,error,HTTP 500,,,,,,,false,,,\r\n` +
        `${id},piqa,1,0,scored,,A1,"say ""hi"",\nthen go",10,3,1,0.5,true,NaN,0.25,\r\n`,
    );
    expect(csv.samples).toBe(3);
    const jsonl = await text(sampleFileChunks(store, run, 'jsonl'));
    expect(jsonl.text.split('\n')).toStrictEqual([
      `{"run_id":"${id}","task":"piqa","doc_id":0,"repeat":0,"inputs":{"q":0},"prompt":"Q0","raw_response":"R0","filtered_answer":"A0","scores":{"status":1},"status":"scored","error_reason":null,"latency_ms":10,"input_tokens":3,"output_tokens":1,"cost_usd":0.5,"cached":false}`,
      `{"run_id":"${id}","task":"piqa","doc_id":0,"repeat":1,"inputs":{"q":0},"prompt":"Q0","raw_response":null,"filtered_answer":null,"scores":{},"status":"error","error_reason":"HTTP 500","latency_ms":null,"input_tokens":null,"output_tokens":null,"cost_usd":null,"cached":false}`,
      `{"run_id":"${id}","task":"piqa","doc_id":1,"repeat":0,"inputs":{"q":1},"prompt":"Q1","raw_response":"say \\"hi\\",\\nthen go","filtered_answer":"A1","scores":{"acc":null,"f1":0.25},"status":"scored","error_reason":null,"latency_ms":10,"input_tokens":3,"output_tokens":1,"cost_usd":0.5,"cached":true}`,
      '',
    ]);
    await store.close();
  });

  it('walks every task in run order, page by page, in (doc_id, repeat) order', async () => {
    const store = SQLiteStore.open(':memory:');
    const id = await store.createRun(RUN.provenance);
    const piqa = Array.from({ length: 1001 }, (_, i) => sample('piqa', 1000 - i, 0));
    const gsm = Array.from({ length: 500 }, (_, i) => sample('gsm8k', i, 0));
    await store.appendSamples(id, [...gsm, ...piqa]);
    const run = (await store.getRun(id)) as Run;
    const jsonl = await text(sampleFileChunks(store, run, 'jsonl', { pageSize: 500 }));
    expect(jsonl.chunks).toBe(4);
    expect(jsonl.samples).toBe(1501);
    const keys = jsonl.text
      .trimEnd()
      .split('\n')
      .map((line) => {
        const r = JSON.parse(line) as { task: string; doc_id: number };
        return `${r.task}:${r.doc_id}`;
      });
    expect(keys).toStrictEqual([...Array.from({ length: 1001 }, (_, i) => `piqa:${i}`), ...Array.from({ length: 500 }, (_, i) => `gsm8k:${i}`)]);
    const csv = await text(sampleFileChunks(store, run, 'csv', { pageSize: 500 }));
    expect(csv.chunks).toBe(5);
    expect((await text(sampleFileChunks(store, run, 'jsonl'))).chunks).toBe(2);
    expect((await text(sampleFileChunks(store, run, 'jsonl', { tasks: ['gsm8k'], pageSize: 499 }))).samples).toBe(500);
    expect(csv.text.split('\r\n').length).toBe(1 + 1501 + 1);
    await store.close();
  });
});
