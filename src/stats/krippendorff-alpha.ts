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
  /** Number of values in each pairable unit. */
  size: Float64Array;
  /**
   * Each unit's share of the observed disagreement, sum_{c,k} n_uc n_uk delta(c,k) / (m_u - 1),
   * when delta does not depend on the value totals (every level but ordinal); a bootstrap
   * resample then only re-weights these.
   */
  unitDisagreement: Float64Array | undefined;
  /** Number of distinct values over all units, pairable or not (NLTK's `len(K)`). */
  distinctValues: number;
}

/** Groups coders x units reliability data into per-unit value counts, keeping units with >= 2 values. */
export function alphaUnits(reliabilityData: readonly (readonly Rating[])[], level: AlphaLevel = 'nominal'): AlphaUnits {
  if (!ALPHA_LEVELS.includes(level)) throw new UsageError(`unknown level of measurement "${String(level)}" (valid: ${ALPHA_LEVELS.join(', ')})`);
  const nUnits = reliabilityData.reduce((m, row) => Math.max(m, row.length), 0);
  return buildUnits(nUnits, level, (u, out) => {
    let n = 0;
    for (let c = 0; c < reliabilityData.length; c++) {
      const v = reliabilityData[c][u];
      if (v === null || v === undefined) continue;
      if (level !== 'nominal' && typeof v !== 'number') {
        throw new UsageError(`krippendorff alpha (${level}): coder ${c + 1}, unit ${u + 1} has the non-numeric value ${JSON.stringify(v)}; ${level} data must be numbers`);
      }
      out[n++] = v;
    }
    return n;
  });
}

/** The same statistics from a list of units, each the list of its (non-missing) values. */
export function alphaUnitsFromGroups(units: readonly (readonly Label[])[], level: AlphaLevel): AlphaUnits {
  return buildUnits(units.length, level, (u, out) => {
    const unit = units[u];
    for (let i = 0; i < unit.length; i++) out[i] = unit[i];
    return unit.length;
  });
}

/**
 * One pass over the units: values get provisional indices in order of first appearance, each
 * pairable unit keeps its distinct values with counts, then indices are remapped to sorted order.
 */
function buildUnits(nUnits: number, level: AlphaLevel, fill: (unit: number, out: Label[]) => number): AlphaUnits {
  const index = new Map<Label, number>();
  const firstSeen: Label[] = [];
  const start: number[] = [0];
  const value: number[] = [];
  const count: number[] = [];
  const scratch: Label[] = [];
  for (let u = 0; u < nUnits; u++) {
    const m = fill(u, scratch);
    if (m < 2) {
      if (m === 1 && !index.has(scratch[0])) {
        index.set(scratch[0], firstSeen.length);
        firstSeen.push(scratch[0]);
      }
      continue;
    }
    const from = value.length;
    for (let i = 0; i < m; i++) {
      let id = index.get(scratch[i]);
      if (id === undefined) {
        id = firstSeen.length;
        index.set(scratch[i], id);
        firstSeen.push(scratch[i]);
      }
      let p = from;
      while (p < value.length && value[p] !== id) p++;
      if (p < value.length) count[p]++;
      else {
        value.push(id);
        count.push(1);
      }
    }
    start.push(value.length);
  }
  const values = uniqueSortedLabels(firstSeen);
  const rank = new Int32Array(firstSeen.length);
  const sortedIndex = new Map<Label, number>(values.map((v, i) => [v, i]));
  firstSeen.forEach((v, i) => (rank[i] = sortedIndex.get(v) as number));
  const remapped = new Int32Array(value.length);
  for (let p = 0; p < value.length; p++) remapped[p] = rank[value[p]];
  const starts = Int32Array.from(start);
  const counts = Float64Array.from(count);
  const sizes = new Float64Array(starts.length - 1);
  for (let u = 0; u < sizes.length; u++) for (let p = starts[u]; p < starts[u + 1]; p++) sizes[u] += counts[p];
  const units: AlphaUnits = { level, values, start: starts, value: remapped, count: counts, size: sizes, unitDisagreement: undefined, distinctValues: values.length };
  if (level !== 'ordinal') {
    const coord = level === 'nominal' ? undefined : Float64Array.from(values as number[]);
    units.unitDisagreement = new Float64Array(sizes.length);
    for (let u = 0; u < sizes.length; u++) units.unitDisagreement[u] = unitPairs(units, u, coord) / (sizes[u] - 1);
  }
  return units;
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
  // A resample drawing only one value agrees perfectly (NLTK's single-value rule, applied to the resample).
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
  const cached = units.unitDisagreement;
  for (let u = 0; u < nUnits; u++) {
    const w = weights ? weights[u] : 1;
    if (w === 0) continue;
    observed += w * (cached ? cached[u] : unitPairs(units, u, coord) / (units.size[u] - 1));
  }
  const doObserved = observed / n;
  const deExpected = expectedPairs(units.level, totals, coord, n) / (n * (n - 1));
  return 1 - doObserved / deExpected;
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
