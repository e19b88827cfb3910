import { describe, expect, it } from 'vitest';
import { type EchoLogprobs, codePointLength, moveTrailingWhitespace, promptShift, scoreEchoSpan } from './openai-logprobs.js';

// Echo of "Q: 2+2=" + " 4" with one generated token after it (max_tokens 1, as vLLM needs).
const ECHO: EchoLogprobs = {
  tokens: ['Q', ':', ' 2', '+', '2', '=', ' 4', '\n'],
  token_logprobs: [null, -1.5, -2.25, -0.5, -0.125, -0.25, -0.75, -3],
  top_logprobs: [null, { ':': -1.5 }, { ' 1': -1, ' 2': -2.25 }, { '+': -0.5 }, { '2': -0.125 }, { '=': -0.25 }, { ' 4': -0.75, ' 5': -2 }, { '\n': -3 }],
  text_offset: [0, 1, 2, 4, 5, 6, 7, 9],
};

describe('scoreEchoSpan', () => {
  it('sums the continuation tokens and ignores generated ones', () => {
    expect(scoreEchoSpan(ECHO, 7, 9)).toEqual({ logprob: -0.75, isGreedy: true, tokens: 1 });
    expect(scoreEchoSpan(ECHO, 2, 9)).toEqual({ logprob: -2.25 - 0.5 - 0.125 - 0.25 - 0.75, isGreedy: false, tokens: 5 });
  });

  it('counts a token straddling the context boundary as continuation', () => {
    // Context "Q: 2+2= " would end inside " 4" (offset 7-9): the token carries continuation text.
    expect(scoreEchoSpan(ECHO, 8, 9)).toEqual({ logprob: -0.75, isGreedy: true, tokens: 1 });
  });

  it('rejects a first token without a logprob unless told to skip it', () => {
    expect(() => scoreEchoSpan(ECHO, 0, 9)).toThrow('token 0 ("Q") has no logprob; the server scores no token before the first (give a non-empty context)');
    expect(scoreEchoSpan(ECHO, 0, 9, { skipUnscoredFirst: true })).toEqual({ logprob: -1.5 - 2.25 - 0.5 - 0.125 - 0.25 - 0.75, isGreedy: false, tokens: 6 });
  });

  it('fails loudly when the server did not echo offsets or the prompt', () => {
    expect(() => scoreEchoSpan({ ...ECHO, text_offset: undefined }, 7, 9)).toThrow('logprobs.text_offset is missing (the server must echo token offsets)');
    expect(() => scoreEchoSpan({ tokens: ['\n'], token_logprobs: [-3], top_logprobs: [{ '\n': -3 }], text_offset: [9] }, 7, 9)).toThrow('no echoed token covers characters 7-9 of the prompt (does the server support echo?)');
    expect(() => scoreEchoSpan({ ...ECHO, token_logprobs: [-1] }, 7, 9)).toThrow('logprobs.token_logprobs has 1 entries for 8 tokens');
    expect(() => scoreEchoSpan({ ...ECHO, top_logprobs: ECHO.top_logprobs!.map((t, i) => (i === 6 ? null : t)) }, 7, 9)).toThrow('token 6 (" 4") has no top_logprobs, so greediness is unknown');
  });

  it('scores an empty continuation as 0 with no tokens', () => {
    expect(scoreEchoSpan(ECHO, 9, 9)).toEqual({ logprob: 0, isGreedy: true, tokens: 0 });
  });
});

describe('promptShift', () => {
  it('is 0 when the tokens spell the prompt, and the BOS text length when one is echoed first', () => {
    expect(promptShift(ECHO, 'Q: 2+2= 4')).toBe(0);
    const withBos: EchoLogprobs = { tokens: ['<s>', ...ECHO.tokens], token_logprobs: [null, ...ECHO.token_logprobs], top_logprobs: [null, ...ECHO.top_logprobs!], text_offset: [0, ...ECHO.text_offset!.map((o) => o + 3)] };
    expect(promptShift(withBos, 'Q: 2+2= 4')).toBe(3);
    expect(scoreEchoSpan(withBos, 7 + 3, 9 + 3)).toEqual({ logprob: -0.75, isGreedy: true, tokens: 1 });
  });
  it('refuses to guess when the tokens do not spell the prompt', () => {
    expect(() => promptShift({ ...ECHO, tokens: ['Q', ':', 'Ġ2', '+', '2', '=', 'Ġ4', 'Ċ'] }, 'Q: 2+2= 4')).toThrow('the echoed tokens do not spell the prompt ("Q:Ġ2+2=Ġ4Ċ"...), so the context boundary is unknown');
  });
});

describe('helpers', () => {
  it("moves trailing context whitespace to the continuation (the harness's _encode_pair)", () => {
    expect(moveTrailingWhitespace('Answer: ', 'Paris')).toEqual({ context: 'Answer:', continuation: ' Paris' });
    expect(moveTrailingWhitespace('Answer:\n\n', 'x')).toEqual({ context: 'Answer:', continuation: '\n\nx' });
    expect(moveTrailingWhitespace('Answer:', ' Paris')).toEqual({ context: 'Answer:', continuation: ' Paris' });
  });
  it('counts code points, as text_offset does', () => {
    expect([codePointLength('abc'), codePointLength('😀a'), codePointLength('é')]).toEqual([3, 2, 1]);
  });
});
