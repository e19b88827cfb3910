// An instant OpenAI-compatible server for the engine-overhead benchmark (bench/engine.ts): answers
// with the last number in the prompt, in the response shapes of test/support/fake-openai-server.ts.
//   npx tsx bench/loopback-openai.ts [--port 8911] [--host 127.0.0.1]
// Deliberately bare (no schema checks, no recording) so the server is never the bottleneck.
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

interface Body {
  model?: string;
  prompt?: string | string[];
  messages?: Array<{ role?: string; content?: unknown }>;
  stop?: string | string[];
}

const LAST_NUMBER = /(\d+)\D*$/u;

/** The "model": the prompt's last run of digits, or "none"; cut at the first stop sequence. */
export function loopbackAnswer(prompt: string, stop: readonly string[] = []): string {
  let text = LAST_NUMBER.exec(prompt)?.[1] ?? 'none';
  for (const s of stop) {
    const at = s === '' ? -1 : text.indexOf(s);
    if (at >= 0) text = text.slice(0, at);
  }
  return text;
}

function stops(stop: Body['stop']): string[] {
  if (stop === undefined) return [];
  return typeof stop === 'string' ? [stop] : stop;
}

function promptOf(body: Body): string {
  if (typeof body.prompt === 'string') return body.prompt;
  if (Array.isArray(body.prompt)) return body.prompt.join('');
  const messages = body.messages ?? [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.role === 'user' && typeof m.content === 'string') return m.content;
  }
  return '';
}

function send(res: ServerResponse, status: number, json: unknown): void {
  const text = JSON.stringify(json);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
  const path = (req.url ?? '').split('?')[0];
  if (req.method === 'GET' && path === '/v1/models') {
    send(res, 200, { object: 'list', data: [{ id: 'bench', object: 'model', created: 0, owned_by: 'assay-bench' }] });
    return;
  }
  if (req.method !== 'POST' || (path !== '/v1/completions' && path !== '/v1/chat/completions')) {
    send(res, 404, { error: { message: `no route for ${req.method} ${path}`, type: 'invalid_request_error' } });
    return;
  }
  let body: Body;
  try {
    body = JSON.parse(raw) as Body;
  } catch {
    send(res, 400, { error: { message: 'request body is not JSON', type: 'invalid_request_error' } });
    return;
  }
  const prompt = promptOf(body);
  const text = loopbackAnswer(prompt, stops(body.stop));
  const model = body.model ?? 'bench';
  // Token counts are rough (one per 4 characters): the benchmark only needs them to be present.
  const usage = { prompt_tokens: Math.ceil(prompt.length / 4), completion_tokens: 1, total_tokens: Math.ceil(prompt.length / 4) + 1 };
  if (path === '/v1/completions') {
    send(res, 200, { id: 'cmpl-bench', object: 'text_completion', created: 0, model, choices: [{ index: 0, text, finish_reason: 'stop', logprobs: null }], usage });
  } else {
    send(res, 200, {
      id: 'chatcmpl-bench',
      object: 'chat.completion',
      created: 0,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop', logprobs: null }],
      usage,
    });
  }
}

export interface LoopbackOpenAI {
  /** Base URL ending in /v1. */
  url: string;
  close(): Promise<void>;
}

export async function startLoopbackOpenAI(port = 0, host = '127.0.0.1'): Promise<LoopbackOpenAI> {
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => handle(req, res, raw));
  });
  // Keep client connections open between requests (clients reuse their keep-alive agents).
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const args = process.argv.slice(2);
  const port = Number(flag(args, '--port') ?? 8911);
  const host = flag(args, '--host') ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`loopback-openai: --port must be an integer 0-65535, got ${flag(args, '--port')}`);
    process.exit(2);
  }
  const server = await startLoopbackOpenAI(port, host);
  console.log(server.url);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
