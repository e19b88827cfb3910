// Parsing judge outputs: MT-Bench ratings and verdicts, evals get_choice, structured JSON.
import { describe, expect, it } from 'vitest';
import { parseChoice, parsePairVerdict, parseRating } from './parse.js';

describe('parseRating', () => {
  const cases: Array<[string, [number, number], ReturnType<typeof parseRating>]> = [
    ['The answer is fine.\nRating: [[7]]', [1, 10], { ok: true, value: 7 }],
    ['Rating: [[7.5]]', [1, 10], { ok: true, value: 7.5 }],
    ['Rating: [[ 8 ]].', [1, 10], { ok: true, value: 8 }],
    // The last in-scale [[n]] wins: the judge quoted the example before rating.
    ['Use the format "Rating: [[5]]". My rating: [[3]]', [1, 10], { ok: true, value: 3 }],
    ['[[3]] then out of scale [[42]]', [1, 10], { ok: true, value: 3 }],
    // FastChat's backup pattern: single brackets.
    ['I give it [6]', [1, 10], { ok: true, value: 6 }],
    ['Rating: 7', [1, 10], { ok: true, value: 7 }],
    ['**Score:** 4/5', [1, 5], { ok: true, value: 4 }],
    ['9.', [1, 10], { ok: true, value: 9 }],
    ['  **2**  ', [1, 10], { ok: true, value: 2 }],
    ['{"explanation": "good", "rating": 8}', [1, 10], { ok: true, value: 8 }],
    ['```json\n{"rating": "6"}\n```', [1, 10], { ok: true, value: 6 }],
    ['{"explanation": "good", "rating": 0}', [1, 10], { ok: false, reason: 'rating 0 is outside the scale [1, 10]' }],
    ['{"rating": "high"}', [1, 10], { ok: false, reason: 'JSON field "rating" is "high", not a number in [1, 10]' }],
    ['Rating: [[11]]', [1, 10], { ok: false, reason: 'rating 11 is outside the scale [1, 10]' }],
    ['It is good.', [1, 10], { ok: false, reason: 'no rating found (expected [[n]] with n in [1, 10]) in "It is good."' }],
    ['', [1, 5], { ok: false, reason: 'no rating found (expected [[n]] with n in [1, 5]) in ""' }],
  ];
  it.each(cases)('%j on %j', (text, scale, expected) => {
    expect(parseRating(text, scale)).toEqual(expected);
  });
});

describe('parsePairVerdict', () => {
  const cases: Array<[string, ReturnType<typeof parsePairVerdict>]> = [
    ['A is more detailed. [[A]]', { ok: true, value: 'A' }],
    ['[[B]]', { ok: true, value: 'B' }],
    ['Equally good: [[C]]', { ok: true, value: 'tie' }],
    ['Not [[A]]; on reflection [[B]]', { ok: true, value: 'B' }],
    ['{"explanation": "x", "verdict": "C"}', { ok: true, value: 'tie' }],
    ['{"verdict": "D"}', { ok: false, reason: 'JSON field "verdict" is "D" (valid: "A", "B", "C")' }],
    ['A is better', { ok: false, reason: 'no verdict found (expected [[A]], [[B]] or [[C]]) in "A is better"' }],
  ];
  it.each(cases)('%j', (text, expected) => {
    expect(parsePairVerdict(text)).toEqual(expected);
  });
});

describe('parseChoice (evals get_choice, starts_or_endswith)', () => {
  const YN = ['Y', 'N'];
  const AE = ['A', 'B', 'C', 'D', 'E'];
  const cases: Array<[string, readonly string[], boolean, ReturnType<typeof parseChoice>]> = [
    ['Y', YN, false, { ok: true, value: 'Y' }],
    ['"N".', YN, false, { ok: true, value: 'N' }],
    // cot_classify reads the last line first.
    ['The submission is correct.\nY', YN, true, { ok: true, value: 'Y' }],
    ['Step 1: compare.\nStep 2: it differs.\nD', AE, true, { ok: true, value: 'D' }],
    // Without reasoning the first line is read first, as in evals.
    ['B\nbecause of C', AE, false, { ok: true, value: 'B' }],
    // evals' quirk: "Answer B" starts with "A".
    ['Answer: B', AE, false, { ok: true, value: 'A' }],
    ['{"reasons": "r", "choice": "C"}', AE, true, { ok: true, value: 'C' }],
    ['{"choice": "Z"}', AE, true, { ok: false, reason: 'JSON field "choice" is "Z" (valid: "A", "B", "C", "D", "E")' }],
    ['maybe', YN, true, { ok: false, reason: 'no choice found (valid: Y, N) in "maybe"' }],
  ];
  it.each(cases)('%j', (text, choices, reasoning, expected) => {
    expect(parseChoice(text, choices, reasoning)).toEqual(expected);
  });
});
