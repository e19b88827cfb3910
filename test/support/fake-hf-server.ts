// A loopback stand-in for the Hugging Face Hub's Parquet endpoints, shaped like the real ones
// (huggingface.co/docs/dataset-viewer/parquet): /api/datasets/{repo}/parquet[/{config}[/{split}]],
// the shard URLs that redirect to /datasets/{repo}/resolve/refs%2Fconvert%2Fparquet/..., and the
// tree API. Access follows huggingface_hub's X-Error-Code contract (RepoNotFound, GatedRepo,
// RevisionNotFound); a fault queue injects 5xx, resets, bodies cut short and corrupted bytes.
import { createHash } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeHfDataset {
  /** config → split → shard bytes, in order. */
  configs: Record<string, Record<string, Buffer[]>>;
  /** Needs the server's token: 401 GatedRepo without one, 403 GatedRepo with another. */
  gated?: boolean;
  /** Hidden without the server's token: answers as an unknown repo. */
  private?: boolean;
}

export type HfFault = ({ kind: 'status'; status: number } | { kind: 'reset' } | { kind: 'cut' } | { kind: 'corrupt' }) & {
  /** Which requests the fault waits for: 'file' = shard bytes (resolve), 'api' = everything else; default any. */
  on?: 'api' | 'file';
};

export interface HfRequest {
  path: string;
  authorization: string | undefined;
}

export interface FakeHfServer {
  url: string;
  requests: HfRequest[];
  faults: HfFault[];
  datasets: Record<string, FakeHfDataset>;
  /** Base of the shard URLs the parquet API lists (default: this server), to test the token's origin rule. */
  fileBase: string;
  close(): Promise<void>;
}

/** The one commit of refs/convert/parquet the tree API knows besides the branch name. */
export const FAKE_PARQUET_COMMIT = '0123456789abcdef0123456789abcdef01234567';
const BRANCH = 'refs/convert/parquet';

export async function startFakeHfServer(options: { datasets: Record<string, FakeHfDataset>; token?: string; treePageSize?: number }): Promise<FakeHfServer> {
  const state: FakeHfServer = { url: '', requests: [], faults: [], datasets: options.datasets, fileBase: '', close: async () => {} };
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    const authorization = req.headers.authorization;
    state.requests.push({ path, authorization });
    const kind = path.startsWith('/datasets/') ? 'file' : 'api';
    const at = state.faults.findIndex((f) => f.on === undefined || f.on === kind);
    const fault = at >= 0 ? state.faults.splice(at, 1)[0] : undefined;
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      send(res, fault.status, { error: `injected ${fault.status}` });
      return;
    }
    route(state, options, req, res, path, authorization, fault);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}`;
  state.fileBase = state.url;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

function route(state: FakeHfServer, options: { token?: string; treePageSize?: number }, req: IncomingMessage, res: ServerResponse, path: string, authorization: string | undefined, fault: HfFault | undefined): void {
  const url = new URL(path, state.url);
  // Split before decoding: a revision is one %2F-escaped segment.
  const parts = url.pathname.split('/').slice(1);
  const api = parts[0] === 'api';
  const rest = api ? parts.slice(1) : parts;
  if (rest[0] !== 'datasets' || rest.length < 4) return send(res, 404, { error: 'Sorry, we can\'t find the page you are looking for.' });
  const repo = `${rest[1]}/${rest[2]}`;
  const dataset = state.datasets[repo];
  const valid = options.token !== undefined && authorization === `Bearer ${options.token}`;
  if (dataset === undefined || (dataset.private && !valid)) {
    return send(res, authorization === undefined ? 401 : 404, { error: 'Repository not found' }, { 'x-error-code': 'RepoNotFound' });
  }
  if (dataset.gated && !valid) {
    return send(res, authorization === undefined ? 401 : 403, { error: `Access to dataset ${repo} is restricted.` }, { 'x-error-code': 'GatedRepo' });
  }
  const [verb, ...args] = rest.slice(3).map(decodeURIComponent);
  if (api && verb === 'parquet') return parquetApi(state, res, repo, dataset, args);
  if (api && verb === 'tree') return tree(res, repo, dataset, args, url.searchParams, options.treePageSize, state.url);
  if (!api && verb === 'resolve') return resolveFile(res, dataset, args, fault);
  send(res, 404, { error: 'Not Found' });
}

function shardUrl(state: FakeHfServer, repo: string, config: string, split: string, i: number): string {
  return `${state.fileBase}/api/datasets/${repo}/parquet/${encodeURIComponent(config)}/${encodeURIComponent(split)}/${i}.parquet`;
}

function parquetApi(state: FakeHfServer, res: ServerResponse, repo: string, dataset: FakeHfDataset, args: string[]): void {
  const [config, split, shard] = args;
  const urls = (c: string, s: string): string[] => dataset.configs[c]![s]!.map((_, i) => shardUrl(state, repo, c, s, i));
  const splitsOf = (c: string): Record<string, string[]> => Object.fromEntries(Object.keys(dataset.configs[c]!).map((s) => [s, urls(c, s)]));
  if (config === undefined) return send(res, 200, Object.fromEntries(Object.keys(dataset.configs).map((c) => [c, splitsOf(c)])));
  if (dataset.configs[config] === undefined) return send(res, 404, { error: 'Not Found' });
  if (split === undefined) return send(res, 200, splitsOf(config));
  const shards = dataset.configs[config]![split];
  if (shards === undefined) return send(res, 404, { error: 'Not Found' });
  if (shard === undefined) return send(res, 200, urls(config, split));
  const i = Number(shard.replace(/\.parquet$/, ''));
  if (!Number.isInteger(i) || shards[i] === undefined) return send(res, 404, { error: 'Not Found' });
  // As on the Hub: the shard URL redirects to the file on the refs/convert/parquet branch.
  res.writeHead(302, { location: `/datasets/${repo}/resolve/${encodeURIComponent(BRANCH)}/${encodeURIComponent(config)}/${encodeURIComponent(split)}/${String(i).padStart(4, '0')}.parquet` });
  res.end();
}

function tree(res: ServerResponse, repo: string, dataset: FakeHfDataset, args: string[], query: URLSearchParams, pageSize: number | undefined, base: string): void {
  const [revision, ...dirs] = args;
  if (revision !== BRANCH && revision !== FAKE_PARQUET_COMMIT) return send(res, 404, { error: `Invalid rev id: ${revision}` }, { 'x-error-code': 'RevisionNotFound' });
  if (dirs.length > 0 || query.get('recursive') !== 'true') return send(res, 400, { error: 'the fake serves only the recursive listing of the root' });
  const entries: unknown[] = [{ type: 'file', oid: 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391', size: 2300, path: '.gitattributes' }];
  for (const [config, splits] of Object.entries(dataset.configs)) {
    entries.push({ type: 'directory', oid: '0'.repeat(40), size: 0, path: config });
    for (const [split, shards] of Object.entries(splits)) {
      entries.push({ type: 'directory', oid: '0'.repeat(40), size: 0, path: `${config}/${split}` });
      shards.forEach((bytes, i) => {
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        const path = `${config}/${split}/${String(i).padStart(4, '0')}.parquet`;
        entries.push({ type: 'file', oid: createHash('sha1').update(path).digest('hex'), size: bytes.length, lfs: { oid: sha256, size: bytes.length, pointerSize: 132 }, path });
      });
    }
  }
  const start = Number(query.get('cursor') ?? 0);
  const size = pageSize ?? entries.length;
  const headers: Record<string, string> = {};
  if (start + size < entries.length) {
    headers.link = `<${base}/api/datasets/${repo}/tree/${encodeURIComponent(revision)}?recursive=true&cursor=${start + size}>; rel="next"`;
  }
  send(res, 200, entries.slice(start, start + size), headers);
}

function resolveFile(res: ServerResponse, dataset: FakeHfDataset, args: string[], fault: HfFault | undefined): void {
  const [revision, config, split, name] = args;
  if (revision !== BRANCH && revision !== FAKE_PARQUET_COMMIT) return send(res, 404, { error: 'Revision not found' }, { 'x-error-code': 'RevisionNotFound' });
  const i = Number(name?.replace(/\.parquet$/, ''));
  const bytes = dataset.configs[config ?? '']?.[split ?? '']?.[i];
  if (bytes === undefined) return send(res, 404, { error: 'Entry not found' }, { 'x-error-code': 'EntryNotFound' });
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) });
  if (fault?.kind === 'cut') {
    // Headers promise the whole file; half arrives, then the connection drops.
    res.write(bytes.subarray(0, bytes.length >> 1), () => res.socket?.destroy());
    return;
  }
  if (fault?.kind === 'corrupt') {
    const copy = Buffer.from(bytes);
    copy[copy.length >> 1] ^= 0xff;
    res.end(copy);
    return;
  }
  res.end(bytes);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}
