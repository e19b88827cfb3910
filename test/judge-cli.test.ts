// `assay judge validate|audit` end to end through main(args, bufferIO()) against a scripted judge
// server: exact statistics in the JSON report, the report stored with the judge's identity, the
// response cache replaying a second validation, and file:line errors for a bad labels file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIO } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import type { AuditReport } from '../src/judge/audit.js';
import { latestJudgeReport } from '../src/judge/reports.js';
import type { JudgeIdentity } from '../src/judge/types.js';
import type { ValidationReport } from '../src/judge/validate.js';
import { answerAt, type FakeJudgeServer, startFakeJudgeServer } from './support/fake-judge-server.js';
import { closeTo } from './support/shared.js';

const JUDGE_RATINGS = [8, 7, 4, 9, 2, 5, 9, 3, 9, 2, null, 6];
const HUMAN_RATINGS = [[8], [6, 7], [3], [9, 9, 8], [2], [5, 6], [7], [4, 4], [10], [1, 2], [5], [6]];

let server: FakeJudgeServer;
const dir = mkdtempSync(join(tmpdir(), 'assay-judge-cli-'));
const store = join(dir, 'assay.db');
const cache = join(dir, 'cache.sqlite');

beforeAll(async () => {
  server = await startFakeJudgeServer(({ prompt }) => {
    const item = /item-(\d+)\?/.exec(prompt);
    if (item) {
      const r = JUDGE_RATINGS[Number(item[1]) - 1];
      return { text: r === null ? 'no idea' : `{"explanation": "ok", "rating": ${r}}` };
    }
    // Pairwise: always the first position.
    return { text: `{"explanation": "first is better (${answerAt(prompt, 'A').length})", "verdict": "A"}` };
  });
});
afterAll(async () => server.close());

function write(name: string, lines: unknown[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return path;
}

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = bufferIO();
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const judgeArgs = (): string[] => ['--judge', `openai-compatible:judge@${server.url}`, '--store', store, '--cache-file', cache];
const close = (a: number | null | undefined, b: number): boolean => closeTo(a ?? Number.NaN, b, 1e-9);

describe('assay judge validate', () => {
  it('prints the agreement statistics, stores the report, and a second run is served from the cache', async () => {
    const labels = write('human.jsonl', HUMAN_RATINGS.map((h, i) => ({ question: `item-${i + 1}?`, answer: `answer ${i + 1}`, human: h.length === 1 ? h[0] : h })));
    const r = await run(['judge', 'validate', ...judgeArgs(), '--kind', 'single', '--labels', labels, '--format', 'json', '--bootstrap', '50', '--seed', '11']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as ValidationReport & { id: string };
    expect({ n: report.n, scored: report.scored, unscored: report.unscored, seed: report.seed, resamples: report.resamples }).toEqual({ n: 12, scored: 11, unscored: 1, seed: 11, resamples: 50 });
    expect(close(report.cohenKappa.value, 0.9441624365482233)).toBe(true);
    expect(close(report.krippendorffAlpha.value, 0.9389285714285714)).toBe(true);
    expect(close(report.spearman?.value, 0.958566059437099)).toBe(true);
    expect(close(report.kendallTauB?.value, 0.8765483240617118)).toBe(true);
    const stored = latestJudgeReport<ValidationReport>(store, report.identity as JudgeIdentity, 'validate');
    expect(stored?.id).toBe(report.id);
    expect(stored?.report.cohenKappa).toEqual(report.cohenKappa);

    const calls = server.calls.length;
    const text = await run(['judge', 'validate', ...judgeArgs(), '--kind', 'single', '--labels', labels, '--bootstrap', '50', '--seed', '11']);
    expect(text.code).toBe(0);
    expect(server.calls.length).toBe(calls);
    expect(text.stdout).toContain('items: 12  scored: 11  unscored: 1\n');
    expect(text.stdout).toMatch(/cohen kappa \(quadratic\)\s+0\.9442 {2}95% CI \[/);
    expect(text.stdout).toContain('bootstrap: 50 resamples, seed 11\n');
    expect(latestJudgeReport(store, report.identity as JudgeIdentity, 'validate')?.id).not.toBe(report.id);
  });

  it('a bad labels file is a file:line error with exit status 2', async () => {
    const labels = write('bad.jsonl', [{ question: 'item-1?', answer: 'a', human: 3 }, { question: 'item-2?', answer: 'b', human: 'great' }]);
    const r = await run(['judge', 'validate', ...judgeArgs(), '--labels', labels]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`assay: error: ${labels}:2 field "human": a single judge gives ratings: expected a number, or an array of numbers from several raters, got "great"\n`);
  });

  it('an unknown kind names the valid ones', async () => {
    const r = await run(['judge', 'validate', ...judgeArgs(), '--kind', 'double', '--labels', 'x.jsonl']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('assay: error: --kind must be one of single, reference, pairwise, geval, classify, got "double"\n');
  });
});

describe('assay judge audit', () => {
  it('a first-position judge: position-bias rate 1.0, stored as an audit report', async () => {
    const items = write('pairs.jsonl', ['one', 'two', 'three'].map((w, i) => ({ question: `q${i}`, answer: `Answer ${w}.`, answerB: `The answer is ${w}.` })));
    const r = await run(['judge', 'audit', ...judgeArgs(), '--kind', 'pairwise', '--items', items, '--repeats', '2', '--format', 'json', '--bootstrap', '20']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as AuditReport & { id: string };
    expect(report.position?.inconsistent.value).toBe(1);
    expect(report.position?.firstPosition.value).toBe(1);
    expect(report.verbosity.paddedWinRate?.value).toBe(0);
    expect(report.consistency).toMatchObject({ repeats: 2, temperature: 1, agreement: { value: 1, n: 3 } });
    expect(latestJudgeReport(store, report.identity, 'audit')?.id).toBe(report.id);

    const text = await run(['judge', 'audit', ...judgeArgs(), '--kind', 'pairwise', '--items', items, '--repeats', '0', '--bootstrap', '20']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/ {2}inconsistent\s+1\.0000 {2}95% CI \[0\.4385, 1\.0000\] \(wilson\) {2}n=3\n/);
    expect(text.stdout).not.toContain('self-consistency');
  });
});
