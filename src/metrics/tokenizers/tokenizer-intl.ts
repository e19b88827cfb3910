// sacrebleu `tokenizers/tokenizer_intl.py` (mteval-v14.pl international tokenization): split off
// punctuation unless it sits between digits' neighbours, and every symbol. Property classes come
// from the reference's `regex` tables (Unicode 15.0), not from Node's ICU, so results cannot drift.
import { pySplit } from '../python-text.js';
import type { Tokenizer } from './types.js';
import { NUMBER_CLASS, PUNCTUATION_CLASS, SYMBOL_CLASS } from './unicode-tables.js';

const NON_DIGIT_THEN_PUNCT = new RegExp(`([^${NUMBER_CLASS}])([${PUNCTUATION_CLASS}])`, 'gu');
const PUNCT_THEN_NON_DIGIT = new RegExp(`([${PUNCTUATION_CLASS}])([^${NUMBER_CLASS}])`, 'gu');
const SYMBOL = new RegExp(`[${SYMBOL_CLASS}]`, 'gu');

function applyRules(line: string): string {
  return line
    .replace(NON_DIGIT_THEN_PUNCT, '$1 $2 ')
    .replace(PUNCT_THEN_NON_DIGIT, ' $1 $2')
    .replace(SYMBOL, ' $& ');
}

export const tokenizerIntl: Tokenizer = {
  signature: 'intl',
  tokenize: (line) => pySplit(applyRules(line)).join(' '),
  tokens: (line) => pySplit(applyRules(line)),
};
