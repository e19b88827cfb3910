// Against the loopback Hub of test/support/fake-hf-server.ts serving test/fixtures/data/simple.parquet
// (A: 1, 2, 3; B: "foo" x3). Expected hashes: Python 3.11,
//   hashlib.sha256(b).hexdigest()[:12] = fe3c5e35a946, and of b + b (two shards) = 69b20dbe321b.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AssayError } from '../core/errors.js';
import { FAKE_PARQUET_COMMIT, type FakeHfServer, startFakeHfServer } from '../../test/support/fake-hf-server.js';
import { REPO_ROOT } from '../../test/support/shared.js';
import { hubCacheDir, loadHubSplit, resolveHubSplit, type HubOptions } from './hub.js';
import { loadDataset } from './loaders.js';

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'data', 'simple.parquet');
const BYTES = readFileSync(FIXTURE);
const TOKEN = 'hf_test_SECRET_0123456789';
const ROWS = [
  { A: 1, B: 'foo' },
  { A: 2, B: 'foo' },
  { A: 3, B: 'foo' },
];

let hub: FakeHfServer;
let other: FakeHfServer;

// The tests name every option; a token or offline switch in the developer's environment must not leak in.
const SAVED_ENV = { HF_TOKEN: process.env.HF_TOKEN, HF_HUB_OFFLINE: process.env.HF_HUB_OFFLINE, HF_DATASETS_OFFLINE: process.env.HF_DATASETS_OFFLINE };

beforeAll(async () => {
  for (const name of Object.keys(SAVED_ENV)) delete process.env[name];
  hub = await startFakeHfServer({
    token: TOKEN,
    datasets: {
      'acme/simple': { configs: { default: { train: [BYTES], test: [BYTES, BYTES], 'partial-big': [BYTES] } } },
      'acme/multi': { configs: { main: { test: [BYTES] }, socratic: { test: [BYTES] } } },
      'acme/only': { configs: { plain_text: { validation: [BYTES] } } },
      'acme/gated': { gated: true, configs: { default: { test: [BYTES] } } },
      'acme/private': { private: true, configs: { default: { test: [BYTES] } } },
      'acme/empty': { configs: {} },
    },
  });
  other = await startFakeHfServer({ token: TOKEN, datasets: { 'acme/simple': { configs: { default: { train: [BYTES] } } } } });
});
afterAll(async () => {
  for (const [name, value] of Object.entries(SAVED_ENV)) if (value !== undefined) process.env[name] = value;
  await hub.close();
  await other.close();
});
afterEach(() => {
  hub.faults.length = 0;
  hub.fileBase = hub.url;
});

async function options(extra: HubOptions = {}): Promise<HubOptions> {
  return { endpoint: hub.url, cacheDir: await mkdtemp(join(tmpdir(), 'assay-hub-')), retryDelayMs: 0, offline: false, ...extra };
}

async function failure(promise: Promise<unknown>): Promise<AssayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AssayError) return error;
    throw error;
  }
  throw new Error('expected an AssayError');
}

const noNetwork: typeof fetch = () => Promise.reject(new Error('no network in this test'));

describe('resolveHubSplit / loadHubSplit', () => {
  it('downloads the split once: records and hash equal loading the Parquet file directly', async () => {
    const opts = await options({ token: TOKEN });
    const before = hub.requests.length;
    const loaded = await loadHubSplit('acme/simple', 'default', 'train', opts);
    const direct = await loadDataset(FIXTURE);
    expect(loaded.records).toEqual(direct.records);
    expect(loaded.records).toEqual(ROWS);
    expect(loaded.columns).toEqual(['A', 'B']);
    expect(loaded.hash).toBe('fe3c5e35a946');
    expect(loaded.hash).toBe(direct.hash);
    expect(loaded.config).toBe('default');
    expect(loaded.files).toEqual([join(opts.cacheDir!, 'acme--simple', 'parquet', 'default', 'train', '0000.parquet')]);
    expect(readFileSync(loaded.files[0]!)).toEqual(BYTES);
    // The split's URL list, the shard URL (302) and the file on refs/convert/parquet, each with the token.
    expect(hub.requests.slice(before)).toEqual([
      { path: '/api/datasets/acme/simple/parquet/default/train', authorization: `Bearer ${TOKEN}` },
      { path: '/api/datasets/acme/simple/parquet/default/train/0.parquet', authorization: `Bearer ${TOKEN}` },
      { path: '/datasets/acme/simple/resolve/refs%2Fconvert%2Fparquet/default/train/0000.parquet', authorization: `Bearer ${TOKEN}` },
    ]);
    const manifest = JSON.parse(readFileSync(join(opts.cacheDir!, 'acme--simple', 'parquet', 'default', 'train', 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toEqual({
      format: 1,
      repo: 'acme/simple',
      requestedConfig: 'default',
      config: 'default',
      split: 'train',
      revision: null,
      endpoint: hub.url,
      hash: 'fe3c5e35a946',
      files: [{ name: '0000.parquet', url: `${hub.url}/api/datasets/acme/simple/parquet/default/train/0.parquet`, size: 2157, sha256: 'fe3c5e35a94667ab6da6076fa6db0b57ce991047108d000518d4a8251f9e5f79' }],
    });
    expect(readdirSync(join(opts.cacheDir!, 'acme--simple', 'parquet', 'default', 'train')).sort()).toEqual(['0000.parquet', 'manifest.json']);

    // Second call: from the cache, no request at all (and a fetch that would fail is never called).
    const count = hub.requests.length;
    const again = await loadHubSplit('acme/simple', 'default', 'train', { ...opts, fetch: noNetwork });
    expect(hub.requests.length).toBe(count);
    expect(again).toEqual(loaded);
  });

  it('two shards are read in order; the hash covers both files', async () => {
    const opts = await options();
    const loaded = await loadHubSplit('acme/simple', null, 'test', opts);
    expect(loaded.records).toEqual([...ROWS, ...ROWS]);
    expect(loaded.hash).toBe('69b20dbe321b');
    expect(loaded.files.map((f) => f.slice(opts.cacheDir!.length))).toEqual(['/acme--simple/parquet/default/test/0000.parquet', '/acme--simple/parquet/default/test/0001.parquet']);
  });

  it('no token: no Authorization header; the token never goes to another origin', async () => {
    const before = hub.requests.length;
    await resolveHubSplit('acme/simple', 'default', 'train', await options());
    expect(hub.requests.slice(before).map((r) => r.authorization)).toEqual([undefined, undefined, undefined]);

    hub.fileBase = other.url;
    const otherBefore = other.requests.length;
    const split = await resolveHubSplit('acme/simple', 'default', 'train', await options({ token: TOKEN }));
    expect(split.hash).toBe('fe3c5e35a946');
    expect(hub.requests.at(-1)).toEqual({ path: '/api/datasets/acme/simple/parquet/default/train', authorization: `Bearer ${TOKEN}` });
    expect(other.requests.slice(otherBefore)).toEqual([
      { path: '/api/datasets/acme/simple/parquet/default/train/0.parquet', authorization: undefined },
      { path: '/datasets/acme/simple/resolve/refs%2Fconvert%2Fparquet/default/train/0000.parquet', authorization: undefined },
    ]);
  });

  it('config null: "default", else the only config there is (as load_dataset does), else a list', async () => {
    const only = await resolveHubSplit('acme/only', null, 'validation', await options());
    expect(only.config).toBe('plain_text');
    expect(only.hash).toBe('fe3c5e35a946');
    const multi = await failure(resolveHubSplit('acme/multi', null, 'test', await options()));
    expect(multi.code).toBe('USAGE');
    expect(multi.message).toBe('Hugging Face data set "acme/multi", config "default" (none named), split "test": the data set has no "default" config; name one with dataset_name (configs: main, socratic)');
  });

  it('unknown split and config: the message lists what the Hub offers', async () => {
    const split = await failure(resolveHubSplit('acme/simple', 'default', 'tset', await options()));
    expect(split.code).toBe('USAGE');
    expect(split.message).toBe('Hugging Face data set "acme/simple", config "default", split "tset": unknown split of config "default" "tset"; did you mean "test"? (valid: train, test, partial-big)');
    const partial = await failure(resolveHubSplit('acme/simple', 'default', 'big', await options()));
    expect(partial.message).toBe('Hugging Face data set "acme/simple", config "default", split "big": unknown split of config "default" "big" (valid: train, test, partial-big); the Hub converted only the first 5 GB of it, as split "partial-big"');
    const config = await failure(resolveHubSplit('acme/multi', 'mian', 'test', await options()));
    expect(config.message).toBe('Hugging Face data set "acme/multi", config "mian", split "test": unknown config "mian"; did you mean "main"? (valid: main, socratic)');
    const empty = await failure(resolveHubSplit('acme/empty', null, 'test', await options()));
    expect(empty.message).toBe('Hugging Face data set "acme/empty", config "default" (none named), split "test": the Hub lists no Parquet files for this data set (refs/convert/parquet is empty or missing); the dataset viewer converts public data sets it can read, so this one cannot be loaded from the Hub');
  });

  it('unknown data set: 401 RepoNotFound without a token, 404 with one; a private one reads as unknown', async () => {
    const anonymous = await failure(resolveHubSplit('acme/nope', 'default', 'test', await options()));
    expect(anonymous.code).toBe('USAGE');
    expect(anonymous.message).toBe(`Hugging Face data set "acme/nope", config "default", split "test": no such data set on ${hub.url} (HTTP 401); check the owner/name as written on the Hub, and set HF_TOKEN if it is private`);
    const withToken = await failure(resolveHubSplit('acme/nope', 'default', 'test', await options({ token: 'hf_wrong_SECRET' })));
    expect(withToken.message).toBe(`Hugging Face data set "acme/nope", config "default", split "test": no such data set on ${hub.url} (HTTP 404); check the owner/name as written on the Hub`);
    expect(withToken.message).not.toContain('SECRET');
    const hidden = await failure(resolveHubSplit('acme/private', 'default', 'test', await options()));
    expect(hidden.message).toContain('(HTTP 401); check the owner/name as written on the Hub, and set HF_TOKEN if it is private');
    expect((await resolveHubSplit('acme/private', 'default', 'test', await options({ token: TOKEN }))).hash).toBe('fe3c5e35a946');
  });

  it('gated: 401 says to set HF_TOKEN, 403 says to accept the conditions; the token is never in the error', async () => {
    const anonymous = await failure(resolveHubSplit('acme/gated', null, 'test', await options()));
    expect(anonymous.code).toBe('USAGE');
    expect(anonymous.message).toBe(`Hugging Face data set "acme/gated", config "default" (none named), split "test": the data set is gated (HTTP 401); set HF_TOKEN to a token of an account that accepted its conditions at ${hub.url}/datasets/acme/gated`);
    const wrong = await failure(resolveHubSplit('acme/gated', null, 'test', await options({ token: 'hf_other_SECRET_42' })));
    expect(wrong.message).toBe(`Hugging Face data set "acme/gated", config "default" (none named), split "test": the data set is gated and the token in HF_TOKEN has no access (HTTP 403); accept its conditions at ${hub.url}/datasets/acme/gated with that account`);
    expect(`${wrong.message} ${String(wrong.cause)} ${wrong.stack}`).not.toContain('SECRET');
    const ok = await loadHubSplit('acme/gated', null, 'test', await options({ token: TOKEN }));
    expect(ok.records).toEqual(ROWS);
  });

  it('HF_TOKEN from the environment', async () => {
    process.env.HF_TOKEN = TOKEN;
    try {
      const before = hub.requests.length;
      await resolveHubSplit('acme/gated', null, 'test', await options());
      expect(hub.requests.slice(before).map((r) => r.authorization)).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
    } finally {
      delete process.env.HF_TOKEN;
    }
  });

  it('offline: the cache only; without it an IO error that says how to fill it', async () => {
    const opts = await options();
    const missing = await failure(resolveHubSplit('acme/simple', 'default', 'train', { ...opts, offline: true }));
    expect(missing.code).toBe('IO');
    expect(missing.message).toBe(`Hugging Face data set "acme/simple", config "default", split "train": not in the cache (${join(opts.cacheDir!, 'acme--simple', 'parquet', 'default', 'train')}) and offline mode is on (HF_HUB_OFFLINE); run once online to download it, or unset HF_HUB_OFFLINE`);
    await resolveHubSplit('acme/simple', 'default', 'train', opts);
    process.env.HF_HUB_OFFLINE = '1';
    try {
      const before = hub.requests.length;
      const { offline: _, ...fromEnv } = opts;
      const split = await resolveHubSplit('acme/simple', 'default', 'train', { ...fromEnv, fetch: noNetwork });
      expect(split.hash).toBe('fe3c5e35a946');
      expect(hub.requests.length).toBe(before);
      await expect(resolveHubSplit('acme/simple', 'default', 'test', fromEnv)).rejects.toThrow('offline mode is on (HF_HUB_OFFLINE)');
    } finally {
      delete process.env.HF_HUB_OFFLINE;
    }
  });

  it('a download cut short three times leaves no cached file; the next call succeeds', async () => {
    const opts = await options();
    hub.faults.push({ kind: 'cut', on: 'file' }, { kind: 'cut', on: 'file' }, { kind: 'cut', on: 'file' });
    const cut = await failure(resolveHubSplit('acme/simple', 'default', 'train', opts));
    expect(cut.code).toBe('IO');
    expect(cut.message).toMatch(
      /^Hugging Face data set "acme\/simple", config "default", split "train": downloading \/api\/datasets\/acme\/simple\/parquet\/default\/train\/0\.parquet failed after 3 attempts: the download of \/api\/datasets\/acme\/simple\/parquet\/default\/train\/0\.parquet was cut short after \d+ bytes \(terminated/,
    );
    expect(readdirSync(join(opts.cacheDir!, 'acme--simple', 'parquet', 'default', 'train'))).toEqual([]);
    const again = await loadHubSplit('acme/simple', 'default', 'train', opts);
    expect(again.records).toEqual(ROWS);
    expect(readdirSync(join(opts.cacheDir!, 'acme--simple', 'parquet', 'default', 'train')).sort()).toEqual(['0000.parquet', 'manifest.json']);
  });

  it('retries: one cut body, a reset and 5xx answers are retried; three 500s end in an IO error', async () => {
    const opts = await options();
    hub.faults.push({ kind: 'status', status: 503, on: 'api' }, { kind: 'reset', on: 'api' }, { kind: 'cut', on: 'file' });
    const before = hub.requests.length;
    const split = await resolveHubSplit('acme/simple', 'default', 'train', opts);
    expect(split.hash).toBe('fe3c5e35a946');
    // listing 503, reset, ok; shard redirect + cut file; redirect + file.
    expect(hub.requests.length - before).toBe(7);
    hub.faults.push({ kind: 'status', status: 500 }, { kind: 'status', status: 500 }, { kind: 'status', status: 500 });
    const down = await failure(resolveHubSplit('acme/simple', 'default', 'test', opts));
    expect(down.code).toBe('IO');
    expect(down.message).toBe('Hugging Face data set "acme/simple", config "default", split "test": GET /api/datasets/acme/simple/parquet/default/test failed after 3 attempts: HTTP 500 from /api/datasets/acme/simple/parquet/default/test');
  });

  it('network failure: an IO error naming the host', async () => {
    const closed = await startFakeHfServer({ datasets: {} });
    const url = closed.url;
    await closed.close();
    const error = await failure(resolveHubSplit('acme/simple', 'default', 'train', await options({ endpoint: url, token: TOKEN })));
    expect(error.code).toBe('IO');
    expect(error.message).toBe(
      `Hugging Face data set "acme/simple", config "default", split "train": GET /api/datasets/acme/simple/parquet/default/train failed after 3 attempts: cannot reach ${new URL(url).host} (fetch failed: connect ECONNREFUSED ${new URL(url).host}); check the network, or HF_ENDPOINT, or use HF_HUB_OFFLINE=1 with a filled cache`,
    );
  });

  it('a changed cached file is downloaded again', async () => {
    const opts = await options();
    const first = await resolveHubSplit('acme/simple', 'default', 'train', opts);
    const damaged = Buffer.from(BYTES);
    damaged[100] ^= 0xff;
    writeFileSync(first.files[0]!, damaged);
    const before = hub.requests.length;
    const second = await resolveHubSplit('acme/simple', 'default', 'train', opts);
    expect(hub.requests.length - before).toBe(3);
    expect(readFileSync(second.files[0]!)).toEqual(BYTES);
  });

  it('revision: files from the tree API (paged), each checked against its LFS sha256', async () => {
    const paged = await startFakeHfServer({ token: TOKEN, treePageSize: 3, datasets: { 'acme/simple': { configs: { default: { train: [BYTES], test: [BYTES, BYTES] } } } } });
    try {
      const opts = await options({ endpoint: paged.url, revision: FAKE_PARQUET_COMMIT });
      const loaded = await loadHubSplit('acme/simple', 'default', 'test', opts);
      expect(loaded.records).toEqual([...ROWS, ...ROWS]);
      expect(loaded.hash).toBe('69b20dbe321b');
      expect(loaded.files[1]).toBe(join(opts.cacheDir!, 'acme--simple', `rev-${FAKE_PARQUET_COMMIT}`, 'default', 'test', '0001.parquet'));
      expect(paged.requests.map((r) => r.path)).toEqual([
        `/api/datasets/acme/simple/tree/${FAKE_PARQUET_COMMIT}?recursive=true`,
        `/api/datasets/acme/simple/tree/${FAKE_PARQUET_COMMIT}?recursive=true&cursor=3`,
        `/api/datasets/acme/simple/tree/${FAKE_PARQUET_COMMIT}?recursive=true&cursor=6`,
        `/datasets/acme/simple/resolve/${FAKE_PARQUET_COMMIT}/default/test/0000.parquet`,
        `/datasets/acme/simple/resolve/${FAKE_PARQUET_COMMIT}/default/test/0001.parquet`,
      ]);

      paged.faults.push({ kind: 'corrupt', on: 'file' });
      const corrupt = await failure(resolveHubSplit('acme/simple', 'default', 'train', opts));
      expect(corrupt.code).toBe('IO');
      expect(corrupt.message).toMatch(
        new RegExp(`^Hugging Face data set "acme/simple", config "default", split "train", revision "${FAKE_PARQUET_COMMIT}": /datasets/acme/simple/resolve/${FAKE_PARQUET_COMMIT}/default/train/0000\\.parquet has sha256 [0-9a-f]{64}, but the Hub lists ${sha256(BYTES)}; the download was removed$`),
      );
      expect(readdirSync(join(opts.cacheDir!, 'acme--simple', `rev-${FAKE_PARQUET_COMMIT}`, 'default', 'train'))).toEqual([]);

      const unknown = await failure(resolveHubSplit('acme/simple', 'default', 'train', { ...opts, revision: 'v9' }));
      expect(unknown.message).toBe('Hugging Face data set "acme/simple", config "default", split "train", revision "v9": no revision "v9" (HTTP 404); name a commit or branch of refs/convert/parquet, or leave revision out');
      const split = await failure(resolveHubSplit('acme/simple', 'default', 'dev', opts));
      expect(split.message).toBe(`Hugging Face data set "acme/simple", config "default", split "dev", revision "${FAKE_PARQUET_COMMIT}": unknown split of config "default" "dev" (valid: test, train)`);
    } finally {
      await paged.close();
    }
  });

  it('an empty URL list counts as an unknown split; a file without the PAR1 marks is refused and not cached', async () => {
    const emptyList: typeof fetch = (input, init) => (String(input).endsWith('/parquet/default/dev') ? Promise.resolve(new Response('[]', { status: 200 })) : fetch(input, init));
    const empty = await failure(resolveHubSplit('acme/simple', 'default', 'dev', await options({ fetch: emptyList })));
    expect(empty.message).toBe('Hugging Face data set "acme/simple", config "default", split "dev": unknown split of config "default" "dev" (valid: train, test, partial-big)');

    const html: typeof fetch = (input, init) => (String(input).endsWith('/0.parquet') ? Promise.resolve(new Response('<html>busy</html>', { status: 200 })) : fetch(input, init));
    const opts = await options({ fetch: html });
    const notParquet = await failure(resolveHubSplit('acme/simple', 'default', 'train', opts));
    expect(notParquet.code).toBe('IO');
    expect(notParquet.message).toBe('Hugging Face data set "acme/simple", config "default", split "train": /api/datasets/acme/simple/parquet/default/train/0.parquet is not a Parquet file (17 bytes without the PAR1 marks)');
    expect(readdirSync(join(opts.cacheDir!, 'acme--simple', 'parquet', 'default', 'train'))).toEqual([]);
  });

  it('bad names are UsageErrors before any request', async () => {
    const before = hub.requests.length;
    for (const repo of ['', 'a/b/c', 'a--b/c', 'owner/na..me', '-owner/name', 'owner/name.', 'has space/x']) {
      const error = await failure(resolveHubSplit(repo, null, 'test', await options()));
      expect(error.message).toBe(`"${repo}" is not a Hugging Face data set id; expected owner/name (letters, digits, "_", "-", "."), e.g. openai/gsm8k`);
    }
    expect((await failure(resolveHubSplit('a/b', null, '', await options()))).message).toBe('Hugging Face data set "a/b": the split name is empty; name one, e.g. test');
    expect((await failure(resolveHubSplit('a/b', null, 'test', await options({ endpoint: 'hub.local' })))).message).toBe('Hugging Face endpoint "hub.local" (option endpoint or HF_ENDPOINT) is not an http(s) URL; e.g. https://huggingface.co');
    expect(hub.requests.length).toBe(before);
  });

  it('config and split names are single path segments in the cache', async () => {
    const server = await startFakeHfServer({ datasets: { 'acme/odd': { configs: { '.x': { 'a/b': [BYTES] } } } } });
    try {
      const opts = await options({ endpoint: server.url });
      const split = await resolveHubSplit('acme/odd', '.x', 'a/b', opts);
      expect(split.files).toEqual([join(opts.cacheDir!, 'acme--odd', 'parquet', '%2Ex', 'a%2Fb', '0000.parquet')]);
      expect(server.requests[0]!.path).toBe('/api/datasets/acme/odd/parquet/.x/a%2Fb');
    } finally {
      await server.close();
    }
  });
});

describe('hubCacheDir', () => {
  it('cacheDir, else $ASSAY_CACHE_DIR/datasets, else $XDG_CACHE_HOME/assay/datasets, else ~/.cache/assay/datasets', () => {
    expect(hubCacheDir({ cacheDir: '/x/y' }, { ASSAY_CACHE_DIR: '/a' })).toBe('/x/y');
    expect(hubCacheDir({}, { ASSAY_CACHE_DIR: '/a', XDG_CACHE_HOME: '/c' })).toBe('/a/datasets');
    expect(hubCacheDir({}, { XDG_CACHE_HOME: '/c' })).toBe('/c/assay/datasets');
    expect(hubCacheDir({}, {})).toBe(join(homedir(), '.cache', 'assay', 'datasets'));
  });
});

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
