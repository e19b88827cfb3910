// The SQLite schema as an ordered list of migrations, applied in one IMMEDIATE transaction and
// recorded in `schema_version` (the pattern of Django/Alembic: a version per step, never edited
// once released; a change is a new step). Scores get their own table so a metric can be queried.
import type Database from 'better-sqlite3';
import { AssayError } from '../core/errors.js';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'runs, run tasks, samples, scores, aggregates, tags',
    sql: `
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'interrupted', 'failed')),
        model TEXT NOT NULL,
        provenance TEXT NOT NULL,
        totals TEXT
      ) WITHOUT ROWID;
      -- "latest run of model X on task Y": runs by (model, status) newest first, joined to tasks.
      CREATE INDEX runs_model_status ON runs (model, status, id);
      CREATE TABLE run_tasks (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        task TEXT NOT NULL,
        PRIMARY KEY (run_id, task)
      ) WITHOUT ROWID;
      CREATE INDEX run_tasks_task ON run_tasks (task, run_id);
      CREATE TABLE samples (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        task TEXT NOT NULL,
        doc_id INTEGER NOT NULL,
        repeat INTEGER NOT NULL,
        inputs TEXT NOT NULL,
        prompt TEXT NOT NULL,
        raw_response TEXT,
        filtered_answer TEXT,
        status TEXT NOT NULL CHECK (status IN ('scored', 'error')),
        error_reason TEXT,
        latency_ms REAL,
        input_tokens INTEGER,
        output_tokens INTEGER,
        cost_usd REAL,
        cached INTEGER NOT NULL CHECK (cached IN (0, 1)),
        -- One row per key (idempotent appends) and the per-run, per-task page order.
        UNIQUE (run_id, task, doc_id, repeat)
      );
      CREATE TABLE scores (
        sample_id INTEGER NOT NULL REFERENCES samples (id) ON DELETE CASCADE,
        metric TEXT NOT NULL,
        value REAL,
        PRIMARY KEY (sample_id, metric)
      ) WITHOUT ROWID;
      CREATE TABLE aggregates (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        task TEXT NOT NULL,
        metric TEXT NOT NULL,
        filter TEXT NOT NULL,
        value REAL,
        n INTEGER NOT NULL,
        stderr REAL,
        ci_low REAL,
        ci_high REAL,
        method TEXT,
        seed INTEGER,
        PRIMARY KEY (run_id, task, metric, filter)
      ) WITHOUT ROWID;
      CREATE TABLE tags (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        PRIMARY KEY (run_id, tag)
      ) WITHOUT ROWID;
      CREATE INDEX tags_tag ON tags (tag, run_id);
    `,
  },
  {
    version: 2,
    description: 'samples.items: the per-metric aggregation inputs (JSON), so aggregates are recomputed from the store',
    sql: `ALTER TABLE samples ADD COLUMN items TEXT;`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** The highest applied version; 0 for a database without `schema_version`. */
export function schemaVersion(db: Database.Database): number {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
  if (table === undefined) return 0;
  const row = db.prepare('SELECT max(version) AS version FROM schema_version').get() as { version: number | null };
  return row.version ?? 0;
}

/**
 * Brings `db` up to the last migration; returns the versions applied. A database from a newer
 * assay is refused rather than written with an older schema's assumptions.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS, file = ''): number[] {
  const applied: number[] = [];
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const current = schemaVersion(db);
    if (current > latest) {
      throw new AssayError('IO', `the results store has schema version ${current}, newer than this assay's ${latest}; upgrade assay or use another --store path`, {
        location: file ? { file } : undefined,
      });
    }
    const record = db.prepare('INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)');
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.description, new Date().toISOString());
      applied.push(migration.version);
    }
  }).immediate();
  return applied;
}
