// End-to-end: `assay score` over files and JSONL pairs built from the reference vectors, run
// in-process through the CLI entry (and once as a real process), checked against the expected
// sacrebleu / rouge-score / SQuAD values; plus every bad-input path.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferIO } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import { pyRstrip } from '../src/metrics/python-text.js';
import { closeTo, readJsonl, REPO_ROOT, sharedPath } from './support/shared.js';

const dir = mkdtempSync(join(tmpdir(), 'assay-score-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
function file(lines: readonly string[] | string): string {
  const path = join(dir, `f${counter++}.txt`);
  writeFileSync(path, typeof lines === 'string' ? lines : lines.map((l) => `${l}\n`).join(''));
  return path;
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIO();
  const code = await main(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

interface CorpusCase {
  id: string;
  level?: string;
  hyps: string[];
  refs: string[][];
  options: Record<string, unknown>;
  expected: Record<string, unknown> & { score: number; signature: string };
}

/** Cases a line-oriented file can carry unchanged: no newline inside a segment, no trailing whitespace. */
function fileSafe(c: CorpusCase): boolean {
  const all = [...c.hyps, ...c.refs.flat()];
  return all.every((s) => !/[\n\r\u2028\u2029\u0085]/.test(s) && !hasControl(s) && s === pyRstrip(s));
}

function hasControl(s: string): boolean {
  for (const ch of s) if (ch.charCodeAt(0) < 0x20 && ch !== '\t') return true;
  return false;
}

function refArgs(refs: string[][]): string[] {
  return refs.flatMap((stream) => ['--ref', file(stream)]);
}

const BLEU_FLAGS = (o: Record<string, unknown>): string[] => [
  '--tokenize', String(o.tokenize),
  '--smooth-method', String(o.smooth_method),
  ...(o.smooth_value === null ? [] : ['--smooth-value', String(o.smooth_value)]),
  ...(o.lowercase ? ['--lowercase'] : []),
];

describe('assay score: corpus scores equal the reference vectors', () => {
  const bleuCases = readJsonl<CorpusCase>('reference/metrics/bleu.jsonl').filter(fileSafe).slice(0, 12);
  it.each(bleuCases.map((c) => [c.id, c] as const))('BLEU %s', async (_id, c) => {
    const r = await run(['score', '-m', 'bleu', '--hyp', file(c.hyps), ...refArgs(c.refs), ...BLEU_FLAGS(c.options), '-f', 'json', '--bootstrap', '0']);
    expect(r.err).toBe('');
    const json = JSON.parse(r.out) as Record<string, unknown>;
    expect(closeTo(json.score as number, c.expected.score)).toBe(true);
    expect(json.counts).toEqual(c.expected.counts);
    expect(json.totals).toEqual(c.expected.totals);
    expect(json.sys_len).toBe(c.expected.sys_len);
    expect(json.ref_len).toBe(c.expected.ref_len);
    expect(json.signature).toBe(c.expected.signature);
    expect(json.n).toBe(c.hyps.length);
  });

  const chrfCases = readJsonl<CorpusCase>('reference/metrics/chrf.jsonl').filter((c) => c.level === 'corpus' && fileSafe(c)).slice(0, 8);
  it.each(chrfCases.map((c) => [c.id, c] as const))('chrF %s', async (_id, c) => {
    const o = c.options;
    const flags = ['--chrf-word-order', String(o.word_order), ...(o.lowercase ? ['--lowercase'] : []), ...(o.whitespace ? ['--chrf-whitespace'] : []), ...(o.eps_smoothing ? ['--chrf-eps-smoothing'] : [])];
    const r = await run(['score', '-m', 'chrf', '--hyp', file(c.hyps), ...refArgs(c.refs), ...flags, '-f', 'json', '--bootstrap', '0']);
    const json = JSON.parse(r.out) as Record<string, unknown>;
    expect(closeTo(json.score as number, c.expected.score)).toBe(true);
    expect(json.signature).toBe(c.expected.signature);
  });

  const terCases = readJsonl<CorpusCase>('reference/metrics/ter.jsonl').filter((c) => c.level === 'corpus' && fileSafe(c)).slice(0, 8);
  it.each(terCases.map((c) => [c.id, c] as const))('TER %s', async (_id, c) => {
    const o = c.options;
    const flags = [...(o.normalized ? ['--ter-normalized'] : []), ...(o.no_punct ? ['--ter-no-punct'] : []), ...(o.asian_support ? ['--ter-asian-support'] : []), ...(o.case_sensitive ? ['--ter-case-sensitive'] : [])];
    const r = await run(['score', '-m', 'ter', '--hyp', file(c.hyps), ...refArgs(c.refs), ...flags, '-f', 'json', '--bootstrap', '0']);
    const json = JSON.parse(r.out) as Record<string, unknown>;
    expect(closeTo(json.score as number, c.expected.score)).toBe(true);
    expect(json.num_edits).toBe(c.expected.num_edits);
    expect(json.signature).toBe(c.expected.signature);
  });

  it('prints the text line exactly as sacrebleu -f text does, then the CI line', async () => {
    const c = bleuCases[1];
    const r = await run(['score', '-m', 'bleu', '--hyp', file(c.hyps), ...refArgs(c.refs), ...BLEU_FLAGS(c.options), '--seed', '7']);
    const e = c.expected as Record<string, number[] | number | string>;
    const prec = (e.precisions as number[]).map((p) => p.toFixed(1)).join('/');
    const [first, second] = r.out.split('\n');
    expect(first).toBe(
      `BLEU|${e.signature} = ${(e.score as number).toFixed(1)} ${prec} (BP = ${(e.bp as number).toFixed(3)} ratio = ${((e.sys_len as number) / (e.ref_len as number)).toFixed(3)} hyp_len = ${e.sys_len} ref_len = ${e.ref_len})`,
    );
    expect(second).toMatch(/^ {2}\d+\.\d-\d+\.\d \(95% CI: bca bootstrap, 1000 resamples, seed 7; n = \d+ segments\)$/);
  });
});

describe('assay score: ROUGE and SQuAD over JSONL pairs', () => {
  interface RougeCase { kind: string; target?: string; targets?: string[]; prediction: string; options: { rouge_types: string[]; use_stemmer: boolean }; expected: Record<string, { precision: number; recall: number; fmeasure: number }> }
  const rougeCases = readJsonl<RougeCase>('reference/metrics/rouge.jsonl');

  it('--sentence gives rouge-score score()/score_multi() per pair, in order', async () => {
    const picked = rougeCases.filter((c) => c.options.use_stemmer).slice(0, 40).concat(rougeCases.filter((c) => c.kind === 'score_multi' && c.options.use_stemmer).slice(0, 10));
    const pairs = file(picked.map((c) => JSON.stringify({ hyp: c.prediction, refs: c.targets ?? [c.target] })));
    const r = await run(['score', '-m', 'rouge', '--pairs', pairs, '--stem', '--rouge-types', 'rouge1,rouge2,rouge3,rougeL,rougeLsum', '--sentence', '-f', 'json']);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as RougeCase['expected']);
    expect(lines).toHaveLength(picked.length);
    lines.forEach((got, i) => {
      for (const type of ['rouge1', 'rouge2', 'rouge3', 'rougeL', 'rougeLsum']) {
        for (const m of ['precision', 'recall', 'fmeasure'] as const) expect(closeTo(got[type][m], picked[i].expected[type][m])).toBe(true);
      }
    });
  });

  it('the corpus value is the mean of the per-pair scores, with a seeded CI around it', async () => {
    const picked = rougeCases.filter((c) => c.kind === 'score' && !c.options.use_stemmer).slice(0, 30);
    const pairs = file(picked.map((c) => JSON.stringify({ hyp: c.prediction, refs: [c.target] })));
    const r = await run(['score', '-m', 'rouge', '--pairs', pairs, '--rouge-types', 'rouge1,rougeL', '-f', 'json', '--seed', '3']);
    const json = JSON.parse(r.out) as Record<string, Record<string, number | number[]>> & { n: number; bootstrap: { seed: number } };
    const meanF = picked.reduce((s, c) => s + c.expected.rouge1.fmeasure, 0) / picked.length;
    expect(closeTo(json.rouge1.fmeasure as number, meanF, 1e-12)).toBe(true);
    const [lo, hi] = json.rouge1.fmeasure_ci as number[];
    expect(lo).toBeLessThan(meanF);
    expect(hi).toBeGreaterThan(meanF);
    expect(json.n).toBe(30);
    expect(json.bootstrap.seed).toBe(3);
    const again = JSON.parse((await run(['score', '-m', 'rouge', '--pairs', pairs, '--rouge-types', 'rouge1,rougeL', '-f', 'json', '--seed', '3'])).out) as typeof json;
    expect(again.rouge1.fmeasure_ci).toEqual(json.rouge1.fmeasure_ci);
  });

  it('SQuAD over all reference questions prints the official dataset-level numbers', async () => {
    interface SquadCase { prediction: string; gold_answers: string[]; expected: { exact_match: number; f1: number } }
    const cases = readJsonl<SquadCase>('reference/metrics/squad.jsonl');
    const aggregate = JSON.parse(readFileSync(sharedPath('reference/metrics/squad_aggregate.json'), 'utf8')) as { exact_match: number; f1: number };
    const pairs = file(cases.map((c) => JSON.stringify({ hyp: c.prediction, refs: c.gold_answers })));
    const corpus = JSON.parse((await run(['score', '-m', 'squad', '--pairs', pairs, '-f', 'json'])).out) as Record<string, number>;
    expect(closeTo(corpus.exact_match, aggregate.exact_match)).toBe(true);
    expect(closeTo(corpus.f1, aggregate.f1)).toBe(true);
    const perPair = (await run(['score', '-m', 'squad', '--pairs', pairs, '--sentence', '-f', 'json'])).out.trim().split('\n').map((l) => JSON.parse(l) as { exact_match: number; f1: number });
    perPair.forEach((p, i) => {
      expect(p.exact_match).toBe(cases[i].expected.exact_match * 100);
      expect(closeTo(p.f1, cases[i].expected.f1 * 100)).toBe(true);
    });
  });
});

describe('assay score: bad input is one line and exit code 2', () => {
  const hyp = file(['a b c', 'd e f']);
  const ref = file(['a b c', 'd e f']);

  it.each([
    [['score', '-m', 'blue', '--hyp', hyp, '--ref', ref], 'assay: error: unknown metric "blue"; did you mean "bleu"? (valid: bleu, chrf, rouge, squad, ter)\n'],
    [['score', '-m', 'bleu', '--hyp', hyp, '--ref', file(['only one'])], /^assay: error: line counts differ: .*f\d+\.txt has 2 lines, .*f\d+\.txt has 1 line; hypothesis and reference files must be parallel\n$/],
    [['score', '-m', 'bleu', '--hyp', hyp, '--ref', ref, '--tokenize', 'moses'], /^assay: error: .*tokenizer.*"moses".*13a.*\n$/],
    [['score', '-m', 'bleu', '--hyp', hyp, '--ref', ref, '--chrf-beta', '3'], 'assay: error: option --chrf-beta does not apply to metric "bleu" (it applies to: chrf)\n'],
    [['score', '-m', 'chrf', '--hyp', hyp, '--ref', ref, '--chrf-beta', 'x'], 'assay: error: --chrf-beta expects an integer, got "x"\n'],
    [['score', '-m', 'bleu', '--hyp', hyp], 'assay: error: missing references: give at least one --ref REF.txt\n'],
    [['score', '-m', 'bleu', '--hyp', hyp, '--ref', ref, '-f', 'xml'], 'assay: error: --format must be one of text, json, got "xml"\n'],
    [['score', '-m', 'rouge', '--pairs', file(['{"hyp": "x", "refs": ["y"]}', '{"hyp": "x", "refs": []}'])], /^assay: error: .*f\d+\.txt:2 field "refs": bad value: expected a list of at least one reference string\n$/],
    [['score', '-m', 'rouge', '--pairs', file(['{"hyp": "x", "refs": ["y"]}', '{"hyp": "x", '])], /^assay: error: .*f\d+\.txt:2: not valid JSON .*\n$/],
  ])('%j', async (args, expected) => {
    const r = await run(args as string[]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    if (typeof expected === 'string') expect(r.err).toBe(expected);
    else expect(r.err).toMatch(expected);
  });

  it('invalid UTF-8 names the file and line', async () => {
    const path = join(dir, 'bad-utf8.txt');
    writeFileSync(path, Buffer.concat([Buffer.from('fine\nalso fine\nbad \xff here\n', 'latin1')]));
    const r = await run(['score', '-m', 'bleu', '--hyp', path, '--ref', file(['a', 'b', 'c'])]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`assay: error: ${path}:3: invalid UTF-8 at byte 5 of the line\n`);
  });

  it('the installed binary prints one line, no stack trace, and exits 2', () => {
    const p = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/assay.js'), 'score', '-m', 'bleu', '--hyp', hyp, '--ref', join(dir, 'missing.txt')], { encoding: 'utf8' });
    expect(p.status).toBe(2);
    expect(p.stdout).toBe('');
    expect(p.stderr.trim().split('\n')).toHaveLength(1);
    expect(p.stderr).toContain('missing.txt');
  });
});

describe('assay score: the example in the README', () => {
  it('scores the shipped system output', async () => {
    const r = await run(['score', '-m', 'bleu', '--hyp', join(REPO_ROOT, 'examples/mt/hyp-a.txt'), '--ref', join(REPO_ROOT, 'examples/mt/ref.txt'), '-f', 'json']);
    const json = JSON.parse(r.out) as { score: number; sys_len: number; ref_len: number; n: number };
    expect(json.sys_len).toBe(216);
    expect(json.ref_len).toBe(229);
    expect(json.n).toBe(20);
  });

  it('prints exactly what the README shows for the quick-start command', async () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const command = /npx assay (score [^\n]+)/.exec(readme)?.[1].split(' ') ?? [];
    expect(command.slice(0, 3)).toEqual(['score', '-m', 'bleu']);
    const r = await run(command.map((a) => (a.startsWith('examples/') ? join(REPO_ROOT, a) : a)));
    expect(r.code).toBe(0);
    const shown = /```\n(BLEU\|[^`]+)```/.exec(readme)?.[1];
    expect(r.out).toBe(shown);
  });
});
