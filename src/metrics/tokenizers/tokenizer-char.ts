// sacrebleu `tokenizers/tokenizer_char.py`: every code point (not UTF-16 unit) is a token.
import { pyRemoveWhitespace } from '../python-text.js';
import type { Tokenizer } from './types.js';

// Array.from walks code points; whitespace characters would vanish in the metric's split() anyway.
const charTokens = (line: string): string[] => Array.from(pyRemoveWhitespace(line));

export const tokenizerChar: Tokenizer = {
  signature: 'char',
  tokenize: (line) => Array.from(line).join(' '),
  tokens: charTokens,
};
