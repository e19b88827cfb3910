// sacrebleu `tokenizers/tokenizer_none.py`: no tokenization; the metric still splits on whitespace.
import { pySplit } from '../python-text.js';
import type { Tokenizer } from './types.js';

export const noneTokenizer: Tokenizer = {
  signature: 'none',
  tokenize: (line) => line,
  tokens: (line) => pySplit(line),
};
