// Built-in benchmarks scored exactly like lm-evaluation-harness: the registry of tasks and groups.
export { benchmarkRegistry, benchmarkGroups, expandTaskName } from './registry.js';
export type { BenchmarkGroup, BenchmarkTask } from './types.js';
