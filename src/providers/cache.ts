// SQLite response cache (better-sqlite3, WAL, busy timeout), after lm-evaluation-harness's
// CachingLM: a hit returns the stored result with `cached: true`, a miss goes to the provider and
// is stored as it settles. Keys are SHA-256 over the provider id, its identity, the request kind
// and the whole request; sampling at temperature > 0 is stored only when a seed makes it
// repeatable. Failures are never cached.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { AssayError } from '../core/errors.js';
import { requireCapability, requireGenerateCapabilities } from './capabilities.js';
import type {
  CallOptions,
  EmbeddingResult,
  GenerateRequest,
  GenerateResult,
  LoglikelihoodRequest,
  LoglikelihoodResult,
  Provider,
  RollingRequest,
  RollingResult,
  Settled,
} from './types.js';

export const DEFAULT_CACHE_PATH = '.assay/cache.sqlite';
/** Bumped when the stored value format changes, so old rows stop matching. */
const CACHE_FORMAT = 1;

export type RequestKind = 'generate' | 'loglikelihood' | 'loglikelihoodRolling' | 'embed';

export interface CacheStats {
  path: string;
  entries: number;
  /** Size of the database pages (page_count x page_size), in bytes. */
  bytes: number;
  byProvider: Array<{ provider: string; kind: string; entries: number }>;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** JSON with object keys sorted and undefined members dropped, so equal requests hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): Json {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortKeys(v)));
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value as Json;
}

export function cacheKey(provider: Pick<Provider, 'id' | 'identity'>, kind: RequestKind, request: unknown): string {
  return createHash('sha256').update(canonicalJson([CACHE_FORMAT, provider.id, provider.identity, kind, request])).digest('hex');
}

/** Sampled generations are repeatable, hence cacheable, only with an explicit seed. */
export function isCacheable(kind: RequestKind, request: unknown): boolean {
  if (kind !== 'generate') return true;
  const r = request as GenerateRequest;
  return (r.temperature ?? 0) === 0 || r.seed !== undefined;
}

export class ResponseCache {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly getStmt: Database.Statement<[string], { value: string }>;
  private readonly putStmt: Database.Statement<[string, string, string, string, number]>;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.db = db;
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 10000');
    db.pragma('synchronous = NORMAL');
    db.exec(`CREATE TABLE IF NOT EXISTS responses (
      key TEXT PRIMARY KEY,
      provider TEXT NOT NULL,
      kind TEXT NOT NULL,
      value TEXT NOT NULL,
      created_at INTEGER NOT NULL
    ) WITHOUT ROWID`);
    this.getStmt = db.prepare('SELECT value FROM responses WHERE key = ?');
    this.putStmt = db.prepare('INSERT OR REPLACE INTO responses (key, provider, kind, value, created_at) VALUES (?, ?, ?, ?, ?)');
  }

  /** Opens (creating if needed) the cache at `path`; `:memory:` gives a private in-memory cache. */
  static open(path: string = DEFAULT_CACHE_PATH): ResponseCache {
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      return new ResponseCache(path, new Database(path));
    } catch (error) {
      throw new AssayError('IO', `cannot open the response cache ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  get(key: string): unknown {
    const row = this.getStmt.get(key);
    if (row === undefined) return undefined;
    try {
      return JSON.parse(row.value) as unknown;
    } catch {
      return undefined;
    }
  }

  put(key: string, provider: string, kind: RequestKind, value: unknown): void {
    this.putStmt.run(key, provider, kind, JSON.stringify(value), Date.now());
  }

  stats(): CacheStats {
    const entries = (this.db.prepare('SELECT count(*) AS n FROM responses').get() as { n: number }).n;
    const byProvider = this.db.prepare('SELECT provider, kind, count(*) AS entries FROM responses GROUP BY provider, kind ORDER BY provider, kind').all() as CacheStats['byProvider'];
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    return { path: this.path, entries, bytes: pages * pageSize, byProvider };
  }

  /** Deletes every entry (or one provider's); returns how many. */
  clear(provider?: string): number {
    const info = provider === undefined ? this.db.prepare('DELETE FROM responses').run() : this.db.prepare('DELETE FROM responses WHERE provider = ?').run(provider);
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    if (provider === undefined) this.db.exec('VACUUM');
    return info.changes;
  }

  close(): void {
    this.db.close();
  }
}

export interface WithCacheOptions {
  /** `--no-cache`: neither read nor write; the provider is returned unwrapped. */
  noCache?: boolean;
}

type Cached = { cached: boolean };

const warned = new Set<string>();
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.emitWarning(message);
}

/** Wraps any provider so that cacheable requests are answered from (and stored into) `cache`. */
export function withCache(provider: Provider, cache: ResponseCache | undefined, options: WithCacheOptions = {}): Provider {
  if (cache === undefined || options.noCache) return provider;

  async function through<R, T extends Cached>(kind: RequestKind, requests: readonly R[], call: (misses: R[], options: CallOptions) => Promise<Settled<T>[]>, options: CallOptions = {}): Promise<Settled<T>[]> {
    const results: Settled<T>[] = new Array(requests.length);
    const keys = requests.map((request) => (isCacheable(kind, request) ? cacheKey(provider, kind, request) : undefined));
    const misses: number[] = [];
    requests.forEach((_, i) => {
      const key = keys[i];
      const hit = key === undefined ? undefined : cache!.get(key);
      if (hit !== undefined && hit !== null && typeof hit === 'object') {
        results[i] = { ok: true, value: { ...(hit as Omit<T, 'cached'>), cached: true } as T };
        options.onSettled?.(i, results[i]);
      } else {
        misses.push(i);
      }
    });
    if (misses.length === 0) return results;
    const store = (j: number, result: Settled<T>) => {
      const key = keys[misses[j]];
      if (!result.ok || key === undefined) return;
      const { cached: _cached, ...value } = result.value;
      try {
        cache!.put(key, provider.id, kind, value);
      } catch (error) {
        // A cache that cannot be written (disk full, locked past the busy timeout) costs reuse, not the run.
        warnOnce(`assay: response cache ${cache!.path} not written: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    const live = await call(
      misses.map((i) => requests[i]),
      {
        ...options,
        onSettled: (j, result) => {
          store(j, result as Settled<T>);
          options.onSettled?.(misses[j], result);
        },
      },
    );
    live.forEach((result, j) => {
      results[misses[j]] = result;
    });
    return results;
  }

  return {
    id: provider.id,
    capabilities: provider.capabilities,
    identity: provider.identity,
    // Capabilities are checked here too, so a fully cached batch fails the same way a live one does.
    generate: async (requests: readonly GenerateRequest[], options?: CallOptions) => {
      requireGenerateCapabilities(provider, requests);
      return through<GenerateRequest, GenerateResult>('generate', requests, (r, o) => provider.generate(r, o), options);
    },
    loglikelihood: async (requests: readonly LoglikelihoodRequest[], options?: CallOptions) => {
      requireCapability(provider, 'loglikelihood');
      return through<LoglikelihoodRequest, LoglikelihoodResult>('loglikelihood', requests, (r, o) => provider.loglikelihood(r, o), options);
    },
    loglikelihoodRolling: async (requests: readonly RollingRequest[], options?: CallOptions) => {
      requireCapability(provider, 'loglikelihoodRolling');
      return through<RollingRequest, RollingResult>('loglikelihoodRolling', requests, (r, o) => provider.loglikelihoodRolling(r, o), options);
    },
    embed: async (texts: readonly string[], options?: CallOptions) => {
      requireCapability(provider, 'embeddings');
      return through<{ text: string }, EmbeddingResult>('embed', texts.map((text) => ({ text })), (r, o) => provider.embed(r.map((x) => x.text), o), options);
    },
    countTokens: (text: string) => provider.countTokens(text),
    ...(provider.check === undefined ? {} : { check: () => provider.check!() }),
    close: () => provider.close(),
  };
}
