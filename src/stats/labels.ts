// Category labels for agreement statistics, ordered as numpy's `np.unique` orders them (numbers
// numerically, strings by code point as Python compares `str`), because sklearn and statsmodels
// index categories by their position in that sorted list.
import { UsageError } from '../core/errors.js';

/** A rating: a category name or a number. */
export type Label = string | number;

/** Python's ordering: numbers numerically, strings by code point (not JS's UTF-16 units). */
export function compareLabels(a: Label, b: Label): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  throw new UsageError(`labels mix numbers and text (${JSON.stringify(a)} and ${JSON.stringify(b)}); use one kind`);
}

function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) ?? 0;
    const y = b.codePointAt(i) ?? 0;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** Sorted distinct labels (np.unique); throws UsageError when numbers and text are mixed or a number is NaN. */
export function uniqueSortedLabels(values: Iterable<Label>): Label[] {
  const seen = new Set<Label>();
  let kind: 'number' | 'string' | undefined;
  for (const v of values) {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new UsageError(`label ${v} is not a finite number`);
    const k = typeof v === 'number' ? 'number' : 'string';
    if (kind === undefined) kind = k;
    else if (kind !== k) throw new UsageError(`labels mix numbers and text (e.g. ${JSON.stringify(v)}); use one kind`);
    seen.add(v);
  }
  return [...seen].sort(compareLabels);
}
