// Krippendorff's alpha as NLTK 3.8 `AnnotationTask(data, distance).alpha()` computes it
// (Krippendorff 1980/2011): units with fewer than 2 values are ignored; nominal = binary
// distance, interval = (a-b)^2, ratio = ((a-b)/(a+b))^2 (0 when a+b = 0), ordinal = Krippendorff's
// (sum_{g=c..k} n_g - (n_c+n_k)/2)^2 over the frequencies n_g of the pairable values.
// Computed from the coincidence-matrix margins rather than NLTK's pairwise loops: per unit, the
// disagreement over its distinct values; expected disagreement from the value totals in closed
// form (O(V log V); ratio O(V^2) over distinct values V). Deliberate differences: where NLTK
// divides 0 by 0 (no unit with 2+ values, or one pairable value but others in lone units) we
// return NaN; like NLTK, a single distinct value overall gives exactly 1.
import { UsageError } from '../core/errors.js';
import { type Label, uniqueSortedLabels } from './labels.js';

export type AlphaLevel = 'nominal' | 'ordinal' | 'interval' | 'ratio';
export const ALPHA_LEVELS: readonly AlphaLevel[] = ['nominal', 'ordinal', 'interval', 'ratio'];

/** One rating, or null when the coder did not rate the unit. */
export type Rating = Label | null;

/**
 * Sufficient statistics of the pairable units, in compressed rows: unit u holds the distinct
 * value indices `value[start[u]..start[u+1])` with multiplicities `count[...]`.
 */
export interface AlphaUnits {
  level: AlphaLevel;
  /** Sorted distinct values over every unit (pairable or not). */
  values: Label[];
  start: Int32Array;
  value: Int32Array;
  count: Float64Array;
  /** Number of distinct values over all units, pairable or not (NLTK's `len(K)`). */
  distinctValues: number;
}

/** Groups coders x units reliability data into per-unit value counts, keeping units with >= 2 values. */
export function alphaUnits(reliabilityData: readonly (readonly Rating[])[], level: AlphaLevel = 'nominal'): AlphaUnits {
  if (!ALPHA_LEVELS.includes(level)) throw new UsageError(`unknown level of measurement "${String(level)}" (valid: ${ALPHA_LEVELS.join(', ')})`);
  const nUnits = reliabilityData.reduce((m, row) => Math.max(m, row.length), 0);
  const units: Label[][] = Array.from({ length: nUnits }, () => []);
  for (let c = 0; c < reliabilityData.length; c++) {
    const row = reliabilityData[c];
    for (let u = 0; u < row.length; u++) {
      const v = row[u];
      if (v === null || v === undefined) continue;
      if (level !== 'nominal' && typeof v !== 'number') {
        throw new UsageError(`krippendorff alpha (${level}): coder ${c + 1}, unit ${u + 1} has the non-numeric value ${JSON.stringify(v)}; ${level} data must be numbers`);
      }
      units[u].push(v);
    }
  }
  return alphaUnitsFromGroups(units, level);
}

/** The same statistics from a list of units, each the list of its (non-missing) values. */
export function alphaUnitsFromGroups(units: readonly (readonly Label[])[], level: AlphaLevel): AlphaUnits {
  const values = uniqueSortedLabels(units.flat());
  const index = new Map<Label, number>(values.map((v, i) => [v, i]));
  const start: number[] = [0];
  const value: number[] = [];
  const count: number[] = [];
  const local = new Map<number, number>();
  for (const unit of units) {
    if (unit.length < 2) continue;
    local.clear();
    for (const v of unit) {
      const i = index.get(v) as number;
      local.set(i, (local.get(i) ?? 0) + 1);
    }
    for (const [i, n] of local) {
      value.push(i);
      count.push(n);
    }
    start.push(value.length);
  }
  return {
    level,
    values,
    start: Int32Array.from(start),
    value: Int32Array.from(value),
    count: Float64Array.from(count),
    distinctValues: values.length,
  };
}

/** Number of pairable units. */
export function pairableUnits(units: AlphaUnits): number {
  return units.start.length - 1;
}

/**
 * Alpha from the unit statistics; `weights[u]` (default 1) is how often pairable unit u is
 * counted, so a bootstrap resample is a weight vector.
 */
export function alphaFromUnits(units: AlphaUnits, weights?: ArrayLike<number>): number {
  if (units.distinctValues === 1 && !weights) return 1;
  const nValues = units.values.length;
  const nUnits = pairableUnits(units);
  // Value totals over the (weighted) pairable units: the margins of the coincidence matrix.
  const totals = new Float64Array(nValues);
  for (let u = 0; u < nUnits; u++) {
    const w = weights ? weights[u] : 1;
    if (w === 0) continue;
    for (let p = units.start[u]; p < units.start[u + 1]; p++) totals[units.value[p]] += w * units.count[p];
  }
  let n = 0;
  let present = 0;
  for (let v = 0; v < nValues; v++) {
    n += totals[v];
    if (totals[v] > 0) present++;
  }
  if (weights && present === 1) return 1;
  // Interval-scale coordinates: the values themselves, or Krippendorff's ordinal mid-ranks
  // (cumulative frequency below a value plus half its own), which turn the ordinal delta into
  // a squared difference.
  let coord: Float64Array | undefined;
  if (units.level === 'interval' || units.level === 'ratio') coord = Float64Array.from(units.values as number[]);
  else if (units.level === 'ordinal') {
    coord = new Float64Array(nValues);
    let below = 0;
    for (let v = 0; v < nValues; v++) {
      coord[v] = below + totals[v] / 2;
      below += totals[v];
    }
  }
  let observed = 0;
  for (let u = 0; u < nUnits; u++) {
    const w = weights ? weights[u] : 1;
    if (w === 0) continue;
    observed += (w * unitPairs(units, u, coord)) / (unitSize(units, u) - 1);
  }
  const doObserved = observed / n;
  const deExpected = expectedPairs(units.level, totals, coord, n) / (n * (n - 1));
  return 1 - doObserved / deExpected;
}

function unitSize(units: AlphaUnits, u: number): number {
  let m = 0;
  for (let p = units.start[u]; p < units.start[u + 1]; p++) m += units.count[p];
  return m;
}

/** sum over ordered pairs of values in unit u of n_c n_k delta(c, k) (NLTK's `pairs`). */
function unitPairs(units: AlphaUnits, u: number, coord: Float64Array | undefined): number {
  const s = units.start[u];
  const e = units.start[u + 1];
  let total = 0;
  for (let p = s; p < e; p++) {
    for (let q = p + 1; q < e; q++) {
      total += units.count[p] * units.count[q] * delta(units.level, units.value[p], units.value[q], coord);
    }
  }
  return 2 * total;
}

function delta(level: AlphaLevel, c: number, k: number, coord: Float64Array | undefined): number {
  if (level === 'nominal') return c === k ? 0 : 1;
  const a = (coord as Float64Array)[c];
  const b = (coord as Float64Array)[k];
  if (level === 'ratio') {
    const s = a + b;
    return s === 0 ? 0 : ((a - b) / s) ** 2;
  }
  return (a - b) ** 2;
}

/** sum over ordered pairs of values of n_c n_k delta(c, k) for the value totals. */
function expectedPairs(level: AlphaLevel, totals: Float64Array, coord: Float64Array | undefined, n: number): number {
  const V = totals.length;
  if (level === 'nominal') {
    let sq = 0;
    for (let v = 0; v < V; v++) sq += totals[v] * totals[v];
    return n * n - sq;
  }
  const x = coord as Float64Array;
  if (level === 'interval' || level === 'ordinal') {
    // sum_{c,k} n_c n_k (x_c - x_k)^2 = 2 n sum_c n_c (x_c - mean)^2, centred for accuracy.
    let mean = 0;
    for (let v = 0; v < V; v++) mean += totals[v] * x[v];
    mean /= n;
    let ss = 0;
    for (let v = 0; v < V; v++) if (totals[v] > 0) ss += totals[v] * (x[v] - mean) ** 2;
    return 2 * n * ss;
  }
  const present: number[] = [];
  for (let v = 0; v < V; v++) if (totals[v] > 0) present.push(v);
  let total = 0;
  for (let i = 0; i < present.length; i++) {
    const c = present[i];
    for (let j = i + 1; j < present.length; j++) total += totals[c] * totals[present[j]] * delta('ratio', c, present[j], x);
  }
  return 2 * total;
}

/** NLTK `AnnotationTask(...).alpha()` for coders x units data (null = missing). */
export function krippendorffAlpha(reliabilityData: readonly (readonly Rating[])[], level: AlphaLevel = 'nominal'): number {
  const units = alphaUnits(reliabilityData, level);
  if (units.distinctValues === 0) throw new UsageError('krippendorff alpha: no ratings');
  return alphaFromUnits(units);
}
