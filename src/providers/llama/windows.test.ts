import { describe, expect, it } from 'vitest';
import { makeDisjointWindow, moveTrailingWhitespace, rollingTokenWindows, scoringInput, splitAtContext, stopIndex } from './windows.js';

describe('harness token windows', () => {
  it('moves trailing context whitespace to the continuation', () => {
    expect(moveTrailingWhitespace('Question: x\nAnswer: ', 'yes')).toEqual({ context: 'Question: x\nAnswer:', continuation: ' yes' });
    expect(moveTrailingWhitespace('a \n\t', 'b')).toEqual({ context: 'a', continuation: ' \n\tb' });
    expect(moveTrailingWhitespace('a', ' b')).toEqual({ context: 'a', continuation: ' b' });
  });

  it('splits the joint encoding at the context encoding length', () => {
    expect(splitAtContext([1, 5, 6], [1, 5, 7, 8])).toEqual({ context: [1, 5, 7], continuation: [8] });
  });

  it('truncates from the left to max_length + 1 and drops the last token', () => {
    expect(scoringInput([1, 2, 3], [4, 5], 10)).toEqual({ input: [1, 2, 3, 4], firstScored: 2, continuation: [4, 5] });
    // (ctx + cont)[-(4 + 1):][:-1] = [2, 3, 4, 5, 6][:-1]
    expect(scoringInput([0, 1, 2, 3], [4, 5, 6], 4)).toEqual({ input: [2, 3, 4, 5], firstScored: 1, continuation: [4, 5, 6] });
  });

  it('builds the rolling windows of lm-eval test_get_rolling_token_windows_v1 (34 tokens, max_seq_len 10)', () => {
    const tokens = Array.from({ length: 34 }, (_, i) => i);
    const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
    expect(rollingTokenWindows(tokens, -100, 10, 1)).toEqual([
      [[-100, ...range(0, 9)], range(0, 10)],
      [range(9, 19), range(10, 20)],
      [range(19, 29), range(20, 30)],
      [range(23, 33), range(30, 34)],
    ]);
    expect(rollingTokenWindows([], -100, 10, 1)).toEqual([]);
    expect(rollingTokenWindows([7, 8], -100, 10, 1)).toEqual([[[-100, 7], [7, 8]]]);
  });

  it('makes windows disjoint', () => {
    expect(makeDisjointWindow([[23, 24, 25, 26, 27, 28, 29, 30, 31, 32], [30, 31, 32, 33]])).toEqual([[23, 24, 25, 26, 27, 28, 29], [30, 31, 32, 33]]);
    expect(makeDisjointWindow([[-100, 0, 1], [0, 1, 2]])).toEqual([[-100], [0, 1, 2]]);
  });

  it('finds the earliest stop string, ignoring empty ones', () => {
    expect(stopIndex('a cat. The dog\n', ['\n', '.'])).toBe(5);
    expect(stopIndex('abc', ['', 'x'])).toBe(-1);
  });
});
