// assay's public library surface. Callers import from here only.
export * from './core/index.js';
export * from './assertions/index.js';
export * from './data/index.js';
export * from './engine/index.js';
export * from './benchmarks/index.js';
export * from './judge/index.js';
export * from './metrics/types.js';
export * from './metrics/index.js';
export * from './providers/index.js';
export * from './stats/index.js';
export * from './store/index.js';
export * from './tasks/index.js';
export * from './suites/index.js';
