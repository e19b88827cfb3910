import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { isAssayError } from '../core/errors.js';
import { provenance, runStoreContract, sample, T0 } from '../../test/support/store-contract.js';
import { MIGRATIONS, migrate, SCHEMA_VERSION, schemaVersion } from './schema.js';
import { DEFAULT_STORE_PATH, SQLiteStore } from './sqlite.js';
import { sampleKey, type Sample } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'assay-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const tempFile = () => join(dir, `store-${files++}.db`);

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isAssayError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a rejection');
}

runStoreContract('SQLiteStore in memory', async (now) => SQLiteStore.open(':memory:', { now }));
runStoreContract('SQLiteStore on a file', async (now) => SQLiteStore.open(tempFile(), { now }));

describe('SQLiteStore schema and migrations', () => {
  it('defaults to .assay/assay.db', () => {
    expect(DEFAULT_STORE_PATH).toBe('.assay/assay.db');
  });

  it('migrates an empty file, then re-opens it without migrating again', async () => {
    const path = tempFile();
    writeFileSync(path, '');
    const store = SQLiteStore.open(path, { now: () => new Date(T0) });
    const id = await store.createRun(provenance());
    await store.appendSamples(id, [sample(0)]);
    await store.close();

    const raw = new Database(path);
    expect(schemaVersion(raw)).toBe(SCHEMA_VERSION);
    expect(raw.prepare('SELECT version, description FROM schema_version').all()).toEqual([
      { version: 1, description: MIGRATIONS[0].description },
      { version: 2, description: MIGRATIONS[1].description },
    ]);
    expect(migrate(raw)).toEqual([]);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();

    const reopened = SQLiteStore.open(path);
    expect((await reopened.getRun(id))?.provenance).toEqual(provenance());
    expect((await reopened.samplePage(id, 'hellaswag', 0, 10)).samples).toEqual([sample(0)]);
    await reopened.close();
  });

  it('applies only the migrations after the stored version, in order', () => {
    const raw = new Database(':memory:');
    expect(migrate(raw, MIGRATIONS.slice(0, 1))).toEqual([1]);
    const later = [...MIGRATIONS, { version: 3, description: 'x', sql: 'CREATE TABLE extra (a INTEGER)' }, { version: 4, description: 'y', sql: 'ALTER TABLE extra ADD COLUMN b TEXT' }];
    expect(migrate(raw, later)).toEqual([2, 3, 4]);
    expect(schemaVersion(raw)).toBe(4);
    expect(raw.prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid').all('extra')).toEqual([{ name: 'a' }, { name: 'b' }]);
    raw.close();
  });

  it('rolls back a migration that fails, leaving the previous version', () => {
    const raw = new Database(':memory:');
    migrate(raw);
    const broken = [...MIGRATIONS, { version: 3, description: 'x', sql: 'CREATE TABLE ok (a INTEGER); CREATE TABLE runs (a INTEGER)' }];
    expect(() => migrate(raw, broken)).toThrow('table runs already exists');
    expect(schemaVersion(raw)).toBe(2);
    expect(raw.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'ok'").get()).toEqual({ n: 0 });
    raw.close();
  });

  it('refuses a database from a newer assay', () => {
    const path = tempFile();
    const raw = new Database(path);
    migrate(raw, [...MIGRATIONS, { version: 3, description: 'future', sql: 'CREATE TABLE future (a INTEGER)' }]);
    raw.close();
    expect(() => SQLiteStore.open(path)).toThrow(`${path}: the results store has schema version 3, newer than this assay's 2; upgrade assay or use another --store path`);
  });

  it('refuses a file that is not a database with an IO error', () => {
    const path = tempFile();
    writeFileSync(path, 'this is not sqlite, just text long enough to fill a header block.'.repeat(4));
    let code = '';
    try {
      SQLiteStore.open(path);
    } catch (error) {
      code = isAssayError(error) ? `${error.code}: ${error.message}` : String(error);
    }
    expect(code).toBe(`IO: cannot open the results store ${path}: file is not a database`);
  });
});

describe('SQLiteStore on a shared file', () => {
  it('lets two connections write and read the same store', async () => {
    const path = tempFile();
    const a = SQLiteStore.open(path);
    const b = SQLiteStore.open(path);
    const id = await a.createRun(provenance());
    expect((await b.getRun(id))?.status).toBe('running');
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 10; i++) {
      writes.push(a.appendSamples(id, [sample(2 * i), sample(2 * i + 1)]));
      writes.push(b.appendSamples(id, [sample(2 * i + 1), sample(2 * i + 2)]));
    }
    await Promise.all(writes);
    const page = await a.samplePage(id, 'hellaswag', 0, 100);
    expect(page.total).toBe(21);
    expect(page.samples.map((s) => s.docId)).toEqual(Array.from({ length: 21 }, (_, i) => i));
    await b.finishRun(id, 'finished', { samples: 21, errors: 0, cached: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 });
    expect((await a.latestRun('openai:gpt-4o-mini', 'hellaswag'))?.id).toBe(id);
    await a.close();
    await b.close();
  });

  it('appends 100k samples in batches of 1000 and pages through the end', async () => {
    const store = SQLiteStore.open(tempFile());
    const id = await store.createRun(provenance());
    for (let start = 0; start < 100_000; start += 1000) {
      const batch: Sample[] = [];
      for (let docId = start; docId < start + 1000; docId++) batch.push(sample(docId));
      expect(await store.appendSamples(id, batch)).toEqual({ inserted: 1000, skipped: 0 });
    }
    const keys = await store.finishedKeys(id);
    expect(keys.size).toBe(100_000);
    expect(keys.has(sampleKey({ task: 'hellaswag', docId: 99_999, repeat: 0 }))).toBe(true);
    const page = await store.samplePage(id, 'hellaswag', 99_995, 10);
    expect(page.total).toBe(100_000);
    expect(page.samples).toEqual([99_995, 99_996, 99_997, 99_998, 99_999].map((docId) => sample(docId)));
    await store.close();
  });
});

describe('SQLiteStore reading a damaged database', () => {
  async function damaged(sql: string): Promise<{ path: string; id: string; store: SQLiteStore }> {
    const path = tempFile();
    const store = SQLiteStore.open(path);
    const id = await store.createRun(provenance());
    await store.appendSamples(id, [sample(0)]);
    const raw = new Database(path);
    raw.prepare(sql).run(id);
    raw.close();
    return { path, id, store };
  }

  it('names the file, column and run when a JSON column is not JSON', async () => {
    const { path, id, store } = await damaged("UPDATE runs SET provenance = '{\"model\": ' WHERE id = ?");
    const { code, message } = await failure(store.getRun(id));
    expect(code).toBe('INPUT');
    expect(message.startsWith(`${path} field "runs.provenance": run ${id}: stored value is not JSON (`)).toBe(true);
    expect(message.endsWith('); the database was changed outside assay')).toBe(true);
    expect((await failure(store.listRuns())).code).toBe('INPUT');
    await store.close();
  });

  it('names the member when JSON does not match the schema', async () => {
    const { path, id, store } = await damaged('UPDATE runs SET provenance = json_set(provenance, \'$.seed\', \'x\') WHERE id = ?');
    expect(await failure(store.getRun(id))).toEqual({
      code: 'INPUT',
      message: `${path} field "runs.provenance": run ${id}: stored JSON does not match the schema (seed: Invalid input: expected number, received string); the database was changed outside assay`,
    });
    await store.close();
  });

  it('names the sample when its inputs are not JSON', async () => {
    const { path, id, store } = await damaged("UPDATE samples SET inputs = 'not json' WHERE run_id = ?");
    const { code, message } = await failure(store.samplePage(id, 'hellaswag', 0, 10));
    expect(code).toBe('INPUT');
    expect(message.startsWith(`${path} field "samples.inputs": run ${id} task hellaswag doc 0 repeat 0: stored value is not JSON (`)).toBe(true);
    await store.close();
  });
});

describe('SQLiteStore under a held write lock', () => {
  it('waits for the busy timeout, then fails with an IO error and writes nothing', async () => {
    const path = tempFile();
    const store = SQLiteStore.open(path, { busyTimeoutMs: 20 });
    const id = await store.createRun(provenance());
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    expect(await failure(store.appendSamples(id, [sample(0), sample(1)]))).toEqual({
      code: 'IO',
      message: `the results store ${path} is locked by another writer (waited 20 ms); retry when it is done`,
    });
    other.exec('COMMIT');
    other.close();
    expect((await store.samplePage(id, 'hellaswag', 0, 10)).total).toBe(0);
    expect(await store.appendSamples(id, [sample(0), sample(1)])).toEqual({ inserted: 2, skipped: 0 });
    await store.close();
  });
});

// A writer killed with SIGKILL while appending 1000-sample batches (with a second process writing
// beside it): whatever it committed is whole (a multiple of 1000 samples, two scores each), and the
// file passes integrity_check.
const CRASH_CHILD = `
const { SQLiteStore } = await import(process.env.STORE_MODULE);
const store = SQLiteStore.open(process.env.STORE_PATH);
for (let b = 0; ; b++) {
  const batch = [];
  for (let i = 0; i < 1000; i++) {
    batch.push({ task: 't', docId: b * 1000 + i, repeat: 0, inputs: { batch: b }, prompt: 'p', rawResponse: 'r', filteredAnswer: 'r',
      scores: { acc: 1, f1: 0.5 }, status: 'scored', errorReason: null, latencyMs: 1, inputTokens: 1, outputTokens: 1, costUsd: 0, cached: false });
  }
  await store.appendSamples(process.env.RUN_ID, batch);
  // Like an engine awaiting responses: the lock is free between batches.
  await new Promise((resolve) => setTimeout(resolve, 10));
  if (b === 2) process.stdout.write('ready\\n');
}
`;

describe('SQLiteStore after kill -9', () => {
  it('keeps only whole batches, beside a second writing process', async () => {
    const path = tempFile();
    const store = SQLiteStore.open(path);
    const id = await store.createRun(provenance('m:x', ['t']));
    await store.close();
    const storeModule = join(dirname(fileURLToPath(import.meta.url)), 'sqlite.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CRASH_CHILD], {
      env: { ...process.env, STORE_MODULE: storeModule, STORE_PATH: path, RUN_ID: id },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`the writer exited early with ${code}`)));
    });
    // Meanwhile this process writes to the same run: the busy timeout serializes the two writers.
    const parent = SQLiteStore.open(path);
    for (let b = 0; b < 5; b++) {
      const batch = Array.from({ length: 100 }, (_, i) => sample(b * 100 + i, { task: 'u' }));
      expect(await parent.appendSamples(id, batch)).toEqual({ inserted: 100, skipped: 0 });
    }
    await parent.close();
    const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const reopened = SQLiteStore.open(path);
    const total = (await reopened.samplePage(id, 't', 0, 0)).total;
    expect(total % 1000).toBe(0);
    expect(total).toBeGreaterThanOrEqual(3000);
    expect((await reopened.finishedKeys(id)).size).toBe(total + 500);
    await reopened.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare("SELECT count(*) AS n FROM samples WHERE task = 'u'").get()).toEqual({ n: 500 });
    expect(raw.prepare('SELECT count(*) AS n FROM scores').get()).toEqual({ n: 2 * total + 2 * 500 });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
  });
});
