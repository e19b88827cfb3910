// The contract every ResultStore implementation runs (hono's shared router suite, applied to
// result stores): run lifecycle, exact round trips of runs, samples, aggregates and tags,
// idempotent appends, all-or-nothing batches, newest-first listing and sample pages.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAssayError } from '../../src/core/errors.js';
import { RUN_ID_PATTERN } from '../../src/store/run-id.js';
import { sampleKey, type Aggregate, type ResultStore, type RunProvenance, type RunTotals, type Sample } from '../../src/store/types.js';

/** Opens a fresh, empty store whose run times come from `now`. */
export type OpenStore = (now: () => Date) => Promise<ResultStore>;

export const T0 = Date.parse('2026-01-02T03:04:05.000Z');

export function provenance(model = 'openai:gpt-4o-mini', tasks: string[] = ['hellaswag']): RunProvenance {
  return {
    model,
    modelParams: { temperature: 0, max_tokens: 256, stop: ['\n\n'] },
    tasks: tasks.map((task, i) => ({ task, taskFileHash: `tf${i}`, dataHash: `d${i}`, templateHash: `tp${i}`, fewshotSeed: 1234 })),
    seed: 42,
    toolVersion: '0.1.0',
    gitCommit: 'abc123',
  };
}

export function sample(docId: number, overrides: Partial<Sample> = {}): Sample {
  return {
    task: 'hellaswag',
    docId,
    repeat: 0,
    inputs: { ctx: `context ${docId}`, choices: ['a', 'b'], gold: docId % 2 },
    prompt: `Q${docId}:`,
    rawResponse: ` answer ${docId}`,
    filteredAnswer: `answer ${docId}`,
    scores: { acc: docId % 2, acc_norm: 0.5 },
    status: 'scored',
    errorReason: null,
    latencyMs: 12.5,
    inputTokens: 10 + docId,
    outputTokens: 3,
    costUsd: 0.00125,
    cached: false,
    ...overrides,
  };
}

const TOTALS: RunTotals = { samples: 3, errors: 1, cached: 0, inputTokens: 33, outputTokens: 9, costUsd: 0.00375 };

function errorCode(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => (isAssayError(error) ? error.code : `not an AssayError: ${String(error)}`),
  );
}

export function runStoreContract(name: string, open: OpenStore): void {
  describe(`ResultStore contract: ${name}`, () => {
    let time = T0;
    let store: ResultStore;
    const tick = (ms = 1000) => {
      time += ms;
    };

    beforeEach(async () => {
      time = T0;
      store = await open(() => new Date(time));
    });
    afterEach(async () => {
      await store.close();
    });

    it('creates a running run and returns it exactly', async () => {
      const id = await store.createRun(provenance());
      expect(id).toMatch(RUN_ID_PATTERN);
      expect(await store.getRun(id)).toEqual({
        id,
        createdAt: '2026-01-02T03:04:05.000Z',
        finishedAt: null,
        status: 'running',
        model: 'openai:gpt-4o-mini',
        provenance: provenance(),
        totals: null,
      });
      expect(await store.getRun('01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBeUndefined();
    });

    it('refuses provenance that would not read back', async () => {
      const bad = { ...provenance(), seed: 1.5 };
      await expect(store.createRun(bad)).rejects.toThrow('field "provenance": invalid run provenance: seed: Invalid input: expected int, received number');
      expect(await store.listRuns()).toEqual([]);
    });

    it('gives unique ids that sort by creation, even within one millisecond', async () => {
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push(await store.createRun(provenance()));
      expect(new Set(ids).size).toBe(5);
      expect([...ids].sort()).toEqual(ids);
    });

    it('round-trips samples exactly, paged by (docId, repeat)', async () => {
      const id = await store.createRun(provenance());
      const batch = [sample(2), sample(0, { repeat: 1 }), sample(0), sample(1, { status: 'error', errorReason: 'HTTP 500 after 3 attempts', rawResponse: null, filteredAnswer: null, scores: {}, cached: true })];
      expect(await store.appendSamples(id, batch)).toEqual({ inserted: 4, skipped: 0 });
      expect(await store.samplePage(id, 'hellaswag', 0, 10)).toEqual({ samples: [batch[2], batch[1], batch[3], batch[0]], total: 4 });
      expect(await store.samplePage(id, 'hellaswag', 1, 2)).toEqual({ samples: [batch[1], batch[3]], total: 4 });
      expect(await store.samplePage(id, 'hellaswag', 4, 10)).toEqual({ samples: [], total: 4 });
      expect(await store.samplePage(id, 'arc_easy', 0, 10)).toEqual({ samples: [], total: 0 });
    });

    it('round-trips aggregation items and the run plan', async () => {
      const plan = { tasks: ['/abs/task.yaml'], limit: 10, numFewshot: null };
      const id = await store.createRun({ ...provenance(), plan });
      const items = { 'perplexity,none': -3.25, 'word_perplexity,none': [-12.5, 7], 'bleu,none': ['the ref', 'the hyp'] };
      await store.appendSamples(id, [sample(0, { items })]);
      expect((await store.samplePage(id, 'hellaswag', 0, 1)).samples[0]).toEqual(sample(0, { items }));
      expect((await store.getRun(id))?.provenance.plan).toEqual(plan);
    });

    it('keeps NaN and infinite scores', async () => {
      const id = await store.createRun(provenance());
      await store.appendSamples(id, [sample(0, { scores: { bleu: Number.NaN, perplexity: Number.POSITIVE_INFINITY } })]);
      const [stored] = (await store.samplePage(id, 'hellaswag', 0, 1)).samples;
      expect(stored.scores).toEqual({ bleu: Number.NaN, perplexity: Number.POSITIVE_INFINITY });
    });

    it('appends idempotently per (run, task, docId, repeat): the first write wins', async () => {
      const id = await store.createRun(provenance());
      const batch = [sample(0), sample(1), sample(2)];
      expect(await store.appendSamples(id, batch)).toEqual({ inserted: 3, skipped: 0 });
      expect(await store.appendSamples(id, [sample(1, { rawResponse: 'other' }), sample(3), sample(3)])).toEqual({ inserted: 1, skipped: 2 });
      const page = await store.samplePage(id, 'hellaswag', 0, 10);
      expect(page.total).toBe(4);
      expect(page.samples[1]).toEqual(sample(1));
      expect(await store.finishedKeys(id)).toEqual(new Set([0, 1, 2, 3].map((docId) => sampleKey({ task: 'hellaswag', docId, repeat: 0 }))));
    });

    it('lets a scored sample replace an errored one, never the reverse', async () => {
      const id = await store.createRun(provenance());
      const failed = sample(0, { status: 'error', errorReason: 'timeout', rawResponse: null, filteredAnswer: null, scores: {} });
      await store.appendSamples(id, [failed, sample(1)]);
      expect(await store.finishedKeys(id, { includeErrors: false })).toEqual(new Set([sampleKey({ task: 'hellaswag', docId: 1, repeat: 0 })]));
      expect(await store.appendSamples(id, [sample(0), sample(1, { status: 'error', errorReason: 'timeout', scores: {} })])).toEqual({ inserted: 1, skipped: 1 });
      expect((await store.samplePage(id, 'hellaswag', 0, 10)).samples).toEqual([sample(0), sample(1)]);
      expect((await store.finishedKeys(id, { includeErrors: false })).size).toBe(2);
    });

    it('writes a batch all or nothing: a bad sample leaves none of the batch', async () => {
      const id = await store.createRun(provenance());
      await store.appendSamples(id, [sample(0)]);
      const bad = store.appendSamples(id, [sample(1), sample(2), sample(3, { docId: 1.5 }), sample(4)]);
      await expect(bad).rejects.toThrow('field "samples[2].docId": docId must be an integer >= 0, not 1.5');
      expect(await errorCode(store.appendSamples(id, [sample(5, { status: 'error', errorReason: null })]))).toBe('INPUT');
      expect((await store.samplePage(id, 'hellaswag', 0, 10)).total).toBe(1);
      expect(await store.finishedKeys(id)).toEqual(new Set([sampleKey({ task: 'hellaswag', docId: 0, repeat: 0 })]));
    });

    it('refuses unknown run ids with a usage error', async () => {
      expect(await errorCode(store.appendSamples('01ARZ3NDEKTSV4RRFFQ69G5FAV', [sample(0)]))).toBe('USAGE');
      expect(await errorCode(store.finishRun('01ARZ3NDEKTSV4RRFFQ69G5FAV', 'finished', TOTALS))).toBe('USAGE');
      expect(await errorCode(store.addTag('01ARZ3NDEKTSV4RRFFQ69G5FAV', 'x'))).toBe('USAGE');
    });

    it('finishes, interrupts and resumes runs', async () => {
      const id = await store.createRun(provenance());
      tick(90_000);
      await store.finishRun(id, 'interrupted', TOTALS);
      expect(await store.getRun(id)).toMatchObject({ status: 'interrupted', finishedAt: '2026-01-02T03:05:35.000Z', totals: TOTALS });
      expect(await store.resumeRun(id)).toMatchObject({ status: 'running', finishedAt: null, totals: TOTALS, createdAt: '2026-01-02T03:04:05.000Z' });
      tick(1000);
      await store.finishRun(id, 'finished', { ...TOTALS, errors: 0 });
      expect(await store.getRun(id)).toMatchObject({ status: 'finished', finishedAt: '2026-01-02T03:05:36.000Z', totals: { ...TOTALS, errors: 0 } });
      expect(await errorCode(store.resumeRun(id))).toBe('USAGE');
      expect(await errorCode(store.finishRun(id, 'running' as 'finished', TOTALS))).toBe('USAGE');
      expect(await errorCode(store.finishRun(id, 'finished', { ...TOTALS, samples: -1 }))).toBe('INPUT');
    });

    it('lists runs newest first, filtered by model, task, status and tag', async () => {
      const a = await store.createRun(provenance('openai:gpt-4o-mini', ['hellaswag', 'arc_easy']));
      tick();
      const b = await store.createRun(provenance('ollama:llama3.2:1b', ['hellaswag']));
      tick();
      const c = await store.createRun(provenance('openai:gpt-4o-mini', ['arc_easy']));
      tick();
      const d = await store.createRun(provenance('openai:gpt-4o-mini', ['hellaswag']));
      await store.finishRun(a, 'finished', TOTALS);
      await store.finishRun(b, 'finished', TOTALS);
      await store.finishRun(c, 'failed', TOTALS);
      await store.addTag(b, 'baseline');
      await store.addTag(a, 'baseline');
      const ids = async (filter?: Parameters<ResultStore['listRuns']>[0]) => (await store.listRuns(filter)).map((run) => run.id);
      expect(await ids()).toEqual([d, c, b, a]);
      expect(await ids({ model: 'openai:gpt-4o-mini' })).toEqual([d, c, a]);
      expect(await ids({ task: 'hellaswag' })).toEqual([d, b, a]);
      expect(await ids({ model: 'openai:gpt-4o-mini', task: 'arc_easy' })).toEqual([c, a]);
      expect(await ids({ status: 'finished' })).toEqual([b, a]);
      expect(await ids({ tag: 'baseline' })).toEqual([b, a]);
      expect(await ids({ limit: 2 })).toEqual([d, c]);
      expect((await store.latestRun('openai:gpt-4o-mini', 'hellaswag'))?.id).toBe(a);
      expect((await store.latestRun('openai:gpt-4o-mini', 'hellaswag', 'running'))?.id).toBe(d);
      expect((await store.latestRun('openai:gpt-4o-mini', 'arc_easy'))?.id).toBe(a);
      expect(await store.latestRun('openai:gpt-4o', 'hellaswag')).toBeUndefined();
    });

    it('stores aggregates, replacing by (task, metric, filter)', async () => {
      const id = await store.createRun(provenance());
      const acc: Aggregate = { task: 'hellaswag', metric: 'acc', filter: 'none', value: 0.5, n: 4, stderr: 0.28867513459481287, ciLow: 0.15, ciHigh: 0.85, method: 'bootstrap-percentile', seed: 42 };
      const ppl: Aggregate = { task: 'arc_easy', metric: 'perplexity', filter: 'none', value: 12.25, n: 3, stderr: null, ciLow: null, ciHigh: null, method: null, seed: null };
      await store.setAggregates(id, [acc, ppl]);
      await store.setAggregates(id, [{ ...acc, value: 0.75, ciLow: 0.4 }]);
      expect(await store.aggregates(id)).toEqual([ppl, { ...acc, value: 0.75, ciLow: 0.4 }]);
    });

    it('tags runs, sorted and without duplicates', async () => {
      const id = await store.createRun(provenance());
      await store.addTag(id, 'nightly');
      await store.addTag(id, 'baseline');
      await store.addTag(id, 'nightly');
      expect(await store.tags(id)).toEqual(['baseline', 'nightly']);
      expect(await errorCode(store.addTag(id, ' '))).toBe('USAGE');
    });
  });
}
