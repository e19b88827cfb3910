import { describe, expect, it } from 'vitest';
import { closeTo, readJsonl } from '../../test/support/shared.js';
import { UsageError } from '../core/errors.js';
import { type MultitestMethod, multipletests } from './multitest.js';

interface Case {
  id: string;
  input: { pvals: number[] };
  options: { method: MultitestMethod; alpha: number };
  expected: { reject: boolean[]; pvals_corrected: number[]; alphacSidak: number; alphacBonf: number };
}

function expectClose(actual: number, expected: number, what: string): void {
  if (!closeTo(actual, expected)) expect.fail(`${what}: got ${actual}, expected ${expected}`);
}

describe('multipletests (statsmodels 0.13.5 reference vectors, 1e-9 relative)', () => {
  const cases = readJsonl<Case>('reference', 'stats', 'multitest.jsonl');
  it('has the public vectors covering every method', () => {
    expect(cases.length).toBe(130);
    expect(new Set(cases.map((c) => c.options.method))).toEqual(
      new Set(['bonferroni', 'holm', 'fdr_bh', 'sidak', 'holm-sidak', 'fdr_by', 'hommel']),
    );
  });
  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const r = multipletests(c.input.pvals, c.options.alpha, c.options.method);
    expect(r.reject).toEqual(c.expected.reject);
    r.pvalsCorrected.forEach((v, i) => expectClose(v, c.expected.pvals_corrected[i], `pvals_corrected[${i}]`));
    expect(r.pvalsCorrected.length).toBe(c.expected.pvals_corrected.length);
    expectClose(r.alphacSidak, c.expected.alphacSidak, 'alphacSidak');
    expectClose(r.alphacBonf, c.expected.alphacBonf, 'alphacBonf');
  });
});

describe('multipletests edges', () => {
  it('Holm on a small hand example', () => {
    // sorted p 0.01, 0.02, 0.03 -> 0.03, 0.04, 0.03 -> running max 0.03, 0.04, 0.04
    const r = multipletests([0.03, 0.01, 0.02], 0.05, 'holm');
    expect(r.pvalsCorrected.map((v) => Math.round(v * 1e12) / 1e12)).toEqual([0.04, 0.03, 0.04]);
    expect(r.reject).toEqual([true, true, true]);
  });
  it('rejects bad input', () => {
    expect(() => multipletests([0.1, 1.2])).toThrow(UsageError);
    expect(() => multipletests([])).toThrow(UsageError);
    expect(() => multipletests([0.1], 0.05, 'bh' as MultitestMethod)).toThrow(/fdr_bh/);
  });
});
