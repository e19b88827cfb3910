// The reference metrics (sacrebleu, rouge-score, SQuAD ports) and their shared pieces.
export * from './bleu.js';
export { SACREBLEU_VERSION } from './options.js';
export * from './chrf.js';
export * from './ter.js';
export * from './tokenizers/index.js';
export * from './porter.js';
export * from './rouge.js';
export * from './squad.js';
export * from './registry.js';
