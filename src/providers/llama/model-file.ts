// Where a `llama:` model id's GGUF file comes from: a path, a bare name in the models
// directory, or `hf:owner/repo[@revision]/path/file.gguf` downloaded from the Hugging Face Hub
// into that directory (the hub's /resolve/ URL, checked against the sha256 the hub publishes
// for LFS files in X-Linked-ETag, as huggingface_hub does), plus the file's sha256 for identity.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AssayError } from '../../core/errors.js';

export const DEFAULT_HF_ENDPOINT = 'https://huggingface.co';

/** The models directory: config (flag or file), else ASSAY_MODELS_DIR, else ~/.cache/assay/models. */
export function modelsDirectory(configured?: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(configured ?? env.ASSAY_MODELS_DIR ?? join(homedir(), '.cache', 'assay', 'models'));
}

export interface HfReference {
  owner: string;
  repo: string;
  revision: string;
  file: string;
  /** Expected sha256 given in the id as `#sha256=HEX` (else the hub's X-Linked-ETag is used). */
  sha256?: string;
}

const HF_REF = /^hf:([A-Za-z0-9][\w.-]*)\/([\w.-]+?)(?:@([\w.-]+))?\/(.+?\.gguf)(?:#sha256=([0-9a-fA-F]{64}))?$/;

/** Parses `hf:owner/repo[@revision]/path/file.gguf[#sha256=HEX]`; null when the id is not an hf: reference. */
export function parseHfReference(model: string): HfReference | null {
  if (!model.startsWith('hf:')) return null;
  const m = HF_REF.exec(model);
  if (!m || m[4].split('/').some((part) => part === '..' || part === '')) {
    throw new AssayError('USAGE', `model "${model}": expected hf:OWNER/REPO[@REVISION]/PATH/FILE.gguf[#sha256=HEX] (e.g. hf:ggml-org/models/tinyllamas/stories260K.gguf)`);
  }
  const ref: HfReference = { owner: m[1], repo: m[2], revision: m[3] ?? 'main', file: m[4] };
  if (m[5] !== undefined) ref.sha256 = m[5].toLowerCase();
  return ref;
}

function looksLikePath(model: string): boolean {
  return isAbsolute(model) || model.startsWith('.') || model.includes('/') || model.includes(sep);
}

/**
 * Resolves a `llama:` model to a local GGUF file: an existing path, a name (with or without
 * `.gguf`) in the models directory, or an hf: reference (downloaded on first use).
 */
export async function resolveModelFile(model: string, options: { modelsDir?: string; env?: NodeJS.ProcessEnv; fetchImpl?: typeof fetch } = {}): Promise<string> {
  const env = options.env ?? process.env;
  const dir = modelsDirectory(options.modelsDir, env);
  const hf = parseHfReference(model);
  if (hf) return downloadHfModel(hf, dir, { endpoint: env.ASSAY_HF_ENDPOINT, fetchImpl: options.fetchImpl });
  const candidates = looksLikePath(model) ? [resolve(model)] : [join(dir, model), ...(model.endsWith('.gguf') ? [] : [join(dir, `${model}.gguf`)])];
  for (const candidate of candidates) {
    if (await isFile(candidate)) return candidate;
  }
  const where = looksLikePath(model)
    ? `file ${candidates[0]} does not exist`
    : `no ${candidates.map((c) => c.slice(dir.length + 1)).join(' or ')} in the models directory ${dir} (set it with --models-dir, the modelsDir config key or ASSAY_MODELS_DIR, or give a path)`;
  throw new AssayError('IO', `llama model "${model}": ${where}`);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Where an hf: reference lives in the models directory. */
export function hfCachePath(ref: HfReference, modelsDir: string): string {
  return join(modelsDir, 'hf', ref.owner, ref.repo, ref.revision, ...ref.file.split('/'));
}

/**
 * Downloads an hf: reference into the models directory unless it is already there: streams to a
 * temporary file while hashing, checks the sha256, then renames into place (so a partial or
 * corrupt download is never found under the final name).
 */
export async function downloadHfModel(ref: HfReference, modelsDir: string, options: { endpoint?: string; fetchImpl?: typeof fetch } = {}): Promise<string> {
  const dest = hfCachePath(ref, modelsDir);
  if (await isFile(dest)) return dest;
  const endpoint = (options.endpoint ?? DEFAULT_HF_ENDPOINT).replace(/\/+$/, '');
  const url = `${endpoint}/${ref.owner}/${ref.repo}/resolve/${encodeURIComponent(ref.revision)}/${ref.file.split('/').map(encodeURIComponent).join('/')}`;
  const label = `hf:${ref.owner}/${ref.repo}/${ref.file}`;
  const doFetch = options.fetchImpl ?? fetch;
  let response: Response;
  let published: string | undefined;
  try {
    // The hub answers /resolve/ with the LFS object's sha256 in X-Linked-ETag and, for large
    // files, a redirect to a CDN: read the header before following (as huggingface_hub does).
    response = await doFetch(url, { redirect: 'manual' });
    published = sha256Header(response.headers);
    for (let hops = 0; response.status >= 300 && response.status < 400 && hops < 5; hops++) {
      const location = response.headers.get('location');
      if (location === null) break;
      await response.body?.cancel();
      response = await doFetch(new URL(location, url), { redirect: 'follow' });
      published ??= sha256Header(response.headers);
    }
  } catch (error) {
    throw new AssayError('PROVIDER', `downloading ${label} from ${url} failed: ${(error as Error).message}`, { cause: error });
  }
  if (!response.ok || response.body === null) {
    throw new AssayError('PROVIDER', `downloading ${label} from ${url}: HTTP ${response.status}${response.status === 404 ? ' (no such repository, revision or file)' : ''}`);
  }
  const expected = ref.sha256 ?? published;
  if (expected === undefined) {
    await response.body.cancel();
    throw new AssayError('PROVIDER', `downloading ${label}: the server published no sha256 (X-Linked-ETag) to check it against; add #sha256=HEX to the model id`);
  }
  await mkdir(dirname(dest), { recursive: true });
  const temp = `${dest}.${process.pid}.${randomBytes(4).toString('hex')}.part`;
  const hash = createHash('sha256');
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), hashing, createWriteStream(temp));
    const actual = hash.digest('hex');
    if (actual !== expected) {
      throw new AssayError('IO', `downloading ${label}: sha256 ${actual} does not match the expected ${expected}; the file was discarded`);
    }
    await rename(temp, dest);
  } catch (error) {
    await rm(temp, { force: true });
    if (error instanceof AssayError) throw error;
    throw new AssayError('PROVIDER', `downloading ${label} from ${url} failed: ${(error as Error).message}`, { cause: error });
  }
  return dest;
}

function sha256Header(headers: Headers): string | undefined {
  return [headers.get('x-linked-etag'), headers.get('etag')].map((v) => v?.replace(/^W\//, '').replace(/"/g, '').toLowerCase()).find((v) => v !== undefined && /^[0-9a-f]{64}$/.test(v));
}

const shaCache = new Map<string, Promise<string>>();

/** sha256 of a file, computed once per (path, size, mtime). */
export async function fileSha256(path: string): Promise<string> {
  const info = await stat(path);
  const key = `${resolve(path)}\0${info.size}\0${info.mtimeMs}`;
  let pending = shaCache.get(key);
  if (pending === undefined) {
    pending = (async () => {
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
      return hash.digest('hex');
    })();
    shaCache.set(key, pending);
    pending.catch(() => shaCache.delete(key));
  }
  return pending;
}
