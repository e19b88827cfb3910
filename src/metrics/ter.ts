// TER (Snover et al. 2006) exactly as sacrebleu 2.6.0 `metrics/ter.py`: Tercom tokenization,
// fewest edits over the references, and the *average* reference length per segment.
import { UsageError } from '../core/errors.js';
import { formatSignature } from '../core/signature.js';
import { mergeOptions, requireBooleans, requireNrefs, SACREBLEU_VERSION } from './options.js';
import { pyRstrip, pySplit } from './python-text.js';
import { translationEditRateIds, WordIds } from './ter-edits.js';
import { tercomTokenize, type TercomOptions } from './ter-tokenizer.js';
import type { CorpusMetric, MetricResult } from './types.js';


export { tercomTokenize, type TercomOptions } from './ter-tokenizer.js';

export interface TerOptions extends TercomOptions {
  /** Tercom normalization: XML entities, punctuation tokenization (and CJK splitting with asianSupport). */
  normalized: boolean;
  /** Remove punctuation (plus CJK / full-width punctuation with asianSupport). */
  noPunct: boolean;
  /** CJK handling for `normalized` / `noPunct`. */
  asianSupport: boolean;
  /** Keep case (sacrebleu lower-cases by default). */
  caseSensitive: boolean;
  /** References per segment, printed in the signature (`var` when it varies; default 1). */
  nrefs: number | 'var';
}

export interface TerResult extends MetricResult {
  /** Edits summed over segments (best reference of each). */
  numEdits: number;
  /** Average reference length per segment, summed. */
  refLength: number;
  signature: string;
}

const DEFAULTS: TerOptions = {
  normalized: false,
  noPunct: false,
  asianSupport: false,
  caseSensitive: false,
  nrefs: 1,
};

function resolveTerOptions(options: Partial<TerOptions> = {}): TerOptions {
  const out = mergeOptions('TER', DEFAULTS, options);
  requireBooleans('TER', out, ['normalized', 'noPunct', 'asianSupport', 'caseSensitive']);
  requireNrefs('TER', out.nrefs);
  return out;
}

/** The hypothesis words TER compares: `tokenizer(text.rstrip()).split()`. */
export function terWords(text: string, opts: TercomOptions): string[] {
  return pySplit(tercomTokenize(pyRstrip(text), opts));
}

/**
 * The reference words: sacrebleu 2.6.0 tokenizes references twice (`Metric._cache_references`
 * preprocesses them and `TER._extract_reference_info` preprocesses the result again). With
 * `normalized` the second pass can change tokens (`x's<TAB>y` → `x's y` → `x 's y`), so the double
 * pass is reproduced; hypotheses are tokenized once.
 */
export function terReferenceWords(text: string, opts: TercomOptions): string[] {
  return pySplit(tercomTokenize(pyRstrip(tercomTokenize(pyRstrip(text), opts)), opts));
}

/** sacrebleu's `translation_edit_rate(words_hyp, words_ref)`: [edits incl. shifts, reference length]. */
export function translationEditRate(hypWords: readonly string[], refWords: readonly string[]): [number, number] {
  const ids = new WordIds();
  return translationEditRateIds(ids.encode(hypWords), ids.encode(refWords));
}

/** [fewest edits over the references, average reference length]. */
/** sacrebleu drops missing (null) references of a segment; at least one must remain. */
function presentRefs(refs: readonly (string | null | undefined)[]): readonly string[] {
  const out = refs.every((r) => typeof r === 'string') ? (refs as readonly string[]) : refs.filter((r) => typeof r === 'string');
  if (out.length === 0) throw new UsageError('TER needs at least one reference per segment (got none)');
  return out;
}

function segmentStats(hyp: string, refsIn: readonly (string | null | undefined)[], opts: TerOptions): number[] {
  const refs = presentRefs(refsIn);
  const ids = new WordIds();
  const hypWords = ids.encode(terWords(hyp, opts));
  let refLengths = 0;
  let best = Number.POSITIVE_INFINITY;
  for (const ref of refs) {
    const [edits, refLen] = translationEditRateIds(hypWords, ids.encode(terReferenceWords(ref, opts)));
    refLengths += refLen;
    if (edits < best) best = edits;
  }
  return [best, refLengths / refs.length];
}

function terSignature(opts: TerOptions, nrefs: number | 'var'): string {
  return formatSignature({
    nrefs: nrefs === -1 ? 'var' : nrefs,
    case: opts.caseSensitive ? 'mixed' : 'lc',
    tok: 'tercom',
    norm: opts.normalized,
    punct: !opts.noPunct,
    asian: opts.asianSupport,
    version: SACREBLEU_VERSION,
  });
}

function scoreFromStats(stats: ArrayLike<number>, opts: TerOptions): TerResult {
  const numEdits = stats[0];
  const refLength = stats[1];
  // Empty references: 100 when the hypothesis still needs edits, 0 when both sides are empty.
  const rate = refLength > 0 ? numEdits / refLength : numEdits > 0 ? 1 : 0;
  return { score: 100 * rate, numEdits: Math.trunc(numEdits), refLength, signature: terSignature(opts, opts.nrefs) };
}

/** TER as sacrebleu's `TER`; corpus score = summed edits / summed average reference lengths. */
export const ter: CorpusMetric<TerOptions, TerResult> = {
  name: 'ter',
  resolveOptions: resolveTerOptions,
  statsSize: () => 2,
  segmentStats,
  scoreFromStats,
  sentenceScore(hyp, refs, opts) {
    return scoreFromStats(segmentStats(hyp, refs, opts), { ...opts, nrefs: presentRefs(refs).length });
  },
  signature: terSignature,
};
