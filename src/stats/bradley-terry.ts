// Bradley-Terry maximum likelihood from pairwise battles, the model behind Chatbot Arena's
// leaderboard (its logistic regression with ties as half a win each): P(a beats b) =
// 1 / (1 + 10^((R_b - R_a)/400)), no regularisation, rating = 1000 + 400 (r - r[anchor]), the
// anchor (default the first model) exactly 1000. Solved by Newton's method with a backtracking
// line search on the concave log-likelihood, to a gradient at rounding level.
import { InputError, UsageError } from '../core/errors.js';
import { type Battle, encodeBattles, type PairTotals, pairTotals } from './battles.js';

const LN10 = Math.LN10;

export interface BradleyTerryOptions {
  /** Model order (default: first appearance in the battles). */
  models?: readonly string[];
  /** The model fixed at `initial` (default the first model). */
  anchor?: string;
  scale?: number;
  initial?: number;
}

export interface BradleyTerryFit {
  models: string[];
  ratings: number[];
  /** Natural-log negative log-likelihood at the optimum. */
  negLogLikelihood: number;
  /** Largest |d logL / d r| (r on the natural-log odds scale) at the end. */
  maxAbsGradient: number;
  iterations: number;
}

/** log(1 / (1 + e^-x)) without overflow. */
function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Log-likelihood of natural-scale strengths `beta`: sum over ordered pairs of score_ij log s(beta_i - beta_j). */
export function btLogLikelihood(totals: PairTotals, beta: ArrayLike<number>): number {
  const { k, score } = totals;
  let ll = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const s = score[i * k + j];
      if (s > 0) ll += s * logSigmoid(beta[i] - beta[j]);
    }
  }
  return ll;
}

/**
 * The MLE exists (is finite) iff the graph "i scored against j" is strongly connected (Zermelo
 * 1929; Ford 1957). Returns the models that cannot reach, or be reached from, the first one.
 */
export function disconnectedModels(totals: PairTotals): number[] {
  const { k, score } = totals;
  const reach = (forward: boolean): Uint8Array => {
    const seen = new Uint8Array(k);
    const stack = [0];
    seen[0] = 1;
    while (stack.length > 0) {
      const i = stack.pop() as number;
      for (let j = 0; j < k; j++) {
        if (seen[j]) continue;
        const s = forward ? score[i * k + j] : score[j * k + i];
        if (s > 0) {
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
    return seen;
  };
  const fwd = reach(true);
  const bwd = reach(false);
  const out: number[] = [];
  for (let i = 0; i < k; i++) if (!fwd[i] || !bwd[i]) out.push(i);
  return out;
}

/** Says which models make the MLE infinite: unbeaten, winless, or a group cut off one way. */
export function whyUnbounded(totals: PairTotals, models: readonly string[]): string {
  const { k, games, score } = totals;
  const reasons: string[] = [];
  for (let i = 0; i < k; i++) {
    let won = 0;
    let played = 0;
    for (let j = 0; j < k; j++) {
      won += score[i * k + j];
      played += games[i * k + j];
    }
    if (played === 0) reasons.push(`"${models[i]}" has no battles`);
    else if (won === 0) reasons.push(`"${models[i]}" never won or tied`);
    else if (won === played) reasons.push(`"${models[i]}" never lost or tied`);
  }
  if (reasons.length === 0) {
    const cut = disconnectedModels(totals).map((i) => `"${models[i]}"`);
    reasons.push(`${cut.slice(0, 5).join(', ')}${cut.length > 5 ? ', ...' : ''} never won or tied against the others, or never lost or tied against them`);
  }
  return reasons.length > 5 ? `${reasons.slice(0, 5).join(', ')}, ...` : reasons.join(', ');
}

/**
 * Newton's method on the natural-scale strengths with beta[anchor] = 0; returns undefined when
 * the MLE does not exist. `start` warm-starts (e.g. a bootstrap from the full-data fit).
 */
export function solveBradleyTerry(totals: PairTotals, anchor = 0, start?: ArrayLike<number>): { beta: Float64Array; maxAbsGradient: number; iterations: number; logLikelihood: number } | undefined {
  const { k, games, score } = totals;
  if (k === 1) return { beta: new Float64Array(1), maxAbsGradient: 0, iterations: 0, logLikelihood: 0 };
  if (disconnectedModels(totals).length > 0) return undefined;
  const beta = start ? Float64Array.from(start) : new Float64Array(k);
  const shift = beta[anchor];
  for (let i = 0; i < k; i++) beta[i] -= shift;
  const free = Array.from({ length: k }, (_, i) => i).filter((i) => i !== anchor);
  const m = free.length;
  const grad = new Float64Array(k);
  const hess = new Float64Array(m * m);
  const step = new Float64Array(m);
  const trial = new Float64Array(k);
  let ll = btLogLikelihood(totals, beta);
  let gmax = Infinity;
  let iterations = 0;
  let totalGames = 0;
  for (let t = 0; t < k * k; t++) totalGames += games[t];
  const tol = 1e-13 * Math.max(1, totalGames);
  for (; iterations < 200; iterations++) {
    grad.fill(0);
    const diag = new Float64Array(k);
    const off = new Float64Array(k * k);
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) {
        const n = games[i * k + j];
        if (n === 0) continue;
        const p = sigmoid(beta[i] - beta[j]);
        const g = score[i * k + j] - n * p;
        grad[i] += g;
        grad[j] -= g;
        const h = n * p * (1 - p);
        diag[i] += h;
        diag[j] += h;
        off[i * k + j] = h;
        off[j * k + i] = h;
      }
    }
    gmax = 0;
    for (const i of free) gmax = Math.max(gmax, Math.abs(grad[i]));
    if (gmax <= tol) break;
    // Negative Hessian on the free coordinates: the weighted graph Laplacian without the anchor.
    for (let r = 0; r < m; r++) {
      for (let c = 0; c < m; c++) hess[r * m + c] = r === c ? diag[free[r]] : -off[free[r] * k + free[c]];
      step[r] = grad[free[r]];
    }
    if (!choleskySolve(hess, step, m)) return undefined;
    // Newton decrement g'H^-1 g: twice the predicted increase of logL. Once it is at rounding
    // level of logL the full step is taken (the quadratic region, where comparing logL values
    // would only compare rounding errors); before that, backtrack until logL increases.
    let decrement = 0;
    let stepMax = 0;
    let betaMax = 1;
    for (let r = 0; r < m; r++) {
      decrement += step[r] * grad[free[r]];
      stepMax = Math.max(stepMax, Math.abs(step[r]));
      betaMax = Math.max(betaMax, Math.abs(beta[free[r]]));
    }
    if (decrement <= 1e-9 * Math.max(1, Math.abs(ll))) {
      for (let r = 0; r < m; r++) beta[free[r]] += step[r];
      ll = btLogLikelihood(totals, beta);
      if (stepMax <= 1e-15 * betaMax) break;
      continue;
    }
    let scale = 1;
    let improved = false;
    for (let ls = 0; ls < 60; ls++) {
      trial.set(beta);
      for (let r = 0; r < m; r++) trial[free[r]] += scale * step[r];
      const llTrial = btLogLikelihood(totals, trial);
      if (llTrial > ll) {
        beta.set(trial);
        ll = llTrial;
        improved = true;
        break;
      }
      scale /= 2;
    }
    if (!improved) break;
  }
  return { beta, maxAbsGradient: gmax, iterations, logLikelihood: ll };
}

/** Solves A x = b in place (b becomes x) for symmetric positive definite A (m x m); false if not PD. */
function choleskySolve(a: Float64Array, b: Float64Array, m: number): boolean {
  for (let j = 0; j < m; j++) {
    let d = a[j * m + j];
    for (let p = 0; p < j; p++) d -= a[j * m + p] * a[j * m + p];
    if (!(d > 0)) return false;
    const l = Math.sqrt(d);
    a[j * m + j] = l;
    for (let i = j + 1; i < m; i++) {
      let s = a[i * m + j];
      for (let p = 0; p < j; p++) s -= a[i * m + p] * a[j * m + p];
      a[i * m + j] = s / l;
    }
  }
  for (let i = 0; i < m; i++) {
    let s = b[i];
    for (let p = 0; p < i; p++) s -= a[i * m + p] * b[p];
    b[i] = s / a[i * m + i];
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = b[i];
    for (let p = i + 1; p < m; p++) s -= a[p * m + i] * b[p];
    b[i] = s / a[i * m + i];
  }
  return true;
}

/** Natural-scale strengths to ratings: initial + scale * beta / ln 10. */
export function betaToRatings(beta: ArrayLike<number>, scale = 400, initial = 1000): number[] {
  return Array.from(beta, (b) => initial + (scale * b) / LN10);
}

/** Bradley-Terry ratings from battles; InputError when the MLE does not exist. */
export function bradleyTerry(battles: readonly Battle[], options: BradleyTerryOptions = {}): BradleyTerryFit {
  const encoded = encodeBattles(battles, options.models);
  const anchor = options.anchor === undefined ? 0 : encoded.models.indexOf(options.anchor);
  if (anchor < 0) throw new UsageError(`anchor model "${options.anchor}" is not among the models (${encoded.models.join(', ')})`);
  if (encoded.models.length === 0) throw new UsageError('bradley-terry: no battles');
  const totals = pairTotals(encoded);
  const fit = solveBradleyTerry(totals, anchor);
  if (!fit) throw new InputError(`no finite Bradley-Terry ratings: ${whyUnbounded(totals, encoded.models)} (every split of the models into two groups needs a win or tie each way)`);
  return {
    models: encoded.models,
    ratings: betaToRatings(fit.beta, options.scale, options.initial),
    negLogLikelihood: -fit.logLikelihood,
    maxAbsGradient: fit.maxAbsGradient,
    iterations: fit.iterations,
  };
}
