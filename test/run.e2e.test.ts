// End to end: `assay run` as a user calls it — against the loopback OpenAI-compatible server,
// with faults injected, killed with SIGKILL at a random point and resumed, and with bad input.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIO } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import { SQLiteStore } from '../src/store/sqlite.js';
import type { Aggregate } from '../src/store/types.js';
import { type LoopbackServer, openAIRoute, startLoopbackServer } from './support/fake-openai-server.js';
import { MMLU_SUBJECT_CATEGORIES } from '../src/benchmarks/a-mmlu.js';
import { startFakeHfServer } from './support/fake-hf-server.js';
import { REPO_ROOT } from './support/shared.js';

const N = 400;

function workdir(): string {
  return mkdtempSync(join(tmpdir(), 'assay-run-e2e-'));
}

/** A generate_until task: the fake model answers "echo: Q<i>", right on even documents. */
function writeTask(dir: string, n = N): string {
  const rows = Array.from({ length: n }, (_, i) => JSON.stringify({ q: `Q${i}`, a: i % 2 === 0 ? `echo: Q${i}` : `other ${i}` }));
  writeFileSync(join(dir, 'qa.jsonl'), `${rows.join('\n')}\n`);
  writeFileSync(
    join(dir, 'qa.yaml'),
    [
      'task: echo_qa',
      'dataset_path: json',
      'dataset_kwargs:',
      '  data_files:',
      '    test: qa.jsonl',
      'test_split: test',
      'output_type: generate_until',
      'doc_to_text: "{{q}}"',
      'doc_to_target: "{{a}}"',
      'generation_kwargs:',
      '  until: ["\\n"]',
      '  max_gen_toks: 8',
      'metric_list:',
      '  - metric: exact_match',
      '  - metric: bleu',
      '',
    ].join('\n'),
  );
  return join(dir, 'qa.yaml');
}

let server: LoopbackServer;
beforeAll(async () => {
  server = await startLoopbackServer(openAIRoute());
});
afterAll(async () => {
  await server.close();
});

async function aggregatesOf(storeFile: string, runId: string): Promise<Aggregate[]> {
  const store = SQLiteStore.open(storeFile);
  try {
    return await store.aggregates(runId);
  } finally {
    await store.close();
  }
}

async function runIds(storeFile: string): Promise<string[]> {
  const io = bufferIO();
  expect(await main(['runs', 'list', '--format', 'json', '--store', storeFile], io)).toBe(0);
  return (JSON.parse(io.stdout) as { id: string }[]).map((r) => r.id);
}

describe('assay run against an OpenAI-compatible server', () => {
  it('runs a task file, prints the table, writes harness-layout results and the sample log', async () => {
    const dir = workdir();
    const task = writeTask(dir, 40);
    const store = join(dir, 'assay.db');
    const io = bufferIO();
    const code = await main(['run', '--model', `openai-compatible:fake@${server.url}`, '--tasks', task, '--store', store, '--no-cache', '--no-progress', '--output', join(dir, 'results.json'), '--log-samples', join(dir, 'samples.jsonl')], io);
    expect(io.stderr).toBe('');
    expect(code).toBe(0);
    const [id] = await runIds(store);
    const lines = io.stdout.split('\n');
    expect(lines[0]).toBe(`run ${id}  model openai-compatible:fake@${server.url}  status finished`);
    expect(lines[1]).toMatch(/^task\s+metric\s+filter\s+value\s+95% CI\s+n\s+stderr\s+interval$/);
    expect(lines[2]).toMatch(/^echo_qa\s+exact_match\s+none\s+0\.5000\s+\[0\.3520, 0\.6480\]\s+40\s+0\.0801\s+wilson$/);
    expect(lines[3]).toMatch(/^echo_qa\s+bleu\s+none\s+\d+\.\d{4}\s+\[\d+\.\d{4}, \d+\.\d{4}\]\s+40\s+\d+\.\d{4}\s+bootstrap-percentile$/);
    expect(lines[4]).toMatch(/^echo_qa: model:openai-compatible:fake@http:\/\/127\.0\.0\.1:\d+\/v1\|task:[0-9a-f]{12}\|data:[0-9a-f]{12}\|template:[0-9a-f]{12}\|fewshot_seed:none\|seed:12345\|git:([0-9a-f]{12}|none)\|version:0\.1\.0$/);

    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { results: Record<string, Record<string, unknown>>; 'n-samples': Record<string, unknown>; assay: { run_id: string } };
    expect(results.results.echo_qa!['exact_match,none']).toBe(0.5);
    expect(results.results.echo_qa!['exact_match_stderr,none']).toBeCloseTo(Math.sqrt((0.25 * 40) / 39) / Math.sqrt(40), 12);
    expect(results['n-samples'].echo_qa).toEqual({ original: 40, effective: 40 });
    expect(results.assay.run_id).toBe(id);

    // --ci bootstrap: the same value and harness stderr, a seeded percentile bootstrap interval.
    const boot = bufferIO();
    expect(await main(['run', '--model', `openai-compatible:fake@${server.url}`, '--tasks', task, '--store', store, '--no-cache', '--no-progress', '--ci', 'bootstrap', '-f', 'json'], boot)).toBe(0);
    const b = JSON.parse(boot.stdout) as { results: Record<string, Record<string, unknown>>; assay: { intervals?: unknown } };
    expect([b.results.echo_qa!['exact_match,none'], b.results.echo_qa!['exact_match_stderr,none']]).toEqual([0.5, results.results.echo_qa!['exact_match_stderr,none']]);
    expect(JSON.stringify(b)).toContain('"method":"bootstrap-percentile"');

    const logged = readFileSync(join(dir, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toHaveLength(40);
    expect(logged[2]).toMatchObject({ run_id: id, task: 'echo_qa', doc_id: 2, repeat: 0, prompt: 'Q2', raw_response: 'echo: Q2', filtered_answer: 'echo: Q2', status: 'scored' });
  });

  it('with injected faults every document ends scored or errored with its reason, none lost', async () => {
    const dir = workdir();
    writeTask(dir, 60);
    const reset = new Set<string>();
    server.faultFor = (request) => {
      const prompt = String((request.body as { prompt?: string } | undefined)?.prompt ?? '');
      const i = Number(prompt.slice(1));
      if (request.path !== '/v1/completions') return undefined;
      if (i % 7 === 3) return { kind: 'status', status: 500 };
      if (i % 11 === 5) return { kind: 'wrong-shape' };
      // A connection reset once, then fine: the retry scores it.
      if (i % 13 === 4 && !reset.has(prompt)) {
        reset.add(prompt);
        return { kind: 'reset' };
      }
      return undefined;
    };
    try {
      writeFileSync(join(dir, 'suite.yaml'), `models:\n  - id: openai-compatible:fake@${server.url}\n    max_retries: 1\n    concurrency: 4\ntasks:\n  - qa.yaml\n`);
      const store = join(dir, 'assay.db');
      const io = bufferIO();
      expect(await main(['run', join(dir, 'suite.yaml'), '--store', store, '--no-cache', '--no-progress'], io)).toBe(0);
      const failing = Array.from({ length: 60 }, (_, i) => i).filter((i) => i % 7 === 3 || i % 11 === 5);
      const [id] = await runIds(store);
      expect(io.stderr).toBe(`assay: run ${id}: ${failing.length} samples errored (kept in the store with the reason: \`assay runs show ${id} --samples\`); they are left out of the aggregates\n`);
      const db = new Database(store, { readonly: true });
      const rows = db.prepare('SELECT doc_id, status, error_reason FROM samples ORDER BY doc_id').all() as { doc_id: number; status: string; error_reason: string | null }[];
      db.close();
      expect(rows.map((r) => r.doc_id)).toEqual(Array.from({ length: 60 }, (_, i) => i));
      expect(rows.filter((r) => r.status === 'error').map((r) => r.doc_id)).toEqual(failing);
      for (const r of rows) {
        if (r.doc_id % 7 === 3) expect(r.error_reason).toMatch(/^server_error: HTTP 500/);
        else if (r.doc_id % 11 === 5) expect(r.error_reason).toMatch(/^bad_response: /);
        else expect([r.status, r.error_reason]).toEqual(['scored', null]);
      }
      const em = (await aggregatesOf(store, id!)).find((a) => a.metric === 'exact_match');
      expect(em).toMatchObject({ metric: 'exact_match', n: 60 - failing.length });
    } finally {
      server.faultFor = undefined;
    }
  });

  it('a suite with two models makes two runs, side by side, each with its own results file', async () => {
    const dir = workdir();
    writeTask(dir, 20);
    writeFileSync(join(dir, 'suite.yaml'), `models:\n  - openai-compatible:one@${server.url}\n  - id: openai-compatible:two@${server.url}\n    concurrency: 2\ntasks: [qa.yaml]\ntags: [nightly]\n`);
    const store = join(dir, 'assay.db');
    const io = bufferIO();
    expect(await main(['run', join(dir, 'suite.yaml'), '--store', store, '--no-cache', '--no-progress', '--output', join(dir, 'results.json')], io)).toBe(0);
    const tables = io.stdout.split(/(?=^run )/m);
    expect(tables.map((t) => /model (\S+)/.exec(t)![1])).toEqual([`openai-compatible:one@${server.url}`, `openai-compatible:two@${server.url}`]);
    const one = JSON.parse(readFileSync(join(dir, 'results.1.json'), 'utf8')) as { config: { model: string }; assay: { tags: string[] }; results: Record<string, Record<string, unknown>> };
    const two = JSON.parse(readFileSync(join(dir, 'results.2.json'), 'utf8')) as typeof one;
    expect([one.config.model, two.config.model]).toEqual([`openai-compatible:one@${server.url}`, `openai-compatible:two@${server.url}`]);
    expect([one.results.echo_qa!['exact_match,none'], two.results.echo_qa!['exact_match,none'], one.assay.tags]).toEqual([0.5, 0.5, ['nightly']]);
    expect(await runIds(store)).toHaveLength(2);
  });

  it('an unreachable server fails before the run starts: no run is stored', async () => {
    const dir = workdir();
    const task = writeTask(dir, 5);
    const store = join(dir, 'assay.db');
    // A port nobody listens on: bound, then released.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const io = bufferIO();
    const code = await main(['run', '--model', `openai-compatible:fake@http://127.0.0.1:${port}/v1`, '--tasks', task, '--store', store, '--no-cache', '--no-progress'], io);
    expect(code).toBe(3);
    expect(io.stderr).toBe(`assay: error: cannot reach openai-compatible:fake@http://127.0.0.1:${port}/v1 at http://127.0.0.1:${port}/v1/models: connect ECONNREFUSED 127.0.0.1:${port}; is the server running and the URL right?\n`);
    expect(await runIds(store)).toEqual([]);
  });
});

describe('a task on a Hugging Face data set', () => {
  it('downloads the split through the Hub API (loopback Hub), caches it and runs', async () => {
    const parquet = readFileSync(join(REPO_ROOT, 'test/fixtures/data/simple.parquet'));
    const hub = await startFakeHfServer({ datasets: { 'someone/simple': { configs: { default: { test: [parquet] } } } } });
    const dir = workdir();
    const saved = { endpoint: process.env.HF_ENDPOINT, cache: process.env.ASSAY_CACHE_DIR };
    process.env.HF_ENDPOINT = hub.url;
    process.env.ASSAY_CACHE_DIR = join(dir, 'cache');
    try {
      // simple.parquet: A = 1, 2, 3 and B = "foo"; the fake model echoes the prompt.
      writeFileSync(join(dir, 'hub.yaml'), 'task: hub_echo\ndataset_path: someone/simple\ntest_split: test\noutput_type: generate_until\ndoc_to_text: "{{B}} {{A}}"\ndoc_to_target: "echo: foo {{A}}"\ngeneration_kwargs:\n  until: ["\\n"]\n');
      const args = ['run', '--model', `openai-compatible:fake@${server.url}`, '--tasks', join(dir, 'hub.yaml'), '--store', join(dir, 's.db'), '--no-cache', '--no-progress', '-f', 'json'];
      const io = bufferIO();
      expect(await main(args, io)).toBe(0);
      const out = JSON.parse(io.stdout) as { results: Record<string, Record<string, unknown>>; assay: { provenance: { tasks: Record<string, { data_hash: string }> } } };
      expect(out.results.hub_echo!['exact_match,none']).toBe(1);
      // The data hash is the Parquet file's own (sha256 of its bytes, 12 hex digits).
      expect(out.assay.provenance.tasks.hub_echo!.data_hash).toBe('fe3c5e35a946');
      const requests = hub.requests.length;
      expect(await main(args, bufferIO())).toBe(0);
      expect(hub.requests.length).toBe(requests);
    } finally {
      if (saved.endpoint === undefined) delete process.env.HF_ENDPOINT;
      else process.env.HF_ENDPOINT = saved.endpoint;
      if (saved.cache === undefined) delete process.env.ASSAY_CACHE_DIR;
      else process.env.ASSAY_CACHE_DIR = saved.cache;
      await hub.close();
    }
  });
});

describe('built-in benchmarks through assay run', () => {
  it('runs hellaswag and arc_easy from release files and writes the harness results layout', async () => {
    const dir = workdir();
    const dataDir = join(REPO_ROOT, 'test/fixtures/benchmarks');
    const io = bufferIO();
    const code = await main(['run', '--model', `openai-compatible:fake@${server.url}`, '--tasks', 'hellaswag,arc_easy', '--data-dir', dataDir, '--store', join(dir, 's.db'), '--no-cache', '--no-progress', '--output', join(dir, 'r.json')], io);
    expect(io.stderr).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { results: Record<string, Record<string, unknown>>; 'n-samples': Record<string, { effective: number }>; versions: Record<string, unknown>; 'n-shot': Record<string, number> };
    for (const task of ['hellaswag', 'arc_easy']) {
      // The fake model gives each code point of a continuation log-probability -1/8, so acc picks
      // the shortest choice and acc_norm (divided by the choice's length) the longest.
      const render = bufferIO();
      expect(await main(['tasks', 'render', task, '--data-dir', dataDir], render)).toBe(0);
      const docs = render.stdout.trim().split('\n').map((l) => JSON.parse(l) as { continuations: string[]; gold: number });
      const len = (c: string) => Array.from(c).length;
      const pick = (cs: string[], better: (a: number, b: number) => boolean) => cs.reduce((best, c, i) => (better(len(c), len(cs[best]!)) ? i : best), 0);
      const acc = docs.filter((d) => pick(d.continuations, (a, b) => a < b) === d.gold).length / docs.length;
      const accNorm = docs.filter((d) => pick(d.continuations, (a, b) => a > b) === d.gold).length / docs.length;
      const stderr = (p: number) => Math.sqrt((p * (1 - p) * docs.length) / (docs.length - 1)) / Math.sqrt(docs.length);
      expect(out.results[task]!['acc,none']).toBeCloseTo(acc, 12);
      expect(out.results[task]!['acc_norm,none']).toBeCloseTo(accNorm, 12);
      expect(out.results[task]!['acc_stderr,none']).toBeCloseTo(stderr(acc), 12);
      expect(out['n-samples'][task]!.effective).toBe(docs.length);
      expect(out['n-shot'][task]).toBe(0);
    }
    expect(out.versions).toMatchObject({ hellaswag: 1, arc_easy: 1 });
  });
});

describe('the mmlu group through assay run', () => {
  it('57 subjects, their categories and mmlu: the harness group rows in the table and the results file', async () => {
    // A data dir in MMLU's release layout: every subject gets 2 test and 5 dev questions. The fake
    // model scores each choice " A".." D" alike (-2/8), so argmax picks A: gold A on row 0 only.
    const dataDir = workdir();
    mkdirSync(join(dataDir, 'mmlu/data/test'), { recursive: true });
    mkdirSync(join(dataDir, 'mmlu/data/dev'), { recursive: true });
    for (const subject of Object.keys(MMLU_SUBJECT_CATEGORIES)) {
      writeFileSync(join(dataDir, `mmlu/data/test/${subject}_test.csv`), `"Question one about ${subject}?",w,x,y,z,A\r\nQuestion two?,w,x,y,z,C\r\n`);
      writeFileSync(join(dataDir, `mmlu/data/dev/${subject}_dev.csv`), Array.from({ length: 5 }, (_, i) => `Dev ${i}?,w,x,y,z,B`).join('\r\n') + '\r\n');
    }
    const dir = workdir();
    const io = bufferIO();
    expect(await main(['run', '--model', `openai-compatible:fake@${server.url}`, '--tasks', 'mmlu', '--data-dir', dataDir, '--store', join(dir, 's.db'), '--no-cache', '--no-progress', '--output', join(dir, 'r.json')], io)).toBe(0);
    const out = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { results: Record<string, Record<string, unknown>>; group_subtasks: Record<string, string[]> };
    expect(Object.keys(out.results).filter((t) => t.startsWith('mmlu_') && !['mmlu_stem', 'mmlu_other', 'mmlu_social_sciences', 'mmlu_humanities'].includes(t))).toHaveLength(57);
    // Every subject: 1 of 2 right; the groups' size-weighted mean is 0.5 and the pooled stderr
    // over 57 subjects of n = 2 (stderr 0.5 each) is sqrt(57·(2-1)·0.25·2 / (114-57) / 114).
    for (const group of ['mmlu', 'mmlu_stem', 'mmlu_humanities']) {
      expect(out.results[group]!['acc,none']).toBe(0.5);
    }
    const k = 57;
    expect(out.results.mmlu!['acc_stderr,none']).toBeCloseTo(Math.sqrt((k * 1 * 0.25 * 2) / (2 * k - k) / (2 * k)), 12);
    expect(out.group_subtasks.mmlu).toEqual(['mmlu_stem', 'mmlu_other', 'mmlu_social_sciences', 'mmlu_humanities']);
    expect(out.group_subtasks.mmlu_stem).toContain('mmlu_abstract_algebra');
    expect(io.stdout).toMatch(/^mmlu\s+acc\s+none\s+0\.5000\s+\[\d\.\d{4}, \d\.\d{4}\]\s+114\s+/m);
  });
});

describe('the engine from the library, as the README shows', () => {
  it('loads a task, runs it on a provider and stores the run', async () => {
    const lib = await import('../src/index.js');
    const dir = workdir();
    const task = await lib.prepareTask(lib.loadTaskConfig(writeTask(dir, 10)));
    const store = lib.SQLiteStore.open(join(dir, 'assay.db'));
    const provider = await lib.createProvider(`openai-compatible:fake@${server.url}`, { concurrency: 4 });
    try {
      const plan: import('../src/index.js').RunPlan = {
        model: provider.id, tasks: [task.config.file], limit: null, numFewshot: null, fewshotSeed: 1234, seed: 1,
        repeats: null, maxTokens: null, temperature: null, chat: false, noCache: true, bootstrapIters: 0, provider: {},
      };
      const outcome = await lib.startRun(plan, [task], { store, provider });
      expect(outcome.aggregates.map((a) => [a.metric, a.value, a.n, a.method])).toEqual([
        ['exact_match', 0.5, 10, 'none'],
        // sacrebleu 2.6.0 corpus_bleu: 3-token segments have no 4-grams, so BLEU is 0.
        ['bleu', 0, 10, 'none'],
      ]);
      expect((await store.latestRun(provider.id, 'echo_qa'))?.id).toBe(outcome.run.id);
    } finally {
      await provider.close();
      await store.close();
    }
  });
});

describe('assay run: SIGKILL at a random point, then --resume', () => {
  it('ends with the aggregates of an uninterrupted run, no sample duplicated', async () => {
    const bin = join(REPO_ROOT, 'bin/assay.js');
    expect(existsSync(join(REPO_ROOT, 'dist/src/cli/main.js')), 'run `npm run build` first (npm test does)').toBe(true);
    const dir = workdir();
    const task = writeTask(dir);
    const model = `openai-compatible:fake@${server.url}`;
    // The uninterrupted reference, in-process.
    const fullStore = join(dir, 'full.db');
    expect(await main(['run', '--model', model, '--tasks', task, '--store', fullStore, '--no-cache', '--no-progress'], bufferIO())).toBe(0);
    const [fullId] = await runIds(fullStore);
    const expected = await aggregatesOf(fullStore, fullId!);

    // Each request takes 4 ms, so the child is still working when it is killed.
    server.faultFor = () => ({ kind: 'stall', ms: 4 });
    try {
      const store = join(dir, 'killed.db');
      const killAt = 20 + Math.floor(Math.random() * (N - 120));
      const child = spawn(process.execPath, [bin, 'run', '--model', model, '--tasks', task, '--store', store, '--no-cache', '--no-progress', '--concurrency', '2'], { stdio: 'ignore' });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      let stored = 0;
      for (let waited = 0; waited < 60_000; waited += 5) {
        if (existsSync(store)) {
          try {
            const db = new Database(store, { readonly: true, fileMustExist: true });
            stored = (db.prepare('SELECT count(*) AS n FROM samples').get() as { n: number }).n;
            db.close();
          } catch {
            stored = 0; // not yet migrated
          }
          if (stored >= killAt) break;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      child.kill('SIGKILL');
      expect(await exited).toBe(null);
      expect(stored, `killed after ${stored} samples (target ${killAt})`).toBeGreaterThanOrEqual(killAt);
      expect(stored).toBeLessThan(N);

      const [id] = await runIds(store);
      const before = await new Promise<string>((resolve) => {
        const io = bufferIO();
        void main(['runs', 'list', '--format', 'json', '--store', store], io).then(() => resolve(io.stdout));
      });
      expect((JSON.parse(before) as { status: string }[])[0]!.status).toBe('running');

      const requestsBefore = server.requests.length;
      const io = bufferIO();
      expect(await main(['run', '--resume', id!, '--store', store, '--no-progress'], io)).toBe(0);
      const db = new Database(store, { readonly: true });
      const total = db.prepare('SELECT count(*) AS n, count(DISTINCT doc_id) AS docs FROM samples').get() as { n: number; docs: number };
      db.close();
      expect(total).toEqual({ n: N, docs: N });
      // Finished documents were not asked again: at most N - stored generations plus the preflight.
      const generations = server.requests.slice(requestsBefore).filter((r) => r.path === '/v1/completions').length;
      expect(generations).toBeLessThanOrEqual(N - stored);
      expect(await aggregatesOf(store, id!)).toEqual(expected);
    } finally {
      server.faultFor = undefined;
    }
  }, 120_000);
});

describe('assay run: bad input', () => {
  it('a YAML error names file:line:column', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'bad.yaml'), 'task: x\noutput_type: [generate_until\n');
    const io = bufferIO();
    expect(await main(['run', '--model', `openai-compatible:fake@${server.url}`, '--tasks', join(dir, 'bad.yaml'), '--store', join(dir, 's.db'), '--no-progress'], io)).toBe(2);
    expect(io.stderr).toMatch(new RegExp(`^assay: error: ${join(dir, 'bad.yaml').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3:1: `));
  });

  it('a template field missing from the data names the field, the document and its file:line', async () => {
    const dir = workdir();
    writeTask(dir, 3);
    writeFileSync(join(dir, 'qa.yaml'), readFileSync(join(dir, 'qa.yaml'), 'utf8').replace('doc_to_text: "{{q}}"', 'doc_to_text: "{{question}}"'));
    const io = bufferIO();
    expect(await main(['run', '--model', `openai-compatible:fake@${server.url}`, '--tasks', join(dir, 'qa.yaml'), '--store', join(dir, 's.db'), '--no-progress'], io)).toBe(2);
    expect(io.stderr).toBe(`assay: error: ${join(dir, 'qa.yaml')}: task "echo_qa", document 0 (${join(dir, 'qa.jsonl')}:1): template "echo_qa.doc_to_text": 'question' is undefined; the document has q, a\n`);
  });

  it('a data row without a mapped column names file:line', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'd.jsonl'), '{"question": "a", "answer": "b"}\n\n{"question": "c"}\n');
    writeFileSync(join(dir, 't.yaml'), 'task: t\ndata:\n  path: d.jsonl\n  fields: {q: question, a: answer}\noutput_type: generate_until\ndoc_to_text: "{{q}}"\ndoc_to_target: "{{a}}"\n');
    const io = bufferIO();
    expect(await main(['run', '--model', `openai-compatible:fake@${server.url}`, '--tasks', join(dir, 't.yaml'), '--store', join(dir, 's.db'), '--no-progress'], io)).toBe(2);
    expect(io.stderr).toBe(`assay: error: ${join(dir, 'd.jsonl')}:3 field "answer": no column "answer" in record 1 (columns: question)\n`);
  });

  it('an unknown suite key suggests the nearest one', async () => {
    const dir = workdir();
    writeFileSync(join(dir, 'suite.yaml'), 'models: [openai:gpt-4o-mini]\ntasks: [t.yaml]\nnum_fewshots: 5\n');
    const io = bufferIO();
    expect(await main(['run', join(dir, 'suite.yaml'), '--store', join(dir, 's.db')], io)).toBe(2);
    expect(io.stderr).toBe(`assay: error: ${join(dir, 'suite.yaml')}:3:1 field "num_fewshots": unknown suite key "num_fewshots"; did you mean "num_fewshot"? (valid: description, models, tasks, limit, num_fewshot, fewshot_seed, seed, repeats, max_tokens, temperature, chat, bootstrap, ci, tags, data_dir)\n`);
  });

  it('--resume of an unknown or finished run is refused', async () => {
    const dir = workdir();
    const store = join(dir, 's.db');
    const io = bufferIO();
    expect(await main(['run', '--resume', '01ABC', '--store', store], io)).toBe(2);
    expect(io.stderr).toBe(`assay: error: unknown run id "01ABC" in ${store}; \`assay runs list\` shows the stored runs\n`);
  });
});
