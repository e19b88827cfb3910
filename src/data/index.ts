// Data sets: local file loaders, column mapping and CPython-exact random for few-shot picks.
export * from './csv.js';
export * from './fields.js';
export { DEFAULT_HUB_ENDPOINT, hubCacheDir, loadHubSplit, resolveHubSplit, type HubOptions, type HubSplit } from './hub.js';
export * from './loaders.js';
export * from './python-random.js';
