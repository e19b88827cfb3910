// Validation and audit reports kept beside the results in the store file (.assay/assay.db), keyed
// by a hash of the judge's identity (model, kind, template hash, parameters), so that a suite can
// require a validated judge. Our own table on our own connection (WAL, busy timeout), as the
// response cache does; the results store's schema is not touched.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { AssayError } from '../core/errors.js';
import { contentHash } from '../core/signature.js';
import { canonicalJson } from '../providers/cache.js';
import type { JudgeIdentity } from './types.js';

export type JudgeReportKind = 'validate' | 'audit';

export interface StoredJudgeReport<R = unknown> {
  id: string;
  /** ISO 8601. */
  createdAt: string;
  kind: JudgeReportKind;
  identityHash: string;
  identity: JudgeIdentity;
  report: R;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS judge_reports (
  id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('validate', 'audit')),
  judge_identity_hash TEXT NOT NULL,
  identity TEXT NOT NULL,
  report TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS judge_reports_by_identity ON judge_reports (judge_identity_hash, kind, created_at)`;

/** The identity's hash: sha256 of its canonical JSON (key order does not matter). */
export function judgeIdentityHash(identity: JudgeIdentity): string {
  return contentHash(canonicalJson(identity));
}

function open(path: string, create: boolean): Database.Database | undefined {
  if (!create && !existsSync(path)) return undefined;
  try {
    if (create && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 10000');
    db.exec(SCHEMA);
    return db;
  } catch (error) {
    throw new AssayError('IO', `cannot open the store ${path} for judge reports: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Stores a report; returns it with its id and time. */
export function saveJudgeReport<R>(storePath: string, identity: JudgeIdentity, kind: JudgeReportKind, report: R, now: Date = new Date()): StoredJudgeReport<R> {
  const db = open(storePath, true) as Database.Database;
  try {
    const stored: StoredJudgeReport<R> = { id: randomUUID(), createdAt: now.toISOString(), kind, identityHash: judgeIdentityHash(identity), identity, report };
    db.prepare('INSERT INTO judge_reports (id, created_at, kind, judge_identity_hash, identity, report) VALUES (?, ?, ?, ?, ?, ?)').run(
      stored.id,
      stored.createdAt,
      kind,
      stored.identityHash,
      JSON.stringify(identity),
      JSON.stringify(report),
    );
    return stored;
  } finally {
    db.close();
  }
}

interface Row {
  id: string;
  created_at: string;
  kind: JudgeReportKind;
  judge_identity_hash: string;
  identity: string;
  report: string;
}

/** The newest report of this kind for exactly this judge identity, or undefined (also when the store does not exist). */
export function latestJudgeReport<R = unknown>(storePath: string, identity: JudgeIdentity, kind: JudgeReportKind): StoredJudgeReport<R> | undefined {
  const db = open(storePath, false);
  if (db === undefined) return undefined;
  try {
    const row = db
      .prepare('SELECT * FROM judge_reports WHERE judge_identity_hash = ? AND kind = ? ORDER BY created_at DESC, rowid DESC LIMIT 1')
      .get(judgeIdentityHash(identity), kind) as Row | undefined;
    if (row === undefined) return undefined;
    return { id: row.id, createdAt: row.created_at, kind: row.kind, identityHash: row.judge_identity_hash, identity: JSON.parse(row.identity) as JudgeIdentity, report: JSON.parse(row.report) as R };
  } finally {
    db.close();
  }
}
