// Public surface of assay's statistics: tests, intervals, corrections and planning.
// Each module names the reference implementation it reproduces; see docs/statistics.md.
export * from './distributions.js';
export * from './proportion.js';
export * from './mcnemar.js';
export * from './wilcoxon.js';
export * from './ttest.js';
export * from './correlation.js';
export * from './mean-ci.js';
export * from './multitest.js';
export * from './sign-test.js';
export * from './permutation.js';
export * from './planning.js';
// Agreement (sklearn / statsmodels / NLTK) and pairwise rankings (Chatbot Arena).
export * from './labels.js';
export * from './percentile.js';
export * from './cohen-kappa.js';
export * from './fleiss-kappa.js';
export * from './krippendorff-alpha.js';
export * from './agreement.js';
export * from './battles.js';
export * from './bradley-terry.js';
export * from './elo.js';
export * from './ranking.js';
// Segment bootstrap CIs (scipy percentile/BCa) and paired significance tests (sacrebleu PairedTest).
export * from './stats-matrix.js';
export * from './bootstrap.js';
export * from './paired.js';
