// A scripted judge behind an OpenAI-compatible /v1/chat/completions (and /v1/completions) route:
// each request's answer, its tokens and their top_logprobs come from a script the test writes,
// so a judge's behaviour (position bias, a fixed score distribution, a broken format) is known.
import { type LoopbackServer, type RecordedRequest, startLoopbackServer } from './fake-openai-server.js';

export interface ScriptedReply {
  /** The answer text; default: the tokens joined. */
  text?: string;
  /** Generated tokens (default: the text as one token), each with its alternatives (token → logprob). */
  tokens?: Array<{ token: string; logprob?: number; top?: Record<string, number> }>;
  /** Answer with this HTTP status and an error body instead. */
  status?: number;
  finishReason?: 'stop' | 'length';
}

export interface JudgeCall {
  /** Arrival order, from 0. */
  index: number;
  /** The prompt: the last user message, or the completion prompt. */
  prompt: string;
  body: Record<string, unknown>;
}

export type JudgeScript = (call: JudgeCall) => ScriptedReply;

export interface FakeJudgeServer extends LoopbackServer {
  calls: JudgeCall[];
}

function tokensOf(reply: ScriptedReply): Array<{ token: string; logprob: number; top: Record<string, number> }> {
  const tokens = reply.tokens ?? [{ token: reply.text ?? '' }];
  return tokens.map((t) => ({ token: t.token, logprob: t.logprob ?? t.top?.[t.token] ?? 0, top: t.top ?? { [t.token]: t.logprob ?? 0 } }));
}

export async function startFakeJudgeServer(script: JudgeScript): Promise<FakeJudgeServer> {
  const calls: JudgeCall[] = [];
  const route = (request: RecordedRequest): { status: number; body: unknown } => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const messages = Array.isArray(body.messages) ? (body.messages as Array<{ role: string; content: string }>) : undefined;
    const prompt = messages ? ([...messages].reverse().find((m) => m.role === 'user')?.content ?? '') : typeof body.prompt === 'string' ? body.prompt : '';
    if (request.path !== '/v1/chat/completions' && request.path !== '/v1/completions') return { status: 404, body: { error: { message: `no route for ${request.path}` } } };
    const call: JudgeCall = { index: calls.length, prompt, body };
    calls.push(call);
    const reply = script(call);
    if (reply.status !== undefined && reply.status !== 200) return { status: reply.status, body: { error: { message: `scripted HTTP ${reply.status}` } } };
    const tokens = tokensOf(reply);
    const text = reply.text ?? tokens.map((t) => t.token).join('');
    const finish = reply.finishReason ?? 'stop';
    const usage = { prompt_tokens: prompt.length, completion_tokens: tokens.length, total_tokens: prompt.length + tokens.length };
    const wantLogprobs = body.logprobs === true || typeof body.logprobs === 'number';
    if (request.path === '/v1/completions') {
      const n = typeof body.logprobs === 'number' ? body.logprobs : 0;
      const logprobs = wantLogprobs
        ? { tokens: tokens.map((t) => t.token), token_logprobs: tokens.map((t) => t.logprob), top_logprobs: tokens.map((t) => Object.fromEntries(Object.entries(t.top).slice(0, n))), text_offset: tokens.map(() => 0) }
        : null;
      return { status: 200, body: { id: 'cmpl-judge', object: 'text_completion', choices: [{ index: 0, text, finish_reason: finish, logprobs }], usage } };
    }
    const n = typeof body.top_logprobs === 'number' ? body.top_logprobs : 0;
    const logprobs = wantLogprobs
      ? { content: tokens.map((t) => ({ token: t.token, logprob: t.logprob, top_logprobs: Object.entries(t.top).slice(0, n).map(([token, logprob]) => ({ token, logprob })) })) }
      : null;
    return { status: 200, body: { id: 'chatcmpl-judge', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: finish, logprobs }], usage } };
  };
  const server = await startLoopbackServer(route);
  return Object.assign(server, { calls });
}

/** The answer shown in a pairwise prompt at position A (our built-in template's markers). */
export function answerAt(prompt: string, position: 'A' | 'B'): string {
  const m = new RegExp(`\\[Assistant ${position}'s answer begins\\]\\n([\\s\\S]*?)\\n\\[Assistant ${position}'s answer ends\\]`).exec(prompt);
  return m ? m[1] : '';
}
