// Numeric assertions as promptfoo's bleu.ts, rouge.ts, similar.ts (matchers/similarity.ts),
// perplexity.ts, latency.ts and cost.ts. Deliberate difference: bleu, chrf and rouge-n are the
// reference metrics of src/metrics (sacrebleu sentence BLEU and chrF, rouge-score ROUGE-1), on a
// 0-1 scale, where promptfoo has its own whitespace BLEU and js-rouge; docs/assertions.md has details.
import { chrf, rougeScoreMulti, sentenceBleu } from '../metrics/index.js';
import { errorOutcome, type AssertionHandler, type AssertionOutcome, type AssertionSpec } from './types.js';

function references(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

function checkReferences(spec: AssertionSpec): string | undefined {
  const v = spec.value;
  if (typeof v === 'string') return undefined;
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return undefined;
  return 'value must be a reference string or a non-empty list of them';
}

/** A score compared with a minimum: promptfoo's shape for bleu, rouge-n, similar. */
function minimumOutcome(label: string, score: number, threshold: number, inverse: boolean, digits: number): AssertionOutcome {
  const pass = score >= threshold !== inverse;
  return {
    pass,
    score: inverse ? 1 - score : score,
    reason: pass ? 'Assertion passed' : `${label} score ${score.toFixed(digits)} is ${inverse ? 'greater than or equal to' : 'less than'} threshold ${threshold}`,
  };
}

const bleu: AssertionHandler = {
  check: checkReferences,
  run: ({ spec, value, output, inverse }) => minimumOutcome('BLEU', sentenceBleu(output, references(value)).score / 100, spec.threshold ?? 0.5, inverse, 4),
};

const chrfAssertion: AssertionHandler = {
  check: checkReferences,
  run({ spec, value, output, inverse }) {
    const refs = references(value);
    const score = chrf.sentenceScore(output, refs, chrf.resolveOptions({ nrefs: refs.length })).score / 100;
    return minimumOutcome('chrF', score, spec.threshold ?? 0.5, inverse, 4);
  },
};

const rougeN: AssertionHandler = {
  check: checkReferences,
  run({ spec, value, output, inverse }) {
    // js-rouge's `n` divides the matched unigrams by the output's unigrams: ROUGE-1 precision.
    const score = rougeScoreMulti(references(value), output, { rougeTypes: ['rouge1'] }).rouge1.precision;
    return minimumOutcome('ROUGE-N', score, spec.threshold ?? 0.75, inverse, 2);
  },
};

function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / (Math.sqrt(na) * Math.sqrt(nb));
}

function dotProduct(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  return dot;
}

function euclidean(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return Math.sqrt(sum);
}

type SimilarityMetric = 'cosine' | 'dot' | 'euclidean';

/** promptfoo's buildSimilarityResult: similarity ≥ threshold, or distance ≤ threshold for euclidean. */
export function similarityOutcome(similarity: number, threshold: number, inverse: boolean, metric: SimilarityMetric): AssertionOutcome {
  if (metric === 'euclidean') {
    const pass = inverse ? similarity >= threshold - Number.EPSILON : similarity <= threshold + Number.EPSILON;
    const normalized = 1 / (1 + similarity);
    const below = `Distance ${similarity.toFixed(2)} is less than or equal to threshold ${threshold}`;
    const above = `Distance ${similarity.toFixed(2)} is greater than threshold ${threshold}`;
    return { pass, score: inverse ? 1 - normalized : normalized, reason: pass === inverse ? above : below };
  }
  const pass = inverse ? similarity <= threshold + Number.EPSILON : similarity >= threshold - Number.EPSILON;
  const atLeast = `Similarity ${similarity.toFixed(2)} is greater than or equal to threshold ${threshold}`;
  const less = `Similarity ${similarity.toFixed(2)} is less than threshold ${threshold}`;
  return { pass, score: inverse ? 1 - similarity : similarity, reason: pass === inverse ? less : atLeast };
}

function similar(metric: SimilarityMetric): AssertionHandler {
  const measure = metric === 'cosine' ? cosine : metric === 'dot' ? dotProduct : euclidean;
  return {
    check: checkReferences,
    async run({ spec, value, output, context, inverse }): Promise<AssertionOutcome> {
      if (!context.embed) return errorOutcome('similar needs an embedding provider, and none was given');
      const refs = references(value);
      let vectors: number[][];
      try {
        vectors = await context.embed([...refs, output]);
      } catch (error) {
        return errorOutcome(`embedding failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (vectors.length !== refs.length + 1) return errorOutcome(`the embedder returned ${vectors.length} vectors for ${refs.length + 1} texts`);
      const out = vectors[refs.length];
      const threshold = spec.threshold ?? 0.75;
      const results = refs.map((_, i) => similarityOutcome(measure(vectors[i], out), threshold, inverse, metric));
      if (refs.length === 1) return results[0];
      if (inverse) {
        // not-similar passes only when the output is far from every value.
        const failed = results.find((r) => !r.pass);
        return failed ?? results.reduce((a, b) => (b.score < a.score ? b : a));
      }
      const passed = results.find((r) => r.pass);
      if (passed) return passed;
      return { pass: false, score: Math.max(...results.map((r) => r.score)), reason: 'None of the provided values met the similarity threshold' };
    },
  };
}

/** exp(-mean log-probability) of the output's tokens. */
export function perplexityOf(logprobs: readonly number[]): number {
  let sum = 0;
  for (const lp of logprobs) sum += lp;
  return Math.exp(-sum / logprobs.length);
}

const perplexity: AssertionHandler = {
  run({ spec, context, inverse }) {
    if (!context.logprobs || context.logprobs.length === 0) return errorOutcome('perplexity needs token logprobs of the output, and the provider returned none');
    const ppl = perplexityOf(context.logprobs);
    if (spec.threshold === undefined) return { pass: !inverse, score: inverse ? 0 : 1, reason: inverse ? `Perplexity ${ppl.toFixed(2)} (no threshold to exceed)` : 'Assertion passed' };
    const pass = ppl <= spec.threshold !== inverse;
    const reason = inverse ? `Perplexity ${ppl.toFixed(2)} is less than or equal to threshold ${spec.threshold}` : `Perplexity ${ppl.toFixed(2)} is greater than threshold ${spec.threshold}`;
    return { pass, score: pass ? 1 : 0, reason: pass ? 'Assertion passed' : reason };
  },
};

const perplexityScore: AssertionHandler = {
  run({ spec, context, inverse }) {
    if (!context.logprobs || context.logprobs.length === 0) return errorOutcome('perplexity-score needs token logprobs of the output, and the provider returned none');
    const norm = 1 / (1 + perplexityOf(context.logprobs));
    if (spec.threshold === undefined) return { pass: !inverse, score: inverse ? 1 - norm : norm, reason: inverse ? 'No threshold to exceed' : 'Assertion passed' };
    return minimumOutcome('Perplexity', norm, spec.threshold, inverse, 2);
  },
};

/** latency and cost: value ≤ threshold; with no threshold, a named metric that records the value. */
function checkCeiling(kind: string) {
  return (spec: AssertionSpec): string | undefined => {
    if (spec.threshold !== undefined) return undefined;
    if (spec.type.startsWith('not-')) return `not-${kind} needs a threshold`;
    return spec.metric ? undefined : `${kind} without a threshold must set \`metric\` to record the ${kind} as a named metric`;
  };
}

const latency: AssertionHandler = {
  check: checkCeiling('latency'),
  run({ spec, context, inverse }) {
    const ms = context.latencyMs;
    if (ms === undefined) return errorOutcome('latency is unknown for this output (a cached response has none)');
    if (spec.threshold === undefined) return { pass: true, score: ms, reason: 'Assertion passed' };
    const pass = inverse ? ms > spec.threshold : ms <= spec.threshold;
    const reason = inverse ? `Latency ${ms}ms is less than or equal to threshold ${spec.threshold}ms` : `Latency ${ms}ms is greater than threshold ${spec.threshold}ms`;
    return { pass, score: pass ? 1 : 0, reason: pass ? 'Assertion passed' : reason };
  },
};

const cost: AssertionHandler = {
  check: checkCeiling('cost'),
  run({ spec, context, inverse }) {
    const usd = context.costUsd;
    if (usd === undefined) return errorOutcome('cost is unknown for this output (the provider reports none)');
    if (spec.threshold === undefined) return { pass: true, score: usd, reason: 'Assertion passed' };
    const pass = inverse ? usd > spec.threshold : usd <= spec.threshold;
    const reason = inverse ? `Cost ${usd.toPrecision(2)} is less than or equal to threshold ${spec.threshold}` : `Cost ${usd.toPrecision(2)} is greater than threshold ${spec.threshold}`;
    return { pass, score: pass ? 1 : 0, reason: pass ? 'Assertion passed' : reason };
  },
};

export const SCORE_ASSERTIONS = {
  bleu,
  chrf: chrfAssertion,
  'rouge-n': rougeN,
  /** The issue's (and promptfoo's docs') plain name for rouge-n. */
  rouge: rougeN,
  similar: similar('cosine'),
  'similar:cosine': similar('cosine'),
  'similar:dot': similar('dot'),
  'similar:euclidean': similar('euclidean'),
  perplexity,
  'perplexity-score': perplexityScore,
  latency,
  cost,
} satisfies Record<string, AssertionHandler>;
