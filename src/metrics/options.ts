// Option resolution shared by the sacrebleu ports: defaults merged in one place, unknown keys
// rejected with the closest valid names, and the checks every metric repeats.
import { UsageError } from '../core/errors.js';
import { unknownNameMessage } from '../core/suggest.js';

/** The sacrebleu release whose numbers and signature strings BLEU, chrF and TER reproduce. */
export const SACREBLEU_VERSION = '2.6.0';

/** `defaults` overridden by every defined value of `options`; an unknown key is a UsageError. */
export function mergeOptions<O extends object>(kind: string, defaults: O, options: Partial<O>): O {
  const out = { ...defaults };
  for (const [key, value] of Object.entries(options)) {
    if (!(key in defaults)) throw new UsageError(unknownNameMessage(`${kind} option`, key, Object.keys(defaults)));
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

export function requireBooleans<O extends object>(kind: string, options: O, keys: readonly (keyof O & string)[]): void {
  for (const key of keys) {
    if (typeof options[key] !== 'boolean') throw new UsageError(`${kind} option ${key} must be true or false (got ${JSON.stringify(options[key])})`);
  }
}

/** References per segment for the signature: a positive integer, or `var` when it varies. */
export function requireNrefs(kind: string, nrefs: unknown): void {
  if (nrefs !== 'var' && (typeof nrefs !== 'number' || !Number.isInteger(nrefs) || nrefs < 1)) {
    throw new UsageError(`${kind} option nrefs must be an integer >= 1 or "var" (got ${JSON.stringify(nrefs)})`);
  }
}
