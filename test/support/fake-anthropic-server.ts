// A loopback Anthropic Messages API (/v1/messages) for tests, answering with the same fake model
// as the OpenAI-compatible server and sharing its fault-injecting mode.
import { type LoopbackServer, type Route, fakeGenerate, fakeTokenize, startLoopbackServer } from './fake-openai-server.js';

interface MessagesBody {
  model?: string;
  system?: string;
  messages?: Array<{ role: string; content: string }>;
  max_tokens?: number;
  stop_sequences?: string[];
}

export function anthropicRoute(options: { apiKey: string }): Route {
  return (request) => {
    if (request.headers['x-api-key'] !== options.apiKey) {
      return { status: 401, body: { type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key: ${String(request.headers['x-api-key'])}` } } };
    }
    if (request.headers['anthropic-version'] !== '2023-06-01') {
      return { status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'anthropic-version header is required' } } };
    }
    const body = (request.body ?? {}) as MessagesBody;
    if (request.path !== '/v1/messages' || !Array.isArray(body.messages) || typeof body.max_tokens !== 'number') {
      return { status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'messages and max_tokens are required' } } };
    }
    if (body.messages.some((m) => m.role === 'system')) {
      return { status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'messages: role "system" is not allowed; use the top-level system parameter' } } };
    }
    const last = [...body.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const out = fakeGenerate(last, body.max_tokens, body.stop_sequences);
    const stopped = (body.stop_sequences ?? []).find((s) => `echo: ${last}`.includes(s));
    const inputTokens = fakeTokenize(body.system ?? '').length + body.messages.reduce((sum, m) => sum + fakeTokenize(m.content).length, 0);
    return {
      status: 200,
      body: {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: body.model,
        content: [{ type: 'text', text: out.text }],
        stop_reason: out.finish === 'length' ? 'max_tokens' : stopped !== undefined ? 'stop_sequence' : 'end_turn',
        stop_sequence: out.finish === 'length' ? null : (stopped ?? null),
        usage: { input_tokens: inputTokens, output_tokens: out.tokens.length },
      },
    };
  };
}

export function startFakeAnthropicServer(options: { apiKey: string }): Promise<LoopbackServer> {
  return startLoopbackServer(anthropicRoute(options));
}
