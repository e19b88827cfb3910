// Hugging Face data sets without Python: the Parquet files the dataset viewer publishes for every
// public data set on its `refs/convert/parquet` branch (huggingface.co/docs/dataset-viewer/parquet),
// listed by the Hub API and cached as huggingface_hub's hf_hub_download does (tmp file + rename).
// Deliberate difference from datasets.load_dataset: the converted Parquet is read, never the repo's own files or loading script.
import { type Hash, createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { AssayError, UsageError } from '../core/errors.js';
import { unknownNameMessage } from '../core/suggest.js';
import { VERSION } from '../core/version.js';
import { type DataRecord, loadDataset } from './loaders.js';

export interface HubOptions {
  /** Default `process.env.HF_ENDPOINT ?? 'https://huggingface.co'`. */
  endpoint?: string;
  /** Default `$ASSAY_CACHE_DIR/datasets`, else `$XDG_CACHE_HOME/assay/datasets`, else `~/.cache/assay/datasets`. */
  cacheDir?: string;
  /** Default env HF_TOKEN; sent only to the endpoint's origin, never logged, never in errors or cache paths. */
  token?: string;
  /** Injected for tests; default the global fetch. */
  fetch?: typeof fetch;
  /** Only the cache (default from HF_HUB_OFFLINE / HF_DATASETS_OFFLINE = 1, on, yes or true). */
  offline?: boolean;
  /** A commit (or branch) of the `refs/convert/parquet` branch; default: whatever the Hub API lists now. */
  revision?: string;
  /** Wait before the first retry, doubled for the next (default 500 ms). */
  retryDelayMs?: number;
}

export interface HubSplit {
  /** Local Parquet paths, in shard order. */
  files: string[];
  /** sha256 of all files' bytes in order, first 12 hex digits (one file: the same as loadDataset's hash). */
  hash: string;
  /** The config read: the one asked for, or for `null` "default" (or the data set's only config). */
  config: string;
}

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';
const PARQUET_BRANCH = 'refs/convert/parquet';
const MAX_ATTEMPTS = 3;
const MANIFEST = 'manifest.json';
const TRUTHY = new Set(['1', 'on', 'yes', 'true']);

/** The cache root the options and environment name (see HubOptions.cacheDir). */
export function hubCacheDir(options: Pick<HubOptions, 'cacheDir'> = {}, env: NodeJS.ProcessEnv = process.env): string {
  if (options.cacheDir !== undefined) return resolve(options.cacheDir);
  if (env.ASSAY_CACHE_DIR) return resolve(env.ASSAY_CACHE_DIR, 'datasets');
  if (env.XDG_CACHE_HOME) return resolve(env.XDG_CACHE_HOME, 'assay', 'datasets');
  return join(homedir(), '.cache', 'assay', 'datasets');
}

/** Downloads (or finds in the cache) the Parquet shards of one split. */
export async function resolveHubSplit(repo: string, config: string | null, split: string, options: HubOptions = {}): Promise<HubSplit> {
  const ctx = context(repo, config, split, options);
  const cached = await readCache(ctx);
  if (cached !== undefined) return cached;
  if (ctx.offline) {
    throw new AssayError('IO', `${ctx.subject}: not in the cache (${ctx.dir}) and offline mode is on (HF_HUB_OFFLINE); run once online to download it, or unset HF_HUB_OFFLINE`);
  }
  const listed = ctx.revision === undefined ? await listFromParquetApi(ctx) : await listFromTree(ctx);
  await mkdir(ctx.dir, { recursive: true }).catch((error: unknown) => ioError(ctx, `cannot create the cache folder ${ctx.dir}`, error));
  // A stale manifest must not vouch for files this download is about to replace.
  await unlink(join(ctx.dir, MANIFEST)).catch(() => undefined);
  const entries: ManifestFile[] = [];
  let all = createHash('sha256');
  for (const [i, remote] of listed.files.entries()) {
    const name = `${String(i).padStart(4, '0')}.parquet`;
    const got = await download(ctx, remote, join(ctx.dir, name), all);
    all = got.combined;
    entries.push({ name, url: remote.url, size: got.size, sha256: got.sha256 });
  }
  const files = entries.map((entry) => join(ctx.dir, entry.name));
  const combined = all.digest('hex').slice(0, 12);
  const manifest: Manifest = { format: 1, repo: ctx.repo, requestedConfig: config, config: listed.config, split, revision: ctx.revision ?? null, endpoint: ctx.endpoint, hash: combined, files: entries };
  // Written last: a manifest means every file it names was complete.
  await writeAtomic(ctx, join(ctx.dir, MANIFEST), (handle) => handle.writeFile(`${JSON.stringify(manifest, null, 2)}\n`));
  return { files, hash: combined, config: listed.config };
}

/** The split's records (every shard, in order) read with loadDataset's Parquet reader. */
export async function loadHubSplit(repo: string, config: string | null, split: string, options: HubOptions = {}): Promise<{ records: DataRecord[]; hash: string; files: string[]; columns: string[]; config: string }> {
  const resolved = await resolveHubSplit(repo, config, split, options);
  const records: DataRecord[] = [];
  let columns: string[] = [];
  for (const [i, file] of resolved.files.entries()) {
    const dataset = await loadDataset(file, { format: 'parquet' });
    if (i === 0) columns = dataset.columns;
    for (const record of dataset.records) records.push(record);
  }
  return { records, hash: resolved.hash, files: resolved.files, columns, config: resolved.config };
}

// ---- context and cache -----------------------------------------------------------------------

interface Context {
  repo: string;
  config: string | null;
  split: string;
  endpoint: string;
  token: string | undefined;
  fetch: typeof fetch;
  offline: boolean;
  revision: string | undefined;
  retryDelayMs: number;
  dir: string;
  subject: string;
}

// huggingface_hub's validate_repo_id: optional namespace, 1-96 of [\w.-], no "--" or "..".
const REPO_ID = /^(?:[\w.-]+\/)?[\w.-]{1,96}$/;

function context(repo: string, config: string | null, split: string, options: HubOptions): Context {
  if (!REPO_ID.test(repo) || repo.includes('--') || repo.includes('..') || /(^|\/)[.-]|[.-]($|\/)/.test(repo)) {
    throw new UsageError(`"${repo}" is not a Hugging Face data set id; expected owner/name (letters, digits, "_", "-", "."), e.g. openai/gsm8k`);
  }
  if (split === '') throw new UsageError(`Hugging Face data set "${repo}": the split name is empty; name one, e.g. test`);
  if (config === '') throw new UsageError(`Hugging Face data set "${repo}": the config name is empty; pass null for the default config`);
  const env = process.env;
  const endpoint = (options.endpoint ?? env.HF_ENDPOINT ?? DEFAULT_HUB_ENDPOINT).replace(/\/+$/, '');
  if (!URL.canParse(endpoint) || !/^https?:$/.test(new URL(endpoint).protocol)) {
    throw new UsageError(`Hugging Face endpoint "${endpoint}" (option endpoint or HF_ENDPOINT) is not an http(s) URL; e.g. ${DEFAULT_HUB_ENDPOINT}`);
  }
  const token = options.token ?? (env.HF_TOKEN || undefined);
  const offline = options.offline ?? [env.HF_HUB_OFFLINE, env.HF_DATASETS_OFFLINE].some((v) => v !== undefined && TRUTHY.has(v.toLowerCase()));
  const requested = config ?? 'default';
  const revisionKey = options.revision === undefined ? 'parquet' : `rev-${segment(options.revision)}`;
  const dir = join(hubCacheDir(options), repo.replace('/', '--'), revisionKey, segment(requested), segment(split));
  const subject = `Hugging Face data set "${repo}", config "${requested}"${config === null ? ' (none named)' : ''}, split "${split}"${options.revision === undefined ? '' : `, revision "${options.revision}"`}`;
  return { repo, config, split, endpoint, token, fetch: options.fetch ?? globalThis.fetch, offline, revision: options.revision, retryDelayMs: options.retryDelayMs ?? 500, dir, subject };
}

/** A name as one path segment: "/" and "%" escaped, and never "." or "..". */
function segment(name: string): string {
  return encodeURIComponent(name).replace(/^\./, '%2E');
}

const MANIFEST_FILE = z.object({ name: z.string().regex(/^\d{4,}\.parquet$/), url: z.string(), size: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
const MANIFEST_SCHEMA = z.object({
  format: z.literal(1),
  repo: z.string(),
  requestedConfig: z.string().nullable(),
  config: z.string(),
  split: z.string(),
  revision: z.string().nullable(),
  endpoint: z.string(),
  hash: z.string(),
  files: z.array(MANIFEST_FILE),
});
type Manifest = z.infer<typeof MANIFEST_SCHEMA>;
type ManifestFile = z.infer<typeof MANIFEST_FILE>;

/** The cached split if its manifest is readable and every file still has the bytes it had when downloaded. */
async function readCache(ctx: Context): Promise<HubSplit | undefined> {
  let manifest: Manifest;
  try {
    const parsed = MANIFEST_SCHEMA.safeParse(JSON.parse(await readFile(join(ctx.dir, MANIFEST), 'utf8')));
    if (!parsed.success) return undefined;
    manifest = parsed.data;
  } catch {
    return undefined;
  }
  const files = manifest.files.map((entry) => join(ctx.dir, entry.name));
  for (const [i, file] of files.entries()) {
    const size = await stat(file).then((s) => s.size, () => -1);
    if (size !== manifest.files[i]!.size) return undefined;
  }
  const { perFile, combined } = await hashFiles(ctx, files);
  if (combined !== manifest.hash || perFile.some((sha, i) => sha !== manifest.files[i]!.sha256)) return undefined;
  return { files, hash: combined, config: manifest.config };
}

async function hashFiles(ctx: Context, files: readonly string[]): Promise<{ perFile: string[]; combined: string }> {
  const all = createHash('sha256');
  const perFile: string[] = [];
  for (const file of files) {
    const one = createHash('sha256');
    try {
      for await (const chunk of createReadStream(file)) {
        all.update(chunk as Buffer);
        one.update(chunk as Buffer);
      }
    } catch (error) {
      ioError(ctx, `cannot read the cached file ${file}`, error);
    }
    perFile.push(one.digest('hex'));
  }
  return { perFile, combined: all.digest('hex').slice(0, 12) };
}

/** Writes through a temporary file beside `file` and renames it into place, so `file` is whole or absent. */
async function writeAtomic<T>(ctx: Context, file: string, write: (handle: Awaited<ReturnType<typeof open>>) => Promise<T>): Promise<T> {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  let done = false;
  try {
    const handle = await open(tmp, 'w').catch((error: unknown) => ioError(ctx, `cannot write in the cache folder ${ctx.dir}`, error));
    let result: T;
    try {
      result = await write(handle);
    } finally {
      await handle.close();
    }
    await rename(tmp, file).catch((error: unknown) => ioError(ctx, `cannot move the download into ${file}`, error));
    done = true;
    return result;
  } finally {
    if (!done) await unlink(tmp).catch(() => undefined);
  }
}

function ioError(ctx: Context, what: string, error: unknown): never {
  throw new AssayError('IO', `${ctx.subject}: ${what}: ${reason(error, ctx)}`, { cause: error });
}

// ---- listing ---------------------------------------------------------------------------------

interface RemoteFile {
  url: string;
  /** Known from the tree API (the LFS oid); checked after the download. */
  sha256?: string;
}

const URL_LIST = z.array(z.url({ protocol: /^https?$/ }));
const ALL_SPLITS = z.record(z.string(), z.record(z.string(), URL_LIST));

/** GET /api/datasets/{repo}/parquet/{config}/{split} → shard URLs; when that finds nothing, the whole listing says what exists. */
async function listFromParquetApi(ctx: Context): Promise<{ config: string; files: RemoteFile[] }> {
  const config = ctx.config ?? 'default';
  const base = `${ctx.endpoint}/api/datasets/${ctx.repo}/parquet`;
  const response = await get(ctx, `${base}/${encodeURIComponent(config)}/${encodeURIComponent(ctx.split)}`);
  if (response.ok) {
    const urls = await json(ctx, response, URL_LIST);
    if (urls.length > 0) return { config, files: urls.map((url) => ({ url })) };
  } else if (response.status === 401 || response.status === 403) {
    return throwHttp(ctx, response, 'listing');
  } else {
    await response.body?.cancel();
  }
  const all = await get(ctx, base);
  if (!all.ok) return throwHttp(ctx, all, 'listing');
  const listing = new Map(Object.entries(await json(ctx, all, ALL_SPLITS)).map(([c, splits]) => [c, new Map(Object.entries(splits).map(([s, urls]) => [s, urls.map((url) => ({ url }))]))]));
  return pick(ctx, listing);
}

const TREE = z.array(z.object({ type: z.string(), path: z.string(), lfs: z.object({ oid: z.string() }).optional() }));

/** With a revision: GET /api/datasets/{repo}/tree/{revision}?recursive=true (following Link: next), files {config}/{split}/NNNN.parquet. */
async function listFromTree(ctx: Context): Promise<{ config: string; files: RemoteFile[] }> {
  const revision = encodeURIComponent(ctx.revision!);
  const listing: Listing = new Map();
  let url: string | undefined = `${ctx.endpoint}/api/datasets/${ctx.repo}/tree/${revision}?recursive=true`;
  while (url !== undefined) {
    const response = await get(ctx, url);
    if (!response.ok) return throwHttp(ctx, response, 'listing');
    for (const entry of (await json(ctx, response, TREE)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
      const parts = entry.path.split('/');
      if (entry.type !== 'file' || parts.length !== 3 || !parts[2]!.endsWith('.parquet')) continue;
      const [config, split] = parts as [string, string, string];
      const splits = listing.get(config) ?? new Map<string, RemoteFile[]>();
      listing.set(config, splits);
      const files = splits.get(split) ?? [];
      splits.set(split, files);
      const sha = entry.lfs?.oid;
      files.push({ url: `${ctx.endpoint}/datasets/${ctx.repo}/resolve/${revision}/${parts.map(encodeURIComponent).join('/')}`, ...(sha !== undefined && /^[0-9a-f]{64}$/.test(sha) ? { sha256: sha } : {}) });
    }
    url = nextLink(response.headers.get('link'));
  }
  return pick(ctx, listing);
}

type Listing = Map<string, Map<string, RemoteFile[]>>;

/** The split from a full listing, or an error saying which configs and splits exist. */
function pick(ctx: Context, listing: Listing): { config: string; files: RemoteFile[] } {
  const configs = [...listing.keys()];
  if (configs.length === 0) {
    throw new UsageError(`${ctx.subject}: the Hub lists no Parquet files for this data set (${PARQUET_BRANCH} is empty or missing); the dataset viewer converts public data sets it can read, so this one cannot be loaded from the Hub`);
  }
  let config = ctx.config ?? 'default';
  // datasets.load_dataset(path) without a name takes the only config there is.
  if (ctx.config === null && !listing.has(config)) {
    if (configs.length > 1) throw new UsageError(`${ctx.subject}: the data set has no "default" config; name one with dataset_name (configs: ${configs.join(', ')})`);
    config = configs[0]!;
  }
  const splits = listing.get(config);
  if (splits === undefined) throw new UsageError(`${ctx.subject}: ${unknownNameMessage('config', config, configs)}`);
  const files = splits.get(ctx.split);
  if (files === undefined || files.length === 0) {
    const names = [...splits.keys()];
    const partial = splits.has(`partial-${ctx.split}`) ? `; the Hub converted only the first 5 GB of it, as split "partial-${ctx.split}"` : '';
    throw new UsageError(`${ctx.subject}: ${unknownNameMessage(`split of config "${config}"`, ctx.split, names)}${partial}`);
  }
  return { config, files };
}

function nextLink(header: string | null): string | undefined {
  const match = header?.match(/<([^>]+)>;\s*rel="?next"?/);
  return match?.[1];
}

// ---- HTTP ------------------------------------------------------------------------------------

/** A failure worth another attempt: 5xx, 429, a connection that failed or a body cut short. */
class Transient extends Error {}

async function withRetries<T>(ctx: Context, what: string, attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof Transient)) throw error;
      if (n >= MAX_ATTEMPTS) throw new AssayError('IO', `${ctx.subject}: ${what} failed after ${MAX_ATTEMPTS} attempts: ${error.message}`, { cause: error.cause });
      await sleep(ctx.retryDelayMs * 2 ** (n - 1));
    }
  }
}

/** One request, retried; answers a final 2xx or 4xx response. The token goes only to the endpoint's origin. */
function get(ctx: Context, url: string): Promise<Response> {
  return withRetries(ctx, `GET ${pathOf(url)}`, () => send(ctx, url));
}

async function send(ctx: Context, url: string): Promise<Response> {
  const headers: Record<string, string> = { 'user-agent': `assay/${VERSION}` };
  if (ctx.token !== undefined && sameOrigin(url, ctx.endpoint)) headers.authorization = `Bearer ${ctx.token}`;
  let response: Response;
  try {
    response = await ctx.fetch(url, { headers, redirect: 'follow' });
  } catch (error) {
    throw new Transient(`cannot reach ${new URL(url).host} (${reason(error, ctx)}); check the network, or HF_ENDPOINT, or use HF_HUB_OFFLINE=1 with a filled cache`, { cause: error });
  }
  if (response.status >= 500 || response.status === 429) {
    await response.body?.cancel();
    throw new Transient(`HTTP ${response.status} from ${pathOf(url)}`);
  }
  return response;
}

async function json<T>(ctx: Context, response: Response, schema: z.ZodType<T>): Promise<T> {
  let value: unknown;
  try {
    value = await response.json();
  } catch (error) {
    throw new AssayError('IO', `${ctx.subject}: the Hub answered ${pathOf(response.url)} with something that is not JSON (${reason(error, ctx)})`, { cause: error });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AssayError('IO', `${ctx.subject}: unexpected answer from ${pathOf(response.url)}: ${parsed.error.issues[0]?.message ?? 'wrong shape'} at ${parsed.error.issues[0]?.path.join('.') || 'the top'}`);
  return parsed.data;
}

/** The error for a non-2xx answer, after huggingface_hub's hf_raise_for_status (X-Error-Code first, then the status). */
async function throwHttp(ctx: Context, response: Response, what: 'listing' | 'file'): Promise<never> {
  await response.body?.cancel();
  const code = response.headers.get('x-error-code');
  const page = `${ctx.endpoint}/datasets/${ctx.repo}`;
  const status = `HTTP ${response.status}`;
  if (code === 'GatedRepo') {
    throw new UsageError(
      ctx.token === undefined
        ? `${ctx.subject}: the data set is gated (${status}); set HF_TOKEN to a token of an account that accepted its conditions at ${page}`
        : `${ctx.subject}: the data set is gated and the token in HF_TOKEN has no access (${status}); accept its conditions at ${page} with that account`,
    );
  }
  if (code === 'RevisionNotFound') throw new UsageError(`${ctx.subject}: no revision "${ctx.revision}" (${status}); name a commit or branch of ${PARQUET_BRANCH}, or leave revision out`);
  if (what === 'file' && response.status === 404 && code !== 'RepoNotFound') {
    throw new AssayError('IO', `${ctx.subject}: the Hub listed ${pathOf(response.url)} but answers ${status} for it; the conversion may be being redone, try again later`);
  }
  if (code === 'RepoNotFound' || response.status === 404) {
    throw new UsageError(`${ctx.subject}: no such data set on ${ctx.endpoint} (${status}); check the owner/name as written on the Hub${ctx.token === undefined ? ', and set HF_TOKEN if it is private' : ''}`);
  }
  if (response.status === 401) {
    throw new UsageError(ctx.token === undefined ? `${ctx.subject}: the Hub asks for authentication (${status}); set HF_TOKEN` : `${ctx.subject}: the Hub rejected the token in HF_TOKEN (${status}); check that it is valid`);
  }
  if (response.status === 403) throw new UsageError(`${ctx.subject}: the token in HF_TOKEN may not read this data set (${status}); request access at ${page}`);
  throw new AssayError('IO', `${ctx.subject}: ${status} from ${pathOf(response.url)}`);
}

/** Bytes gathered before one write: fewer, larger writes than the network's ~64 KiB chunks. */
const WRITE_BATCH = 1 << 20;

/**
 * Streams one shard into place; a body cut short is retried from the start. `combined` hashes the
 * shards so far; a copy takes this one's bytes, so the split's hash needs no second read.
 */
async function download(ctx: Context, remote: RemoteFile, file: string, combined: Hash): Promise<{ size: number; sha256: string; combined: Hash }> {
  return withRetries(ctx, `downloading ${pathOf(remote.url)}`, async () => {
    const response = await send(ctx, remote.url);
    if (!response.ok) return throwHttp(ctx, response, 'file');
    // A decoded (gzip) body is longer than its Content-Length.
    const expected = response.headers.get('content-encoding') === null ? Number(response.headers.get('content-length') ?? NaN) : NaN;
    return writeAtomic(ctx, file, async (handle) => {
      const all = combined.copy();
      const one = createHash('sha256');
      let size = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      let head = Buffer.alloc(0);
      let tail = Buffer.alloc(0);
      const flush = async (): Promise<void> => {
        const batch = Buffer.concat(pending, pendingBytes);
        pending = [];
        pendingBytes = 0;
        await handle.write(batch).catch((error: unknown) => ioError(ctx, `cannot write ${file}`, error));
      };
      try {
        for await (const chunk of response.body ?? []) {
          const view = chunk as Uint8Array;
          const bytes = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
          if (head.length < 4) head = Buffer.concat([head, bytes.subarray(0, 4)]).subarray(0, 4);
          tail = Buffer.from(bytes.length >= 4 ? bytes.subarray(-4) : Buffer.concat([tail, bytes]).subarray(-4));
          one.update(bytes);
          all.update(bytes);
          size += bytes.length;
          pending.push(bytes);
          pendingBytes += bytes.length;
          if (pendingBytes >= WRITE_BATCH) await flush();
        }
      } catch (error) {
        if (error instanceof AssayError) throw error;
        throw new Transient(`the download of ${pathOf(remote.url)} was cut short after ${size} bytes (${reason(error, ctx)})`, { cause: error });
      }
      await flush();
      if (Number.isFinite(expected) && size !== expected) throw new Transient(`the download of ${pathOf(remote.url)} stopped at ${size} of ${expected} bytes`);
      if (head.toString('latin1') !== 'PAR1' || tail.toString('latin1') !== 'PAR1') {
        throw new AssayError('IO', `${ctx.subject}: ${pathOf(remote.url)} is not a Parquet file (${size} bytes without the PAR1 marks)`);
      }
      const sha256 = one.digest('hex');
      if (remote.sha256 !== undefined && sha256 !== remote.sha256) {
        throw new AssayError('IO', `${ctx.subject}: ${pathOf(remote.url)} has sha256 ${sha256}, but the Hub lists ${remote.sha256}; the download was removed`);
      }
      return { size, sha256, combined: all };
    });
  });
}

function sameOrigin(url: string, endpoint: string): boolean {
  return new URL(url).origin === new URL(endpoint).origin;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/** The innermost message of an error (undici wraps socket errors in `cause`), with the token blanked out. */
function reason(error: unknown, ctx: Context): string {
  let e: unknown = error;
  const parts: string[] = [];
  while (e instanceof Error && parts.length < 4) {
    const code = (e as { code?: unknown }).code;
    parts.push(typeof code === 'string' && !e.message.includes(code) ? `${e.message} ${code}` : e.message);
    e = e.cause;
  }
  const text = parts.length > 0 ? parts.join(': ') : String(error);
  return ctx.token === undefined ? text : text.split(ctx.token).join('***');
}
