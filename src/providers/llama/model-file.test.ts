import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssayError } from '../../core/errors.js';
import { sharedPath } from '../../../test/support/shared.js';
import { fileSha256, hfCachePath, modelsDirectory, parseHfReference, resolveModelFile } from './model-file.js';

const MODEL = sharedPath('models', 'stories260K.gguf');
const SHA256 = '270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d';

async function thrown(call: () => Promise<unknown>): Promise<AssayError> {
  try {
    await call();
  } catch (error) {
    if (error instanceof AssayError) return error;
    throw error;
  }
  throw new Error('expected an AssayError');
}

describe('llama model files', () => {
  let server: Server;
  let endpoint: string;
  let cache: string;
  const requests: string[] = [];

  beforeAll(async () => {
    const bytes = readFileSync(MODEL);
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === '/ggml-org/models/resolve/main/tinyllamas/stories260K.gguf') {
        res.writeHead(200, { 'content-length': bytes.length, 'x-linked-etag': `"${SHA256}"` });
        res.end(bytes);
      } else if (req.url === '/ggml-org/models/resolve/main/redirected.gguf') {
        // As the hub does for LFS files: the checksum on the redirect, the bytes at the CDN.
        res.writeHead(302, { location: '/cdn/blob?sig=1', 'x-linked-etag': `"${SHA256}"` });
        res.end();
      } else if (req.url === '/cdn/blob?sig=1') {
        res.writeHead(200, { etag: '"not-a-sha"' });
        res.end(bytes);
      } else if (req.url === '/ggml-org/models/resolve/main/tinyllamas/corrupt.gguf') {
        res.writeHead(200, { 'x-linked-etag': `"${SHA256}"` });
        res.end(bytes.subarray(0, 1000));
      } else if (req.url === '/ggml-org/models/resolve/main/tinyllamas/nosum.gguf') {
        res.writeHead(200);
        res.end(bytes);
      } else {
        res.writeHead(404);
        res.end('not found');
      }
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    cache = await mkdtemp(join(tmpdir(), 'assay-models-'));
  });
  afterAll(async () => {
    await new Promise<void>((done) => server.close(() => done()));
    await rm(cache, { recursive: true, force: true });
  });

  it('hashes the model file (the sha256 its README publishes)', async () => {
    expect(await fileSha256(MODEL)).toBe(SHA256);
    expect(createHash('sha256').update(readFileSync(MODEL)).digest('hex')).toBe(SHA256);
  });

  it('resolves a path, and a bare name with or without .gguf in the models directory', async () => {
    expect(await resolveModelFile(MODEL)).toBe(MODEL);
    expect(await resolveModelFile('stories260K.gguf', { modelsDir: sharedPath('models') })).toBe(MODEL);
    expect(await resolveModelFile('stories260K', { env: { ASSAY_MODELS_DIR: sharedPath('models') } })).toBe(MODEL);
    expect(modelsDirectory(undefined, { HOME: '/h' })).toMatch(/\.cache\/assay\/models$/);
  });

  it('names the path and the models directory searched when a model is missing', async () => {
    const byName = await thrown(() => resolveModelFile('nope.gguf', { modelsDir: cache }));
    expect(byName.code).toBe('IO');
    expect(byName.message).toBe(`llama model "nope.gguf": no nope.gguf in the models directory ${cache} (set it with --models-dir, the modelsDir config key or ASSAY_MODELS_DIR, or give a path)`);
    const byPath = await thrown(() => resolveModelFile(join(cache, 'x.gguf')));
    expect(byPath.message).toBe(`llama model "${join(cache, 'x.gguf')}": file ${join(cache, 'x.gguf')} does not exist`);
  });

  it('parses hf: references', () => {
    expect(parseHfReference('hf:ggml-org/models/tinyllamas/stories260K.gguf')).toEqual({ owner: 'ggml-org', repo: 'models', revision: 'main', file: 'tinyllamas/stories260K.gguf' });
    expect(parseHfReference(`hf:o/r@v1.0/f.gguf#sha256=${SHA256.toUpperCase()}`)).toEqual({ owner: 'o', repo: 'r', revision: 'v1.0', file: 'f.gguf', sha256: SHA256 });
    expect(parseHfReference('stories260K.gguf')).toBeNull();
    expect(() => parseHfReference('hf:o/r/../x.gguf')).toThrow(/expected hf:OWNER\/REPO/);
  });

  it('downloads an hf: reference once into the models directory, checked against X-Linked-ETag', async () => {
    const env = { ASSAY_HF_ENDPOINT: endpoint };
    const id = 'hf:ggml-org/models/tinyllamas/stories260K.gguf';
    const path = await resolveModelFile(id, { modelsDir: cache, env });
    expect(path).toBe(join(cache, 'hf', 'ggml-org', 'models', 'main', 'tinyllamas', 'stories260K.gguf'));
    expect(path).toBe(hfCachePath(parseHfReference(id)!, cache));
    expect(await fileSha256(path)).toBe(SHA256);
    const served = requests.length;
    expect(await resolveModelFile(id, { modelsDir: cache, env })).toBe(path);
    expect(requests.length).toBe(served);
  });

  it('reads the checksum from the hub redirect and the bytes from where it points', async () => {
    const path = await resolveModelFile('hf:ggml-org/models/redirected.gguf', { modelsDir: cache, env: { ASSAY_HF_ENDPOINT: endpoint } });
    expect(path).toBe(join(cache, 'hf', 'ggml-org', 'models', 'main', 'redirected.gguf'));
    expect(await fileSha256(path)).toBe(SHA256);
  });

  it('discards a download whose sha256 does not match, and one with no checksum at all', async () => {
    const env = { ASSAY_HF_ENDPOINT: endpoint };
    const corrupt = await thrown(() => resolveModelFile('hf:ggml-org/models/tinyllamas/corrupt.gguf', { modelsDir: cache, env }));
    expect(corrupt.code).toBe('IO');
    expect(corrupt.message).toMatch(new RegExp(`^downloading hf:ggml-org/models/tinyllamas/corrupt.gguf: sha256 [0-9a-f]{64} does not match the expected ${SHA256}; the file was discarded$`));
    expect((await readdir(join(cache, 'hf', 'ggml-org', 'models', 'main', 'tinyllamas'))).sort()).toEqual(['stories260K.gguf']);
    const nosum = await thrown(() => resolveModelFile('hf:ggml-org/models/tinyllamas/nosum.gguf', { modelsDir: cache, env }));
    expect(nosum.message).toMatch(/published no sha256/);
    // An explicit checksum in the id is enough.
    const explicit = await resolveModelFile(`hf:ggml-org/models/tinyllamas/nosum.gguf#sha256=${SHA256}`, { modelsDir: cache, env });
    expect(await fileSha256(explicit)).toBe(SHA256);
    const missing = await thrown(() => resolveModelFile('hf:ggml-org/models/none.gguf', { modelsDir: cache, env }));
    expect(missing.code).toBe('PROVIDER');
    expect(missing.message).toBe(`downloading hf:ggml-org/models/none.gguf from ${endpoint}/ggml-org/models/resolve/main/none.gguf: HTTP 404 (no such repository, revision or file)`);
  });
});
