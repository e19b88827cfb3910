export * from './errors.js';
export * from './registry.js';
export * from './rng.js';
export * from './signature.js';
export * from './suggest.js';
export * from './version.js';
