import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAssayError } from '../core/errors.js';
import type { GenerateRequest, GenerateResult, LoglikelihoodRequest, LoglikelihoodResult, Provider, RequestFailure, Settled } from '../providers/types.js';
import { SQLiteStore } from '../store/sqlite.js';
import type { Sample } from '../store/types.js';
import { parseTaskConfig } from '../tasks/task-config.js';
import { prepareTask, type PrepareOptions, type PreparedTask } from './prepare.js';
import { resumeRun, startRun, type RunPlan } from './runner.js';

const stores: SQLiteStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'assay-runner-'));
}

function openStore(): SQLiteStore {
  const store = SQLiteStore.open(join(dir(), 'assay.db'));
  stores.push(store);
  return store;
}

interface Scripted extends Provider {
  generated: GenerateRequest[];
  scored: LoglikelihoodRequest[];
}

/** A provider whose answers the test writes down: generate → answer(request), loglikelihood → -len(continuation). */
function scripted(answer: (request: GenerateRequest) => string | RequestFailure, options: { onGenerate?: (n: number) => void; check?: () => Promise<void> } = {}): Scripted {
  const generated: GenerateRequest[] = [];
  const scored: LoglikelihoodRequest[] = [];
  const provider: Scripted = {
    id: 'scripted:test',
    capabilities: { generate: true, loglikelihood: true, loglikelihoodRolling: false, topLogprobs: 0, chat: true, constraint: { jsonSchema: false, grammar: false }, embeddings: false, tokenCount: false },
    identity: { provider: 'scripted' },
    generated,
    scored,
    async generate(requests) {
      return requests.map((request): Settled<GenerateResult> => {
        generated.push(request);
        options.onGenerate?.(generated.length);
        const out = answer(request);
        if (typeof out !== 'string') return { ok: false, error: out };
        return { ok: true, value: { text: out, finishReason: 'stop', usage: { promptTokens: 10, completionTokens: 2 }, latencyMs: 1, cached: false, costUsd: 0.001 } };
      });
    },
    async loglikelihood(requests) {
      return requests.map((request): Settled<LoglikelihoodResult> => {
        scored.push(request);
        const logprob = -Array.from(request.continuation).length;
        return { ok: true, value: { logprob, isGreedy: request.continuation.trim() === 'cat', tokens: 1, latencyMs: 1, cached: false } };
      });
    },
    async loglikelihoodRolling() {
      throw new Error('not used');
    },
    async embed() {
      throw new Error('not used');
    },
    async countTokens() {
      return 0;
    },
    ...(options.check === undefined ? {} : { check: options.check }),
    async close() {},
  };
  return provider;
}

function plan(overrides: Partial<RunPlan> = {}): RunPlan {
  return {
    model: 'scripted:test',
    tasks: [],
    limit: null,
    numFewshot: null,
    fewshotSeed: 1234,
    seed: 7,
    repeats: null,
    maxTokens: null,
    temperature: null,
    chat: false,
    noCache: true,
    bootstrapIters: 200,
    provider: { concurrency: 4 },
    ...overrides,
  };
}

const QA = Array.from({ length: 10 }, (_, i) => ({ q: `What is ${i} + ${i}?`, a: String(2 * i), group: i % 3 }));

async function qaTask(extra = '', docs: object[] = QA, options: PrepareOptions = {}): Promise<PreparedTask> {
  const d = dir();
  writeFileSync(join(d, 'qa.jsonl'), docs.map((x) => JSON.stringify(x)).join('\n') + '\n');
  const yaml = `task: qa\ndata:\n  path: qa.jsonl\noutput_type: generate_until\ndoc_to_text: "Q: {{q}}\\nA:"\ndoc_to_target: "{{a}}"\ngeneration_kwargs:\n  until: ["\\n"]\n${extra}`;
  return prepareTask(parseTaskConfig(yaml, join(d, 'qa.yaml')), options);
}

/** Right on even documents: answers " 2i" (stripped by nothing: exact_match sees the space). */
const halfRight = (request: GenerateRequest): string => {
  const i = Number(/What is (\d+)/.exec(String(request.prompt))![1]);
  return i % 2 === 0 ? String(2 * i) : 'no idea';
};

async function allSamples(store: SQLiteStore, runId: string, task: string): Promise<Sample[]> {
  return (await store.samplePage(runId, task, 0, 1000)).samples;
}

describe('startRun', () => {
  it('scores generate_until docs, stores every sample with its record, and aggregates with a Wilson interval', async () => {
    const store = openStore();
    const provider = scripted(halfRight);
    const task = await qaTask();
    const outcome = await startRun(plan(), [task], { store, provider });
    expect(outcome.run.status).toBe('finished');
    expect(outcome.remaining).toBe(0);
    expect(provider.generated).toHaveLength(10);
    expect(provider.generated[3]).toEqual({ prompt: 'Q: What is 3 + 3?\nA:', stop: ['\n'], maxTokens: 256, temperature: 0 });
    const [agg] = outcome.aggregates;
    // exact_match over 10 docs, 5 right: mean 0.5, mean_stderr = sqrt(0.25 * 10/9) / sqrt(10),
    // Wilson 95% interval of 5/10 (statsmodels: 0.23659309051256394, 0.7634069094874361).
    expect(agg).toMatchObject({ task: 'qa', metric: 'exact_match', filter: 'none', value: 0.5, n: 10, method: 'wilson', seed: null });
    expect(agg.ciLow).toBeCloseTo(0.23659309051256394, 12);
    expect(agg.ciHigh).toBeCloseTo(0.7634069094874361, 12);
    expect(agg.stderr).toBeCloseTo(Math.sqrt((0.25 * 10) / 9) / Math.sqrt(10), 12);
    const samples = await allSamples(store, outcome.run.id, 'qa');
    expect(samples).toHaveLength(10);
    expect(samples[2]).toEqual({
      task: 'qa',
      docId: 2,
      repeat: 0,
      inputs: { q: 'What is 2 + 2?', a: '4', group: 2 },
      prompt: 'Q: What is 2 + 2?\nA:',
      rawResponse: '4',
      filteredAnswer: '4',
      scores: { 'exact_match,none': 1 },
      items: { 'exact_match,none': 1 },
      status: 'scored',
      errorReason: null,
      latencyMs: 1,
      inputTokens: 10,
      outputTokens: 2,
      costUsd: 0.001,
      cached: false,
    });
    expect(outcome.run.totals).toEqual({ samples: 10, errors: 0, cached: 0, inputTokens: 100, outputTokens: 20, costUsd: expect.closeTo(0.01, 12) as number });
    expect(outcome.run.provenance.tasks[0]).toMatchObject({ task: 'qa', fewshotSeed: null });
    expect((await store.aggregates(outcome.run.id))).toEqual(outcome.aggregates);
  });

  it('sends identical greedy repeats once and clusters their standard error by document', async () => {
    const store = openStore();
    const provider = scripted(halfRight);
    const task = await qaTask('repeats: 3\n');
    const outcome = await startRun(plan(), [task], { store, provider });
    expect(provider.generated).toHaveLength(10);
    expect(await allSamples(store, outcome.run.id, 'qa')).toHaveLength(30);
    expect(outcome.aggregates[0]).toMatchObject({ value: 0.5, n: 30, method: 'clustered-t' });
  });

  it('uses the task cluster_field for clustered standard errors', async () => {
    const store = openStore();
    const outcome = await startRun(plan(), [await qaTask('cluster_field: group\n')], { store, provider: scripted(halfRight) });
    expect(outcome.aggregates[0]).toMatchObject({ value: 0.5, n: 10, method: 'clustered-t' });
  });

  it('samples repeats with distinct seeds at temperature > 0 and takes a majority vote across them', async () => {
    const store = openStore();
    // Seeds 7, 8, 9: the answer is right for seeds 7 and 9 only (on every doc).
    const provider = scripted((request) => (request.seed === 8 ? 'wrong' : String(2 * Number(/What is (\d+)/.exec(String(request.prompt))![1]))));
    const task = await qaTask('repeats: 3\nfilter_list:\n  - name: maj\n    filter:\n      - function: majority_vote\n      - function: take_first\n  - name: each\n    filter:\n      - function: take_first\n');
    const outcome = await startRun(plan({ temperature: 0.7 }), [task], { store, provider });
    expect(provider.generated).toHaveLength(30);
    expect(new Set(provider.generated.map((r) => r.seed))).toEqual(new Set([7, 8, 9]));
    const byKey = Object.fromEntries(outcome.aggregates.map((a) => [`${a.metric},${a.filter}`, a]));
    // The vote is one per document (scored on repeat 0): always right.
    expect(byKey['exact_match,maj']).toMatchObject({ value: 1, n: 10 });
    // Each repeat scored on its own: 2 of 3 right.
    expect(byKey['exact_match,each']?.value).toBeCloseTo(2 / 3, 12);
    expect(byKey['exact_match,each']?.n).toBe(30);
    const [r0, r1] = await allSamples(store, outcome.run.id, 'qa');
    expect([r0!.filteredAnswer, r1!.filteredAnswer]).toEqual(['{"maj":"0","each":"0"}', '{"each":"wrong"}']);
    expect([r0!.scores, r1!.scores]).toEqual([{ 'exact_match,maj': 1, 'exact_match,each': 1 }, { 'exact_match,each': 0 }]);
  });

  it('pass@k (unbiased estimator) and consistency over a document\'s repeats, one value per document', async () => {
    const store = openStore();
    // Seeds 7..10: right for 7 and 9, so c = 2 of n = 4 on every document.
    const provider = scripted((request) => (request.seed! % 2 === 0 ? 'wrong' : String(2 * Number(/What is (\d+)/.exec(String(request.prompt))![1]))));
    const task = await qaTask('repeats: 4\nmetric_list:\n  - metric: exact_match\n  - metric: pass@1\n  - metric: pass@2\n  - metric: consistency\n');
    const outcome = await startRun(plan({ temperature: 1 }), [task], { store, provider });
    const byMetric = Object.fromEntries(outcome.aggregates.map((a) => [a.metric, [a.value, a.n]]));
    // pass@1 = c/n = 0.5; pass@2 = 1 - C(2,2)/C(4,2) = 5/6; consistency: the tie goes to the first answer seen (2 of 4).
    expect(byMetric).toEqual({ exact_match: [0.5, 40], 'pass@1': [0.5, 10], 'pass@2': [expect.closeTo(5 / 6, 14), 10], consistency: [0.5, 10] });
    await expect(qaTask('repeats: 2\nmetric_list:\n  - metric: pass@3\n')).rejects.toThrow('task "qa": pass@3 needs at least 3 generations per document; the task has repeats: 2');
  });

  it('scores multiple choice from loglikelihoods: acc and acc_norm as the harness', async () => {
    const store = openStore();
    const d = dir();
    writeFileSync(join(d, 'mc.jsonl'), '{"q": "A pet?", "choices": ["cat", "elephant", "ox"], "label": 0}\n{"q": "Big?", "choices": ["mouse", "elephant", "cat"], "label": 1}\n');
    const config = parseTaskConfig('task: mc\ndata:\n  path: mc.jsonl\noutput_type: multiple_choice\ndoc_to_text: "{{q}}"\ndoc_to_choice: "{{choices}}"\ndoc_to_target: label\nmetric_list:\n  - metric: acc\n  - metric: acc_norm\n  - metric: exact_match\n  - metric: acc_mutual_info\n', join(d, 'mc.yaml'));
    const provider = scripted(() => 'unused');
    const outcome = await startRun(plan(), [await prepareTask(config)], { store, provider });
    // logprob = -len(" choice"): the shortest choice wins acc ("ox" on doc 0, "cat" on doc 1);
    // acc_norm divides by len(choice): (-3/2, -4/3, -9/8...) picks the longest relative; see below.
    // acc_mutual_info adds each choice with an empty context and no delimiter (construct_requests' aux_arguments).
    expect(provider.scored.map((r) => [r.context, r.continuation])).toEqual([
      ['A pet?', ' cat'], ['A pet?', ' elephant'], ['A pet?', ' ox'], ['', 'cat'], ['', 'elephant'], ['', 'ox'],
      ['Big?', ' mouse'], ['Big?', ' elephant'], ['Big?', ' cat'], ['', 'mouse'],
    ]);
    const byMetric = Object.fromEntries(outcome.aggregates.map((a) => [a.metric, a.value]));
    // acc: doc 0 argmax(-4,-9,-3) = ox (wrong); doc 1 argmax(-6,-9,-4) = cat (wrong).
    expect(byMetric.acc).toBe(0);
    // acc_norm: doc 0 (-4/3, -9/8, -3/2) → elephant (wrong); doc 1 (-6/5, -9/8, -4/3) → elephant (right).
    expect(byMetric.acc_norm).toBe(0.5);
    // exact_match: is_greedy[gold]: doc 0 gold " cat" is greedy, doc 1 gold " elephant" is not.
    expect(byMetric.exact_match).toBe(0.5);
    // acc_mutual_info: every conditional - unconditional difference is -1, so argmax is choice 0 (right, then wrong).
    expect(byMetric.acc_mutual_info).toBe(0.5);
    const [s0] = await allSamples(store, outcome.run.id, 'mc');
    expect(s0!.rawResponse).toBe('[[-4,true],[-9,false],[-3,false],[-3,true],[-8,false],[-2,false]]');
    expect(s0!.filteredAnswer).toBe('ox');
  });

  it('records failed requests as errored samples with the reason and leaves them out of the aggregates', async () => {
    const store = openStore();
    const provider = scripted((request) => (String(request.prompt).includes('7 + 7') || String(request.prompt).includes('4 + 4') ? { code: 'server_error', message: 'HTTP 500: boom', attempts: 3, status: 500 } : halfRight(request)));
    const outcome = await startRun(plan(), [await qaTask()], { store, provider });
    const samples = await allSamples(store, outcome.run.id, 'qa');
    expect(samples).toHaveLength(10);
    expect(samples.filter((s) => s.status === 'error').map((s) => [s.docId, s.errorReason, s.rawResponse, s.scores])).toEqual([
      [4, 'server_error: HTTP 500: boom (after 3 attempts)', null, {}],
      [7, 'server_error: HTTP 500: boom (after 3 attempts)', null, {}],
    ]);
    // 8 scored: docs 0,2,6,8 right (4 excluded) → 4/8.
    expect(outcome.aggregates[0]).toMatchObject({ value: 0.5, n: 8 });
    expect(outcome.run.totals?.errors).toBe(2);
  });

  it('fails before creating a run when the provider cannot serve the task or is unreachable', async () => {
    const store = openStore();
    const noGenerate = { ...scripted(halfRight), capabilities: { ...scripted(halfRight).capabilities, generate: false } };
    await expect(startRun(plan(), [await qaTask()], { store, provider: noGenerate })).rejects.toThrow(/^task "qa" \(generate_until\): .*generate/);
    const down = scripted(halfRight, {
      check: async () => {
        throw new Error('cannot reach scripted:test at http://127.0.0.1:9/v1/models: connect ECONNREFUSED');
      },
    });
    await expect(startRun(plan(), [await qaTask()], { store, provider: down })).rejects.toThrow('connect ECONNREFUSED');
    expect(await store.listRuns()).toEqual([]);
  });
});

describe('groups', () => {
  it('a group row is the harness size-weighted mean with the pooled stderr over its leaf tasks', async () => {
    const a = await qaTask('');
    const b = await qaTask('', QA.slice(0, 4));
    // Two tasks may not share a name: rename the second.
    const b2: PreparedTask = { ...b, name: 'qb', config: { ...b.config, task: 'qb' }, provenance: { ...b.provenance, task: 'qb' } };
    const outcome = await startRun(plan(), [a, b2], {
      store: openStore(),
      provider: scripted(halfRight),
      groups: [
        { name: 'both', members: ['sub', 'qb'], metrics: ['exact_match'] },
        { name: 'sub', members: ['qa'], metrics: ['exact_match'] },
      ],
    });
    const rows = Object.fromEntries(outcome.aggregates.map((r) => [r.task, r]));
    // qa: 5/10, qb: docs 0..3 → 2/4. Weighted: (0.5·10 + 0.5·4) / 14 = 0.5.
    expect(rows.both).toMatchObject({ value: 0.5, n: 14, method: 'wilson (pooled documents)' });
    // pooled_sample_stderr: sqrt(((10-1)·se_a²·10 + (4-1)·se_b²·4) / (14-2) / 14).
    const se = (p: number, n: number) => Math.sqrt((p * (1 - p) * n) / (n - 1)) / Math.sqrt(n);
    expect(rows.both!.stderr).toBeCloseTo(Math.sqrt((9 * se(0.5, 10) ** 2 * 10 + 3 * se(0.5, 4) ** 2 * 4) / 12 / 14), 14);
    // Wilson over the 14 pooled documents, 7 right (statsmodels: 0.26799202452413634, 0.7320079754758637).
    expect(rows.both!.ciLow).toBeCloseTo(0.26799202452413634, 12);
    expect(rows.sub).toMatchObject({ value: 0.5, n: 10 });
  });
});

describe('judge metrics', () => {
  it('grades each answer with the judge model; unparseable verdicts are kept unscored with the reason', async () => {
    // The judge: no verdict for the answer to 4 + 4, 2 for "no idea", 9 otherwise.
    const judgeModel = scripted((request) => {
      const prompt = JSON.stringify(request.prompt);
      if (prompt.includes('What is 4 + 4')) return 'I cannot decide.';
      return prompt.includes('no idea') ? 'Poor. Rating: [[2]]' : 'Good. Rating: [[9]]';
    });
    const task = await qaTask('metric_list:\n  - metric: exact_match\n  - metric: judge\n    judge: {kind: single, model: "scripted:judge", scale: [1, 10]}\n');
    const store = openStore();
    const outcome = await startRun(plan(), [task], { store, provider: scripted(halfRight), judgeProvider: async () => judgeModel });
    const judge = outcome.aggregates.find((a) => a.metric === 'judge')!;
    // 10 answers, doc 4 unscored: even docs (0,2,6,8) rated 9, odd docs (1,3,5,7,9) rated 2 → (4·9 + 5·2) / 9.
    expect(judge).toMatchObject({ n: 9, filter: 'none', method: 't' });
    expect(judge.value).toBeCloseTo(46 / 9, 12);
    const doc4 = (await allSamples(store, outcome.run.id, 'qa'))[4]!;
    expect(doc4.scores).toEqual({ 'exact_match,none': 1 });
    expect(doc4.items!['judge,none#unscored']).toMatch(/rating/i);
    expect(outcome.run.provenance.judges).toEqual([expect.objectContaining({ task: 'qa', metric: 'judge', model: 'scripted:judge', kind: 'single' })]);
  });
});

describe('judge panels', () => {
  it('several judge models graded together: combined by mean, members kept, agreement as Krippendorff alpha', async () => {
    // Judges a and b always give 9; judge c gives 2 to "no idea" (the odd documents) and 9 otherwise.
    const models: Record<string, Scripted> = {
      'scripted:a': scripted(() => 'Rating: [[9]]'),
      'scripted:b': scripted(() => 'Rating: [[9]]'),
      'scripted:c': scripted((request) => (JSON.stringify(request.prompt).includes('no idea') ? 'Rating: [[2]]' : 'Rating: [[9]]')),
    };
    const task = await qaTask('metric_list:\n  - metric: judge\n    judge: {kind: single, panel: ["scripted:a", "scripted:b", "scripted:c"], combine: mean}\n');
    const store = openStore();
    const outcome = await startRun(plan(), [task], { store, provider: scripted(halfRight), judgeProvider: async (model) => models[model]! });
    const rows = Object.fromEntries(outcome.aggregates.map((a) => [a.metric, a]));
    // Even docs: mean(9, 9, 9) = 9; odd docs: mean(9, 9, 2) = 20/3.
    expect(rows.judge!.value).toBeCloseTo((5 * 9 + 5 * (20 / 3)) / 10, 12);
    // NLTK AnnotationTask(interval_distance).alpha() on the same 3 × 10 ratings: -0.15999999999999992.
    expect(rows.judge_agreement).toMatchObject({ n: 10, method: 'krippendorff-alpha (interval)' });
    expect(rows.judge_agreement!.value).toBeCloseTo(-0.15999999999999992, 12);
    const odd = (await allSamples(store, outcome.run.id, 'qa'))[1]!;
    expect(odd.items).toMatchObject({ 'judge,none@scripted:a': 9, 'judge,none@scripted:b': 9, 'judge,none@scripted:c': 2 });
    expect(outcome.run.provenance.judges!.map((j) => (j as { model: string }).model)).toEqual(['scripted:a', 'scripted:b', 'scripted:c']);
  });

  it('a judge names either a model or a panel', async () => {
    await expect(qaTask('metric_list:\n  - metric: judge\n    judge: {kind: single}\n')).rejects.toThrow('a judge needs either model: PROVIDER:MODEL or panel: [MODEL, MODEL, ...], not both');
  });
});

describe('require_validation', () => {
  it('runs a judge metric only with a stored validation report meeting the minimums', async () => {
    const judgeModel = scripted(() => 'Rating: [[5]]');
    const task = await qaTask('metric_list:\n  - metric: judge\n    judge: {kind: single, model: "scripted:judge", require_validation: {min_alpha: 0.7}}\n');
    const deps = (report: { createdAt: string; alpha: number | null; kappa: number | null } | undefined) => ({
      store: openStore(),
      provider: scripted(halfRight),
      judgeProvider: async () => judgeModel,
      judgeValidation: async () => report,
    });
    await expect(startRun(plan(), [task], deps(undefined))).rejects.toThrow(/^task "qa" requires a validated judge \(scripted:judge, single, template \w+\), and the store has no validation report for it; run `assay judge validate` with the same settings first$/);
    await expect(startRun(plan(), [task], deps({ createdAt: '2026-11-29T10:00:00.000Z', alpha: 0.55, kappa: 0.9 }))).rejects.toThrow(/its validation of 2026-11-29T10:00:00.000Z has Krippendorff alpha 0.5500, below the required 0.7$/);
    const ok = await startRun(plan(), [task], deps({ createdAt: '2026-11-29T10:00:00.000Z', alpha: 0.81, kappa: null }));
    expect(ok.aggregates[0]).toMatchObject({ metric: 'judge', value: 5, n: 10 });
  });
});

describe('streamed documents', () => {
  it('reads a JSON Lines split as the run goes: same samples and aggregates as held documents', async () => {
    const held = await startRun(plan(), [await qaTask('metric_list:\n  - metric: exact_match\n  - metric: bleu\n')], { store: openStore(), provider: scripted(halfRight) });
    const task = await qaTask('metric_list:\n  - metric: exact_match\n  - metric: bleu\n', QA, { stream: true });
    expect([task.streamed, task.docs.length, task.docCount, task.splitSize]).toEqual([true, 0, 10, 10]);
    const store = openStore();
    const streamed = await startRun(plan(), [task], { store, provider: scripted(halfRight), chunkSize: 3 });
    expect(streamed.aggregates).toEqual(held.aggregates);
    expect((await allSamples(store, streamed.run.id, 'qa')).map((x) => x.docId)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const limited = await qaTask('', QA, { stream: true, limit: 4 });
    expect([limited.docCount, limited.splitSize]).toEqual([4, 10]);
  });

  it('a later document the template cannot render is an errored sample naming its file:line', async () => {
    const docs = [...QA.slice(0, 3), { a: '1' }, ...QA.slice(4)];
    const task = await qaTask('', docs, { stream: true });
    const store = openStore();
    const outcome = await startRun(plan(), [task], { store, provider: scripted(halfRight) });
    const bad = (await allSamples(store, outcome.run.id, 'qa'))[3]!;
    expect(bad.status).toBe('error');
    expect(bad.errorReason).toBe(`prompt: ${task.config.file}: task "qa", document 3 (${join(task.config.file, '..', 'qa.jsonl')}:4): template "qa.doc_to_text": 'q' is undefined; the document has a (did you mean "a"?)`);
    expect(outcome.aggregates[0]).toMatchObject({ n: 9 });
  });
});

describe('interrupt and resume', () => {
  it('an aborted run is interrupted with its finished samples kept; resume sends only the rest and ends with the aggregates of an unbroken run', async () => {
    const docs = Array.from({ length: 200 }, (_, i) => ({ q: `What is ${i} + ${i}?`, a: String(2 * i), group: i % 3 }));
    const full = await startRun(plan(), [await qaTask('metric_list:\n  - metric: exact_match\n  - metric: bleu\n', docs)], { store: openStore(), provider: scripted(halfRight) });

    const store = openStore();
    const controller = new AbortController();
    const first = scripted(halfRight, { onGenerate: (n) => n === 75 && controller.abort() });
    const task = await qaTask('metric_list:\n  - metric: exact_match\n  - metric: bleu\n', docs);
    const stopped = await startRun(plan(), [task], { store, provider: first, signal: controller.signal, chunkSize: 16, workers: 1 });
    expect(stopped.run.status).toBe('interrupted');
    expect(stopped.aggregates).toEqual([]);
    // The chunk in flight when Ctrl-C came (docs 64..79) is finished and saved; nothing after it is sent.
    expect(first.generated).toHaveLength(80);
    expect(stopped.remaining).toBe(120);
    expect((await store.samplePage(stopped.run.id, 'qa', 0, 1)).total).toBe(80);

    const second = scripted(halfRight);
    const resumed = await resumeRun((await store.getRun(stopped.run.id))!, [await qaTask('metric_list:\n  - metric: exact_match\n  - metric: bleu\n', docs)], { store, provider: second });
    expect(resumed.run.status).toBe('finished');
    expect(second.generated).toHaveLength(120);
    expect(second.generated[0]!.prompt).toBe('Q: What is 80 + 80?\nA:');
    expect((await store.samplePage(stopped.run.id, 'qa', 0, 1)).total).toBe(200);
    expect(resumed.aggregates).toEqual(full.aggregates);
    expect(resumed.aggregates.map((a) => a.metric)).toEqual(['exact_match', 'bleu']);
  });

  it('refuses to resume when the task changed since the run started', async () => {
    const store = openStore();
    const controller = new AbortController();
    controller.abort();
    const stopped = await startRun(plan(), [await qaTask()], { store, provider: scripted(halfRight), signal: controller.signal });
    expect(stopped.run.status).toBe('interrupted');
    let message = '';
    try {
      await resumeRun(stopped.run, [await qaTask('description: "Answer.\\n"\n')], { store, provider: scripted(halfRight) });
    } catch (error) {
      message = isAssayError(error) ? error.message : String(error);
    }
    expect(message).toMatch(/^cannot resume run \w+: the task file of task "qa" changed since the run started \(hash \w+, now \w+\); start a new run$/);
  });
});
