// The results store on SQLite (better-sqlite3): WAL so readers never block the writer, a busy
// timeout so two processes can share the file, foreign keys on, prepared statements, and every
// batch in one transaction so a crash never leaves half a sample. JSON columns are checked with
// zod on read: a hand-edited or foreign database fails with the table, column and row.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { AssayError, InputError, UsageError } from '../core/errors.js';
import { createRunIdGenerator, type RunIdGenerator } from './run-id.js';
import {
  checkSample,
  describeIssue,
  jsonSchema,
  orNaN,
  provenanceSchema,
  itemsSchema,
  RUN_COLUMNS,
  totalsSchema,
  type AggregateRow,
  type RunRow,
  type SampleRow,
} from './rows.js';
import { migrate } from './schema.js';
import {
  RUN_STATUSES,
  sampleKey,
  type Aggregate,
  type AppendResult,
  type FinishedKeysOptions,
  type JsonValue,
  type ListRunsFilter,
  type ResultStore,
  type Run,
  type RunProvenance,
  type RunStatus,
  type RunTotals,
  type Sample,
  type SamplePage,
} from './types.js';

export const DEFAULT_STORE_PATH = '.assay/assay.db';

export interface SQLiteStoreOptions {
  /** Clock for run times and ids (tests pass a fixed one). */
  now?: () => Date;
  /** Random bytes for run ids. */
  random?: (n: number) => Uint8Array;
  /** How long a writer waits for another connection's lock, in ms (default 10 000). */
  busyTimeoutMs?: number;
}

export class SQLiteStore implements ResultStore {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly now: () => Date;
  private readonly nextId: RunIdGenerator;
  private readonly stmt;
  private readonly busyTimeoutMs: number;

  private constructor(path: string, db: Database.Database, options: SQLiteStoreOptions) {
    this.path = path;
    this.db = db;
    this.now = options.now ?? (() => new Date());
    this.busyTimeoutMs = busyTimeout(options);
    this.nextId = createRunIdGenerator(options.random);
    this.stmt = {
      insertRun: db.prepare('INSERT INTO runs (id, created_at, status, model, provenance) VALUES (?, ?, ?, ?, ?)'),
      insertRunTask: db.prepare('INSERT OR IGNORE INTO run_tasks (run_id, task) VALUES (?, ?)'),
      getRun: db.prepare<[string], RunRow>(`SELECT ${RUN_COLUMNS} FROM runs r WHERE r.id = ?`),
      finishRun: db.prepare('UPDATE runs SET status = ?, finished_at = ?, totals = ? WHERE id = ?'),
      resumeRun: db.prepare("UPDATE runs SET status = 'running', finished_at = NULL WHERE id = ?"),
      findSample: db.prepare<[string, string, number, number], { id: number; status: Sample['status'] }>(
        'SELECT id, status FROM samples WHERE run_id = ? AND task = ? AND doc_id = ? AND repeat = ?',
      ),
      deleteSample: db.prepare('DELETE FROM samples WHERE id = ?'),
      insertSample: db.prepare(
        `INSERT INTO samples (run_id, task, doc_id, repeat, inputs, prompt, raw_response, filtered_answer, status,
           error_reason, latency_ms, input_tokens, output_tokens, cost_usd, cached, items)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertScore: db.prepare('INSERT INTO scores (sample_id, metric, value) VALUES (?, ?, ?)'),
      keys: db.prepare<[string], { task: string; doc_id: number; repeat: number }>('SELECT task, doc_id, repeat FROM samples WHERE run_id = ?'),
      scoredKeys: db.prepare<[string], { task: string; doc_id: number; repeat: number }>(
        "SELECT task, doc_id, repeat FROM samples WHERE run_id = ? AND status = 'scored'",
      ),
      page: db.prepare<[string, string, number, number], SampleRow>(
        `SELECT id, task, doc_id, repeat, inputs, prompt, raw_response, filtered_answer, status, error_reason,
           latency_ms, input_tokens, output_tokens, cost_usd, cached, items
         FROM samples
         -- The OFFSET walks the unique index alone (covering: it holds the rowid), not the table rows.
         WHERE id IN (SELECT id FROM samples WHERE run_id = ? AND task = ? ORDER BY doc_id, repeat LIMIT ? OFFSET ?)
         ORDER BY doc_id, repeat`,
      ),
      count: db.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM samples WHERE run_id = ? AND task = ?'),
      scores: db.prepare<[number], { metric: string; value: number | null }>('SELECT metric, value FROM scores WHERE sample_id = ? ORDER BY metric'),
      upsertAggregate: db.prepare(
        `INSERT OR REPLACE INTO aggregates (run_id, task, metric, filter, value, n, stderr, ci_low, ci_high, method, seed)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      aggregates: db.prepare<[string], AggregateRow>(
        'SELECT task, metric, filter, value, n, stderr, ci_low, ci_high, method, seed FROM aggregates WHERE run_id = ? ORDER BY task, metric, filter',
      ),
      latest: db.prepare<[string, string, string], RunRow>(
        `SELECT ${RUN_COLUMNS} FROM runs r JOIN run_tasks t ON t.run_id = r.id
         WHERE r.model = ? AND r.status = ? AND t.task = ? ORDER BY r.id DESC LIMIT 1`,
      ),
      addTag: db.prepare('INSERT OR IGNORE INTO tags (run_id, tag) VALUES (?, ?)'),
      tags: db.prepare<[string], { tag: string }>('SELECT tag FROM tags WHERE run_id = ? ORDER BY tag'),
    };
  }

  /** Opens (creating and migrating if needed) the store at `path`; `:memory:` gives a private one. */
  static open(path: string = DEFAULT_STORE_PATH, options: SQLiteStoreOptions = {}): SQLiteStore {
    let db: Database.Database | undefined;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      db = new Database(path);
      db.pragma(`busy_timeout = ${busyTimeout(options)}`);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db, undefined, path);
      return new SQLiteStore(path, db, options);
    } catch (error) {
      db?.close();
      if (error instanceof AssayError) throw error;
      throw new AssayError('IO', `cannot open the results store ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  async createRun(provenance: RunProvenance): Promise<string> {
    // Checked as it will be stored (undefined members dropped), so every stored run reads back.
    const text = JSON.stringify(provenance);
    const checked = provenanceSchema.safeParse(JSON.parse(text));
    if (!checked.success) throw new InputError(`invalid run provenance: ${describeIssue(checked.error)}`, { field: 'provenance' });
    const now = this.now();
    const id = this.nextId(now.getTime());
    this.write(() => {
      this.stmt.insertRun.run(id, now.toISOString(), 'running', provenance.model, text);
      for (const task of provenance.tasks) this.stmt.insertRunTask.run(id, task.task);
    });
    return id;
  }

  async appendSamples(runId: string, samples: readonly Sample[]): Promise<AppendResult> {
    this.requireRun(runId);
    const result: AppendResult = { inserted: 0, skipped: 0 };
    // Each row is checked inside the transaction: a bad row rolls back the rows before it.
    this.write(() => {
      samples.forEach((sample, index) => {
        checkSample(sample, index);
        const existing = this.stmt.findSample.get(runId, sample.task, sample.docId, sample.repeat);
        if (existing !== undefined) {
          if (!(existing.status === 'error' && sample.status === 'scored')) {
            result.skipped++;
            return;
          }
          this.stmt.deleteSample.run(existing.id);
        }
        const info = this.stmt.insertSample.run(
          runId,
          sample.task,
          sample.docId,
          sample.repeat,
          JSON.stringify(sample.inputs),
          sample.prompt,
          sample.rawResponse,
          sample.filteredAnswer,
          sample.status,
          sample.errorReason,
          sample.latencyMs,
          sample.inputTokens,
          sample.outputTokens,
          sample.costUsd,
          sample.cached ? 1 : 0,
          sample.items === undefined ? null : JSON.stringify(sample.items),
        );
        for (const [metric, value] of Object.entries(sample.scores)) this.stmt.insertScore.run(info.lastInsertRowid, metric, value);
        result.inserted++;
      });
    });
    return result;
  }

  async finishedKeys(runId: string, options: FinishedKeysOptions = {}): Promise<Set<string>> {
    this.requireRun(runId);
    const stmt = options.includeErrors === false ? this.stmt.scoredKeys : this.stmt.keys;
    const keys = new Set<string>();
    for (const row of stmt.iterate(runId)) keys.add(sampleKey({ task: row.task, docId: row.doc_id, repeat: row.repeat }));
    return keys;
  }

  async setAggregates(runId: string, aggregates: readonly Aggregate[]): Promise<void> {
    this.requireRun(runId);
    this.write(() => {
      for (const a of aggregates) {
        this.stmt.upsertAggregate.run(runId, a.task, a.metric, a.filter, a.value, a.n, a.stderr, a.ciLow, a.ciHigh, a.method, a.seed);
      }
    });
  }

  async aggregates(runId: string): Promise<Aggregate[]> {
    return this.stmt.aggregates.all(runId).map((row) => ({
      task: row.task,
      metric: row.metric,
      filter: row.filter,
      value: orNaN(row.value),
      n: row.n,
      stderr: row.stderr,
      ciLow: row.ci_low,
      ciHigh: row.ci_high,
      method: row.method,
      seed: row.seed,
    }));
  }

  async finishRun(runId: string, status: Exclude<RunStatus, 'running'>, totals: RunTotals): Promise<void> {
    if (status === ('running' as RunStatus) || !RUN_STATUSES.includes(status)) {
      throw new UsageError(`finishRun status must be one of finished, interrupted, failed, not "${String(status)}"`);
    }
    const checked = totalsSchema.safeParse(totals);
    if (!checked.success) throw new InputError(`invalid run totals: ${describeIssue(checked.error)}`, { field: 'totals' });
    this.requireRun(runId);
    this.write(() => this.stmt.finishRun.run(status, this.now().toISOString(), JSON.stringify(totals), runId));
  }

  async resumeRun(runId: string): Promise<Run> {
    const run = this.requireRun(runId);
    if (run.status === 'finished') throw new UsageError(`run ${runId} is finished; only an interrupted or failed run can be resumed`);
    this.write(() => this.stmt.resumeRun.run(runId));
    return this.requireRun(runId);
  }

  async getRun(runId: string): Promise<Run | undefined> {
    const row = this.stmt.getRun.get(runId);
    return row === undefined ? undefined : this.toRun(row);
  }

  async listRuns(filter: ListRunsFilter = {}): Promise<Run[]> {
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (filter.model !== undefined) {
      where.push('r.model = ?');
      params.push(filter.model);
    }
    if (filter.status !== undefined) {
      where.push('r.status = ?');
      params.push(filter.status);
    }
    if (filter.task !== undefined) {
      where.push('EXISTS (SELECT 1 FROM run_tasks t WHERE t.run_id = r.id AND t.task = ?)');
      params.push(filter.task);
    }
    if (filter.tag !== undefined) {
      where.push('EXISTS (SELECT 1 FROM tags g WHERE g.run_id = r.id AND g.tag = ?)');
      params.push(filter.tag);
    }
    let sql = `SELECT ${RUN_COLUMNS} FROM runs r${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY r.id DESC`;
    if (filter.limit !== undefined) {
      if (!Number.isInteger(filter.limit) || filter.limit < 0) throw new UsageError(`listRuns limit must be an integer >= 0, not ${filter.limit}`);
      sql += ' LIMIT ?';
      params.push(filter.limit);
    }
    return (this.db.prepare(sql).all(...params) as RunRow[]).map((row) => this.toRun(row));
  }

  async latestRun(model: string, task: string, status: RunStatus = 'finished'): Promise<Run | undefined> {
    const row = this.stmt.latest.get(model, status, task);
    return row === undefined ? undefined : this.toRun(row);
  }

  async samplePage(runId: string, task: string, offset: number, limit: number): Promise<SamplePage> {
    if (!Number.isInteger(offset) || offset < 0) throw new UsageError(`sample page offset must be an integer >= 0, not ${offset}`);
    if (!Number.isInteger(limit) || limit < 0) throw new UsageError(`sample page limit must be an integer >= 0, not ${limit}`);
    this.requireRun(runId);
    const read = this.db.transaction(() => ({
      samples: this.stmt.page.all(runId, task, limit, offset).map((row) => this.toSample(row, runId)),
      total: this.stmt.count.get(runId, task)?.n ?? 0,
    }));
    return read();
  }

  async addTag(runId: string, tag: string): Promise<void> {
    if (tag.trim() === '') throw new UsageError('a run tag must not be empty');
    this.requireRun(runId);
    this.write(() => this.stmt.addTag.run(runId, tag));
  }

  async tags(runId: string): Promise<string[]> {
    return this.stmt.tags.all(runId).map((row) => row.tag);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /**
   * Runs `fn` in an IMMEDIATE transaction: the write lock is taken (waiting up to the busy
   * timeout) before the first read, so a read-then-write batch cannot fail halfway on a lock.
   */
  private write<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).immediate();
    } catch (error) {
      if (error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY')) {
        throw new AssayError('IO', `the results store ${this.path} is locked by another writer (waited ${this.busyTimeoutMs} ms); retry when it is done`, { cause: error });
      }
      throw error;
    }
  }

  private requireRun(runId: string): Run {
    const row = this.stmt.getRun.get(runId);
    if (row === undefined) throw new UsageError(`unknown run id "${runId}" in ${this.path}; \`assay runs list\` shows the stored runs`);
    return this.toRun(row);
  }

  private toRun(row: RunRow): Run {
    const where = `run ${row.id}`;
    return {
      id: row.id,
      createdAt: row.created_at,
      finishedAt: row.finished_at,
      status: row.status,
      model: row.model,
      provenance: this.readJson(row.provenance, provenanceSchema, 'runs.provenance', where),
      totals: row.totals === null ? null : this.readJson(row.totals, totalsSchema, 'runs.totals', where),
    };
  }

  private toSample(row: SampleRow, runId: string): Sample {
    const scores: { [metric: string]: number } = {};
    for (const score of this.stmt.scores.all(row.id)) scores[score.metric] = orNaN(score.value);
    return {
      task: row.task,
      docId: row.doc_id,
      repeat: row.repeat,
      inputs: this.readJson(row.inputs, jsonSchema, 'samples.inputs', `run ${runId} task ${row.task} doc ${row.doc_id} repeat ${row.repeat}`) as JsonValue,
      prompt: row.prompt,
      rawResponse: row.raw_response,
      filteredAnswer: row.filtered_answer,
      scores,
      status: row.status,
      errorReason: row.error_reason,
      latencyMs: row.latency_ms,
      inputTokens: row.input_tokens,
      outputTokens: row.output_tokens,
      costUsd: row.cost_usd,
      cached: row.cached === 1,
      ...(row.items === null ? {} : { items: this.readJson(row.items, itemsSchema, 'samples.items', `run ${runId} task ${row.task} doc ${row.doc_id} repeat ${row.repeat}`) }),
    };
  }

  private readJson<T>(text: string, schema: z.ZodType<T>, field: string, where: string): T {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new InputError(`${where}: stored value is not JSON (${(error as Error).message}); the database was changed outside assay`, { file: this.path, field }, error);
    }
    const checked = schema.safeParse(value);
    if (!checked.success) throw new InputError(`${where}: stored JSON does not match the schema (${describeIssue(checked.error)}); the database was changed outside assay`, { file: this.path, field });
    return checked.data;
  }
}

function busyTimeout(options: SQLiteStoreOptions): number {
  return Math.max(0, Math.floor(options.busyTimeoutMs ?? 10_000));
}
