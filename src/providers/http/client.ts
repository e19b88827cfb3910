// The one HTTP client every remote provider shares: JSON POSTs through undici (or global fetch,
// see transport.ts), an AIMD concurrency limit, a per-attempt timeout, retries with full-jitter backoff
// honouring Retry-After, and zod-checked bodies. Each call settles to a value or a
// RequestFailure; it never throws for anything the server or network does.
import { z } from 'zod';
import { ConfigError } from '../../core/errors.js';
import { AdaptiveLimiter, defaultSleep } from './limiter.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, backoffDelayMs, isRetryableStatus, parseRetryAfter } from './retry.js';
import type { RequestFailure, Settled } from '../types.js';
import { AssayError } from '../../core/errors.js';
import { type Transport, type TransportResponse, fetchTransport, getDefaultTransport } from './transport.js';

export interface HttpClientOptions {
  concurrency?: number;
  /** Per attempt: connect, headers and the whole body. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Headers built at send time (so API keys are read from the environment per request). */
  headers?: () => Record<string, string>;
  /** Values that must never appear in a failure message (API keys). */
  secrets?: () => readonly string[];
  /** Test seams: clock, sleep and jitter source. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Send through this fetch instead of the default transport. */
  fetch?: typeof fetch;
  transport?: Transport;
}

export interface HttpSuccess<T> {
  value: T;
  /** Wall time of the attempt that succeeded, in ms. */
  latencyMs: number;
  attempts: number;
}

/** Thrown by a body parser for a well-formed reply that can never be used (retrying would get the same): recorded at once. */
export class UnusableResponseError extends Error {
  override readonly name = 'UnusableResponseError';
}

/** A body parser from a zod schema; its one-line message names the fields that failed. */
export function parseWith<T>(schema: z.ZodType<T>): (json: unknown) => T {
  return (json) => {
    const result = schema.safeParse(json);
    if (!result.success) throw new Error(z.prettifyError(result.error));
    return result.data;
  };
}

type Attempt<T> = { ok: true; value: T; latencyMs: number } | { ok: false; failure: Omit<RequestFailure, 'attempts'>; retryable: boolean; retryAfterMs?: number };

const DEFAULT_TIMEOUT_MS = 120_000;
const BODY_SNIPPET = 200;

export class HttpClient {
  readonly limiter: AdaptiveLimiter;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  private readonly headers: () => Record<string, string>;
  private readonly secrets: () => readonly string[];
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private transport: Transport | undefined;
  private readonly fetchImpl: typeof fetch | undefined;

  constructor(options: HttpClientOptions = {}) {
    checkSetting('concurrency', options.concurrency, 1, true);
    checkSetting('timeoutMs', options.timeoutMs, 1, false);
    checkSetting('maxRetries', options.retry?.maxRetries, 0, true);
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.transport = options.transport ?? (options.fetch ? fetchTransport(options.fetch) : undefined);
    this.limiter = new AdaptiveLimiter(options.concurrency ?? 8, this.now, this.sleep);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.headers = options.headers ?? (() => ({}));
    this.secrets = options.secrets ?? (() => []);
    this.fetchImpl = options.fetch;
  }

  /**
   * Fails fast when the server cannot be reached or refuses the credentials: one GET of `url`
   * (no retries). Any other HTTP answer, even 404 from a server without that route, counts as
   * reachable. Used before a run starts so a wrong URL is not discovered sample by sample.
   */
  async probe(url: string, what: string, timeoutMs = 10_000): Promise<void> {
    const redact = (text: string) => this.secrets().reduce((t, secret) => (secret === '' ? t : t.split(secret).join('[redacted]')), text);
    let status: number;
    try {
      const response = await (this.fetchImpl ?? fetch)(url, { method: 'GET', headers: this.headers(), signal: AbortSignal.timeout(timeoutMs) });
      status = response.status;
      await response.body?.cancel();
    } catch (error) {
      const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      throw new AssayError('PROVIDER', `cannot reach ${what} at ${redact(url)}: ${redact(cause)}; is the server running and the URL right?`, { cause: error });
    }
    if (status === 401 || status === 403) {
      throw new AssayError('PROVIDER', `${what}: the server at ${redact(url)} refused the credentials (HTTP ${status}); check the API key variable`);
    }
  }

  /** How many requests of a batch to start at once: twice the limit, so requests sleeping in a backoff do not leave the limiter idle. */
  get batchWidth(): number {
    return this.limiter.max * 2;
  }

  /** POSTs `body` as JSON and parses the reply with `parse` (which throws on a malformed body). */
  async postJson<T>(url: string, body: unknown, parse: (json: unknown) => T, signal?: AbortSignal): Promise<Settled<HttpSuccess<T>>> {
    const payload = JSON.stringify(body);
    for (let attempt = 1; ; attempt++) {
      let seq: number;
      try {
        seq = await this.limiter.acquire(signal);
      } catch {
        return this.fail({ code: 'internal', message: `request to ${pathOf(url)} aborted by the caller` }, attempt - 1);
      }
      let outcome: Attempt<T>;
      try {
        outcome = await this.attempt(url, payload, parse, signal);
      } finally {
        this.limiter.release();
      }
      if (outcome.ok) {
        this.limiter.onSuccess();
        return { ok: true, value: { value: outcome.value, latencyMs: outcome.latencyMs, attempts: attempt } };
      }
      if (outcome.failure.code === 'rate_limited') this.limiter.onRateLimited(seq, outcome.retryAfterMs);
      if (!outcome.retryable || attempt > this.retry.maxRetries) return this.fail(outcome.failure, attempt);
      if (outcome.retryAfterMs !== undefined && outcome.retryAfterMs > this.retry.maxRetryAfterMs) {
        return this.fail({ ...outcome.failure, message: `${outcome.failure.message}; the server asked to wait ${outcome.retryAfterMs} ms, more than maxRetryAfterMs ${this.retry.maxRetryAfterMs}` }, attempt);
      }
      const delay = outcome.retryAfterMs ?? backoffDelayMs(attempt - 1, this.retry, this.random);
      try {
        await this.sleep(delay, signal);
      } catch {
        return this.fail({ code: 'internal', message: `request to ${pathOf(url)} aborted by the caller` }, attempt);
      }
    }
  }

  private async attempt<T>(url: string, payload: string, parse: (json: unknown) => T, callerSignal?: AbortSignal): Promise<Attempt<T>> {
    const path = pathOf(url);
    this.transport ??= await getDefaultTransport();
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.timeoutMs);
    // The caller's (long-lived) signal is forwarded by a listener removed in `finally`:
    // AbortSignal.any keeps every combined signal registered on the caller's (nodejs/node#55351),
    // one per request for the life of a run.
    const request = new AbortController();
    const forward = () => request.abort();
    timeout.signal.addEventListener('abort', forward, { once: true });
    if (callerSignal?.aborted) request.abort();
    else callerSignal?.addEventListener('abort', forward, { once: true });
    const signal = request.signal;
    const started = performance.now();
    const aborted = (): Attempt<T> | undefined => {
      if (callerSignal?.aborted) return { ok: false, failure: { code: 'internal', message: `request to ${path} aborted by the caller` }, retryable: false };
      if (timeout.signal.aborted) return { ok: false, failure: { code: 'timeout', message: `no complete response from ${path} within ${this.timeoutMs} ms` }, retryable: true };
      return undefined;
    };
    try {
      let response: TransportResponse;
      try {
        response = await this.transport(url, { headers: { 'content-type': 'application/json', ...this.headers() }, body: payload, signal });
      } catch (error) {
        return aborted() ?? { ok: false, failure: { code: 'connection', message: `connection to ${path} failed: ${networkReason(error)}` }, retryable: true };
      }
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        return aborted() ?? { ok: false, failure: { code: 'bad_response', message: `response from ${path} was truncated (HTTP ${response.status}): ${networkReason(error)}`, status: response.status }, retryable: true };
      }
      const latencyMs = performance.now() - started;
      const status = response.status;
      if (status === 429) {
        return { ok: false, failure: { code: 'rate_limited', message: `rate limited by ${path} (HTTP 429)${snippet(text)}`, status }, retryable: true, retryAfterMs: parseRetryAfter(response.header('retry-after'), this.now()) };
      }
      if (status >= 400) {
        const retryable = isRetryableStatus(status);
        const code = status >= 500 ? 'server_error' : 'client_error';
        return { ok: false, failure: { code, message: `HTTP ${status} from ${path}${snippet(text)}`, status }, retryable, retryAfterMs: retryable ? parseRetryAfter(response.header('retry-after'), this.now()) : undefined };
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return { ok: false, failure: { code: 'bad_response', message: `malformed JSON from ${path} (HTTP ${status}, ${text.length} chars)${snippet(text)}`, status }, retryable: true };
      }
      try {
        return { ok: true, value: parse(json), latencyMs };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return { ok: false, failure: { code: 'bad_response', message: `unexpected response from ${path}: ${oneLine(reason)}`, status }, retryable: !(error instanceof UnusableResponseError) };
      }
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', forward);
    }
  }

  private fail(failure: Omit<RequestFailure, 'attempts'>, attempts: number): Settled<never> {
    let message = failure.message;
    for (const secret of this.secrets()) if (secret.length > 0) message = message.split(secret).join('[redacted]');
    return { ok: false, error: { ...failure, message, attempts } };
  }
}

function checkSetting(field: string, value: number | undefined, min: number, integer: boolean): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new ConfigError(`provider setting ${field} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got ${value}`, { field });
  }
}

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url;
  }
}

function networkReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    return typeof code === 'string' ? `${code} (${oneLine(cause.message)})` : oneLine(cause.message);
  }
  return oneLine(error.message);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function snippet(text: string): string {
  const t = oneLine(text);
  if (t === '') return '';
  return `: ${t.length > BODY_SNIPPET ? `${t.slice(0, BODY_SNIPPET)}…` : t}`;
}
