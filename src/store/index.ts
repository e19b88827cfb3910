// The results store's public surface: the interface, its record types and the SQLite store.
export * from './types.js';
export { SQLiteStore, DEFAULT_STORE_PATH, type SQLiteStoreOptions } from './sqlite.js';
export { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion, type Migration } from './schema.js';
export { createRunIdGenerator, runIdTime, RUN_ID_PATTERN, type RunIdGenerator } from './run-id.js';
