// Public surface of assay's statistics: tests, intervals, corrections and planning.
// Each module names the reference implementation it reproduces; see docs/statistics.md.
// Tests, intervals and planning: the documented API only (numeric helpers such as numpySum,
// brentq or the BLAS emulation stay importable from their modules, not from the public entry).
export {
  type Alternative,
  ALTERNATIVES,
  betaCdf,
  betaQuantile,
  betaSf,
  binomialCdf,
  binomialPmf,
  binomialSf,
  chiSquareCdf,
  chiSquareQuantile,
  chiSquareSf,
  normalCdf,
  normalIsf,
  normalQuantile,
  normalSf,
  tCdf,
  tQuantile,
  tQuantileScipy,
  tSf,
} from './distributions.js';
export {
  BINOM_CI_METHODS,
  type BinomCiMethod,
  binomProportionCi,
  binomTest,
  type BinomTestResult,
  type Interval,
  PROPORTION_CI_METHODS,
  type ProportionCiMethod,
  proportionConfint,
} from './proportion.js';
export { mcnemar, type McNemarOptions, type McNemarResult, pairedTable } from './mcnemar.js';
export {
  rankData,
  wilcoxon,
  type WilcoxonMethod,
  type WilcoxonOptions,
  type WilcoxonResult,
  ZERO_METHODS,
  type ZeroMethod,
} from './wilcoxon.js';
export { tTestOneSample, tTestPaired, tTestPvalue, type TTestResult } from './ttest.js';
export {
  type CorrelationResult,
  type KendallResult,
  kendalltau,
  type PearsonResult,
  pearsonr,
  spearmanr,
} from './correlation.js';
export { type ClusteredMeanCi, clusteredMeanCi, type ClusteredMeanOptions, type MeanCi, meanCi } from './mean-ci.js';
export { MULTITEST_METHODS, type MultitestMethod, type MultitestResult, multipletests } from './multitest.js';
export { signTest, type SignTestResult } from './sign-test.js';
export { pairedPermutationTest, type PermutationOptions, type PermutationResult } from './permutation.js';
export {
  designEffect,
  type MdePlan,
  pairedAccuracyMde,
  type PairedAccuracyLink,
  pairedAccuracySampleSize,
  pairedAccuracyVariance,
  pairedMeansMde,
  pairedMeansSampleSize,
  pairedPower,
  type PowerOptions,
  type SampleSizePlan,
} from './planning.js';
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
export { buildStatsMatrix, columnSums, metricScorer, type StatsMatrix, type StatsScorer, statsMatrixFromRows } from './stats-matrix.js';
export {
  bcaBounds,
  biasCorrection,
  type BootstrapInterval,
  bootstrapInterval,
  bootstrapMean,
  bootstrapMetric,
  type BootstrapMethod,
  type BootstrapOptions,
  jackknifeAcceleration,
  jackknifeScores,
  percentileBounds,
  resampleScores,
} from './bootstrap.js';
export { bootstrapIntervals } from './bootstrap-multi.js';
export { GrowableMatrix } from './growable-matrix.js';
export {
  estimateCi,
  type NamedStats,
  PAIRED_DEFAULT_SAMPLES,
  type PairedEntry,
  pairedMetricTest,
  type PairedMethod,
  pairedTest,
  type PairedTestOptions,
  type PairedTestResult,
} from './paired.js';
