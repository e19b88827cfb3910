// Few-shot example selection as lm-evaluation-harness does it (lm_eval/api/samplers.py
// ContextSampler and FirstNSampler, called from ConfigurableTask.fewshot_context).
import { UsageError } from '../core/errors.js';
import { PythonRandom } from '../data/python-random.js';

export const FEWSHOT_SAMPLERS = ['default', 'first_n'] as const;
/** `default` is the harness's random ContextSampler; `first_n` takes the pool's first rows in order. */
export type FewshotSamplerName = (typeof FEWSHOT_SAMPLERS)[number];

export interface FewshotOptions<T> {
  /** The few-shot split's docs, in file order. */
  pool: readonly T[];
  sampler: FewshotSamplerName;
  /** The task's fewshot seed (the evaluator's `--fewshot_seed`, default 1234). */
  seed?: number;
  /** True when the few-shot split is the eval split: the eval doc is then never its own example. */
  sameSplit: boolean;
}

export interface FewshotSampler<T> {
  /** The `k` examples for one eval doc. Call once per eval doc, in doc order: the random
   * sampler's one generator continues across docs and is never reseeded. */
  examples(k: number, doc: T): T[];
}

/** One sampler per task, as `task.set_fewshot_seed(seed)` creates one `random.Random(seed)`. */
export function createFewshotSampler<T>(options: FewshotOptions<T>): FewshotSampler<T> {
  const { pool, sampler, sameSplit } = options;
  if (!(FEWSHOT_SAMPLERS as readonly string[]).includes(sampler)) {
    throw new UsageError(`unknown few-shot sampler "${String(sampler)}"; valid: ${FEWSHOT_SAMPLERS.join(', ')}`);
  }
  const rnd = new PythonRandom(options.seed ?? 1234);
  const draw = (n: number): T[] => (sampler === 'first_n' ? pool.slice(0, n) : rnd.sample(pool, n));
  return {
    examples(k, doc) {
      if (!Number.isInteger(k) || k < 0) throw new UsageError(`num_fewshot must be a non-negative integer, got ${k}`);
      if (k === 0) return [];
      // fewshot_context samples k+1 and drops the eval doc when the splits are the same.
      const n = sameSplit ? k + 1 : k;
      if (n > pool.length) {
        throw new UsageError(`num_fewshot ${k} needs ${n} few-shot docs but the few-shot split has ${pool.length}`);
      }
      const picked = draw(n);
      return sameSplit ? picked.filter((x) => !deepEqual(x, doc)).slice(0, k) : picked;
    },
  };
}

/** Python `==` on JSON-like docs (the harness compares dicts, not identities). */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const rb = b as Record<string, unknown>;
    return ka.length === Object.keys(rb).length && ka.every((k) => k in rb && deepEqual((a as Record<string, unknown>)[k], rb[k]));
  }
  return false;
}
