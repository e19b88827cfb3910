import { describe, expect, it } from 'vitest';
import { closeTo, readJsonl } from '../../test/support/shared.js';
import { UsageError } from '../core/errors.js';
import { mcnemar, pairedTable } from './mcnemar.js';

type Stored = number | string | null;
interface Case {
  id: string;
  input: { table: number[][] };
  options: { exact: boolean; correction: boolean | null };
  expected: { statistic: Stored; pvalue: Stored };
  degenerate?: boolean;
}

/** Reference files store NaN as null and infinities as strings. */
function decode(v: Stored): number {
  if (v === null) return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return Number(v);
}

function expectClose(actual: number, expected: Stored, what: string): void {
  if (!closeTo(actual, decode(expected))) expect.fail(`${what}: got ${actual}, expected ${String(expected)}`);
}

describe('mcnemar (statsmodels 0.13.5 reference vectors, 1e-9 relative)', () => {
  const cases = readJsonl<Case>('reference', 'stats', 'mcnemar.jsonl');
  it('has the public vectors, degenerate ones included', () => {
    expect(cases.length).toBe(114);
    expect(cases.filter((c) => c.degenerate).length).toBeGreaterThan(0);
  });
  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const r = mcnemar(c.input.table, { exact: c.options.exact, correction: c.options.correction ?? true });
    expectClose(r.statistic, c.expected.statistic, 'statistic');
    expectClose(r.pvalue, c.expected.pvalue, 'pvalue');
  });
});

describe('mcnemar edges', () => {
  it('defaults are exact=true, correction=true like statsmodels', () => {
    const r = mcnemar([[50, 3], [12, 35]]);
    expect(r.statistic).toBe(3);
    expect(r.pvalue).toBe(0.03515625);
    expect(r.exact).toBe(true);
  });
  it('pairedTable counts both / first only / second only / neither', () => {
    expect(pairedTable([true, true, false, false, true], [true, false, true, false, false])).toEqual([
      [1, 2],
      [1, 1],
    ]);
  });
  it('rejects bad tables', () => {
    expect(() => mcnemar([[1, 2, 3]])).toThrow(UsageError);
    expect(() => mcnemar([[1, -2], [3, 4]])).toThrow(UsageError);
    expect(() => mcnemar([[1, 2.5], [3, 4]])).toThrow(/integer/);
    expect(() => pairedTable([true], [])).toThrow(UsageError);
  });
});
