// The evaluation engine: tasks prepared from their YAML, the resumable runner, suites, filters,
// per-document metrics, aggregation with uncertainty, and harness-layout results files.
export { prepareTask, taskSpec, templateHash, checkTaskScoring, DEFAULT_FEWSHOT_SEED } from './prepare.js';
export type { PreparedTask, PrepareOptions, DocRequest } from './prepare.js';
export { startRun, resumeRun, aggregateRun, preflight, storedPlan, toolGitCommit } from './runner.js';
export type { RunPlan, RunDeps, RunOutcome, RunProgress } from './runner.js';
export { loadSuite, parseSuite } from './suite.js';
export type { Suite, SuiteModel } from './suite.js';
export { applyFilterPipeline, majorityVote } from './filters.js';
export { scoreDocument, registerTaskMetric, taskMetricRegistry } from './task-metrics.js';
export type { DocOutcome, MetricItem, MetricOutput, TaskMetricDef } from './task-metrics.js';
export { aggregateItems, aggregationRegistry, registerAggregation, DEFAULT_BOOTSTRAP_ITERS } from './aggregate.js';
export type { AggregateOptions, AggregateValue, AggregationFn } from './aggregate.js';
export { passAtK, scoreRepeats, isRepeatMetric } from './repeat-metrics.js';
export { resultsFile, resultsFileText, writeResultsFile, sampleFileChunks } from './results-file.js';
export type { ResultsFileInput } from './results-file.js';
