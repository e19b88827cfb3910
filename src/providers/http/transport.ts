// How bytes move: undici's `request` (the fast path; Node 20's global fetch is the same undici
// behind the WHATWG Response machinery and measured ~4x slower per request in
// bench/http-provider.ts), falling back to global fetch when the undici package is not installed.
// The client above adds timeouts, retries and validation; a transport only sends and reads.

export interface TransportResponse {
  status: number;
  header(name: string): string | undefined;
  /** Reads the whole body; rejects when the connection ends before Content-Length bytes arrive. */
  text(): Promise<string>;
}

export interface TransportRequest {
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}

/** POSTs a body; rejects on connection failures and aborts. */
export type Transport = (url: string, request: TransportRequest) => Promise<TransportResponse>;

export function fetchTransport(fetchImpl: typeof fetch = fetch): Transport {
  return async (url, request) => {
    const response = await fetchImpl(url, { method: 'POST', headers: request.headers, body: request.body, signal: request.signal });
    return { status: response.status, header: (name) => response.headers.get(name) ?? undefined, text: () => response.text() };
  };
}

type UndiciRequest = typeof import('undici').request;

function undiciTransport(request: UndiciRequest): Transport {
  return async (url, init) => {
    const response = await request(url, { method: 'POST', headers: init.headers, body: init.body, signal: init.signal });
    return {
      status: response.statusCode,
      header: (name) => {
        const value = response.headers[name.toLowerCase()];
        return Array.isArray(value) ? value[0] : value;
      },
      text: () => response.body.text(),
    };
  };
}

let defaultTransport: Promise<Transport> | undefined;

/** undici when it can be loaded, else global fetch; resolved once per process. */
export function getDefaultTransport(): Promise<Transport> {
  defaultTransport ??= import('undici').then(
    (undici) => undiciTransport(undici.request),
    () => fetchTransport(),
  );
  return defaultTransport;
}
