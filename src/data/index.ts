// Data sets: local file loaders, column mapping and CPython-exact random for few-shot picks.
export * from './csv.js';
export * from './fields.js';
export * from './loaders.js';
export * from './python-random.js';
