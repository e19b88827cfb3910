// The tokenizer contract shared by the sacrebleu ports (sacrebleu `tokenizers/tokenizer_base.py`):
// a tokenizer maps one line to a line of space-separated tokens and names itself in signatures.

export interface Tokenizer {
  /** What the metric signature prints after `tok:` (sacrebleu's `signature()`). */
  readonly signature: string;
  /** The tokenized line exactly as sacrebleu's `__call__` returns it. */
  tokenize(line: string): string;
  /** `tokenize(line).split()` in Python terms, without building the joined string when avoidable. */
  tokens(line: string): string[];
}
