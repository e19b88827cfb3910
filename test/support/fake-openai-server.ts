// A loopback OpenAI-compatible server for tests and benchmarks: /v1/completions (with echo and
// logprobs, like vLLM), /v1/chat/completions, /v1/embeddings, answered by a tiny deterministic
// "model" whose numbers a test can write down by hand. A fault queue injects 429 + Retry-After,
// 5xx, stalls, connection resets, malformed JSON, truncated bodies and wrong shapes.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string; body?: unknown }
  | { kind: 'stall'; ms?: number }
  | { kind: 'reset' }
  | { kind: 'malformed' }
  | { kind: 'truncated' }
  | { kind: 'wrong-shape' };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface LoopbackServer {
  /** Base URL ending in /v1. */
  url: string;
  requests: RecordedRequest[];
  /** Faults applied to the next requests, one each, in arrival order. */
  faults: Fault[];
  /** Faults chosen per request (after the queue is empty), e.g. for one poisoned prompt. */
  faultFor?: (request: RecordedRequest) => Fault | undefined;
  close(): Promise<void>;
}

export type Route = (request: RecordedRequest) => { status: number; body: unknown };

// ---- the fake model --------------------------------------------------------------------------

/** Words with their leading whitespace: "a  bc" → ["a", "  bc"]. */
export function fakeTokenize(text: string): string[] {
  return text.match(/\s*\S+|\s+/gu) ?? [];
}

function cpLen(text: string): number {
  return Array.from(text).length;
}

/** Every token's logprob: -1/8 per code point (exact in binary, so sums are exact). */
export function fakeLogprob(token: string): number {
  return -0.125 * cpLen(token);
}

/** Alternatives per position, best first: the token itself and " the" (-0.5), which wins over tokens longer than 4 code points. */
export function fakeTop(token: string, n: number): Record<string, number> {
  const candidates: Array<[string, number]> = [[token, fakeLogprob(token)]];
  if (token !== ' the') candidates.push([' the', -0.5]);
  if (token !== ' a') candidates.push([' a', -1]);
  candidates.sort((a, b) => b[1] - a[1]);
  return Object.fromEntries(candidates.slice(0, Math.max(1, n)));
}

/** The fake model's answer: "echo: " + the prompt, cut at a stop sequence or after maxTokens tokens. */
export function fakeGenerate(prompt: string, maxTokens: number, stop: readonly string[] = []): { text: string; finish: 'stop' | 'length'; tokens: string[] } {
  let text = `echo: ${prompt}`;
  let finish: 'stop' | 'length' = 'stop';
  for (const s of stop) {
    const at = text.indexOf(s);
    if (at >= 0) text = text.slice(0, at);
  }
  let tokens = fakeTokenize(text);
  if (tokens.length > maxTokens) {
    tokens = tokens.slice(0, maxTokens);
    text = tokens.join('');
    finish = 'length';
  }
  return { text, finish, tokens };
}

// ---- the server --------------------------------------------------------------------------------

export async function startLoopbackServer(route: Route): Promise<LoopbackServer> {
  const state: LoopbackServer = { url: '', requests: [], faults: [], close: async () => {} };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: unknown;
      try {
        body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
      } catch {
        send(res, 400, { error: { message: 'request body is not JSON' } });
        return;
      }
      const recorded: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      state.requests.push(recorded);
      const fault = state.faults.shift() ?? state.faultFor?.(recorded);
      if (fault) {
        applyFault(fault, res, () => respond(route, recorded, res));
        return;
      }
      respond(route, recorded, res);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}/v1`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

function respond(route: Route, request: RecordedRequest, res: ServerResponse): void {
  const { status, body } = route(request);
  send(res, status, body);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

function applyFault(fault: Fault, res: ServerResponse, normal: () => void): void {
  switch (fault.kind) {
    case 'status':
      send(res, fault.status, fault.body ?? { error: { message: `injected HTTP ${fault.status}` } }, fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter });
      return;
    case 'stall':
      // Hold the response; answer normally after `ms` (if the client is still there), or never.
      if (fault.ms !== undefined) setTimeout(normal, fault.ms).unref();
      return;
    case 'reset':
      res.socket?.destroy();
      return;
    case 'malformed':
      send(res, 200, '{"id": "cmpl-1", "choices": [{"text": "he');
      return;
    case 'truncated': {
      const full = JSON.stringify({ id: 'cmpl-1', choices: [{ text: 'a complete answer that never arrives', finish_reason: 'stop' }] });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(full)) });
      res.write(full.slice(0, 20), () => res.socket?.destroy());
      return;
    }
    case 'wrong-shape':
      send(res, 200, { id: 'cmpl-1', object: 'text_completion', result: 'no choices here' });
      return;
  }
}

// ---- OpenAI-compatible routes ------------------------------------------------------------------

export interface FakeOpenAIOptions {
  /** When set, requests must carry `Authorization: Bearer <key>`; a wrong key gets a 401 that echoes it. */
  apiKey?: string;
  /** Echo a BOS token "<s>" (no logprob) before the prompt, as vLLM does for Llama tokenizers. */
  bos?: boolean;
}

interface CompletionBody {
  model?: string;
  prompt?: string;
  messages?: Array<{ role: string; content: string }>;
  max_tokens?: number;
  stop?: string[];
  echo?: boolean;
  logprobs?: number | boolean;
  top_logprobs?: number;
  input?: string[];
}

function completionLogprobs(tokens: string[], start: number, n: number, firstUnscored: boolean) {
  const offsets: number[] = [];
  let at = start;
  for (const t of tokens) {
    offsets.push(at);
    at += cpLen(t);
  }
  return {
    tokens,
    token_logprobs: tokens.map((t, i) => (firstUnscored && i === 0 ? null : fakeLogprob(t))),
    top_logprobs: tokens.map((t, i) => (firstUnscored && i === 0 ? null : fakeTop(t, n))),
    text_offset: offsets,
  };
}

export function openAIRoute(options: FakeOpenAIOptions = {}): Route {
  return (request) => {
    if (options.apiKey !== undefined) {
      const auth = String(request.headers.authorization ?? '');
      if (auth !== `Bearer ${options.apiKey}`) return { status: 401, body: { error: { message: `Incorrect API key provided: ${auth.replace(/^Bearer /, '')}`, type: 'invalid_request_error' } } };
    }
    const body = (request.body ?? {}) as CompletionBody;
    const model = body.model ?? 'fake';
    if (request.path === '/v1/completions' && typeof body.prompt === 'string') {
      const prompt = body.prompt;
      const maxTokens = body.max_tokens ?? 16;
      const n = typeof body.logprobs === 'number' ? body.logprobs : 0;
      const promptTokens = fakeTokenize(prompt);
      if (body.echo) {
        // vLLM-style echo: [BOS,] the prompt's tokens (the first token unscored), then max_tokens generated " the".
        const generated = Array.from({ length: maxTokens }, () => ' the');
        const all = [...(options.bos ? ['<s>'] : []), ...promptTokens, ...generated];
        return {
          status: 200,
          body: {
            id: 'cmpl-echo',
            object: 'text_completion',
            model,
            choices: [{ index: 0, text: all.join(''), finish_reason: 'length', logprobs: body.logprobs === undefined ? null : completionLogprobs(all, 0, n, true) }],
            usage: { prompt_tokens: promptTokens.length, completion_tokens: maxTokens, total_tokens: promptTokens.length + maxTokens },
          },
        };
      }
      const out = fakeGenerate(prompt, maxTokens, body.stop);
      return {
        status: 200,
        body: {
          id: 'cmpl-1',
          object: 'text_completion',
          model,
          choices: [{ index: 0, text: out.text, finish_reason: out.finish, logprobs: body.logprobs === undefined ? null : completionLogprobs(out.tokens, cpLen(prompt), n, false) }],
          usage: { prompt_tokens: promptTokens.length, completion_tokens: out.tokens.length, total_tokens: promptTokens.length + out.tokens.length },
        },
      };
    }
    if (request.path === '/v1/chat/completions' && Array.isArray(body.messages)) {
      const last = [...body.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
      const promptTokens = body.messages.reduce((sum, m) => sum + fakeTokenize(m.content).length, 0);
      const out = fakeGenerate(last, body.max_tokens ?? 16, body.stop);
      const n = body.top_logprobs ?? 0;
      const logprobs = body.logprobs
        ? { content: out.tokens.map((t) => ({ token: t, logprob: fakeLogprob(t), top_logprobs: n > 0 ? Object.entries(fakeTop(t, n)).map(([token, logprob]) => ({ token, logprob })) : [] })) }
        : null;
      return {
        status: 200,
        body: {
          id: 'chatcmpl-1',
          object: 'chat.completion',
          model,
          choices: [{ index: 0, message: { role: 'assistant', content: out.text }, finish_reason: out.finish, logprobs }],
          usage: { prompt_tokens: promptTokens, completion_tokens: out.tokens.length, total_tokens: promptTokens + out.tokens.length },
        },
      };
    }
    if (request.path === '/v1/embeddings' && Array.isArray(body.input)) {
      return {
        status: 200,
        body: { object: 'list', model, data: body.input.map((text, index) => ({ object: 'embedding', index, embedding: [cpLen(text), fakeTokenize(text).length, 0.5] })), usage: { prompt_tokens: 0, total_tokens: 0 } },
      };
    }
    return { status: 404, body: { error: { message: `no route for ${request.method} ${request.path}` } } };
  };
}

export function startFakeOpenAIServer(options: FakeOpenAIOptions = {}): Promise<LoopbackServer> {
  return startLoopbackServer(openAIRoute(options));
}
