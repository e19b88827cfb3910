// The sacrebleu tokenizers (`none`, `13a`, `intl`, `char`, `zh`) behind one registry, so BLEU and
// any later metric look them up by the name sacrebleu uses and unknown names list the valid ones.
import { Registry } from '../../core/registry.js';
import { tokenizer13a } from './tokenizer-13a.js';
import { tokenizerChar } from './tokenizer-char.js';
import { tokenizerIntl } from './tokenizer-intl.js';
import { noneTokenizer } from './tokenizer-none.js';
import { tokenizerZh } from './tokenizer-zh.js';
import type { Tokenizer } from './types.js';

export type { Tokenizer } from './types.js';

/** Built-in tokenizers by sacrebleu name. */
export const BUILTIN_TOKENIZERS = {
  none: noneTokenizer,
  '13a': tokenizer13a,
  intl: tokenizerIntl,
  char: tokenizerChar,
  zh: tokenizerZh,
} as const satisfies Record<string, Tokenizer>;

export type BuiltinTokenizerName = keyof typeof BUILTIN_TOKENIZERS;

/** Registry of tokenizers; `register()` adds plug-ins. */
export const tokenizers = new Registry<Tokenizer>('tokenizer', BUILTIN_TOKENIZERS);

/**
 * Tokenizes one line with the named tokenizer, as sacrebleu's tokenizer object would. (BLEU itself
 * lowercases and right-strips the segment first; this helper does neither.)
 */
export function tokenize(name: string, text: string): string {
  return tokenizers.get(name).tokenize(text);
}
