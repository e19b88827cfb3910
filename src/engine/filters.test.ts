// Expected outputs below were produced by running lm-evaluation-harness's own filter classes
// (lm_eval/filters/{extraction,selection,transformation}.py at 4e7e0d4) with Python 3.11.
import { describe, expect, it } from 'vitest';
import { AssayError } from '../core/errors.js';
import type { FilterPipeline, FilterStep } from '../tasks/task-config.js';
import { applyFilterPipeline, majorityVote, pyFindall, pyStrip } from './filters.js';
import { pyRegExp } from '../tasks/py-regex.js';

interface Case {
  name: string;
  steps: FilterStep[];
  responses: string[];
  expected: string | string[];
}

// Harness name `remove_whitespace` is the task schema's `strip`.
const HARNESS_CASES: Case[] = [
  { name: "gsm8k-strict", steps: [{"regex_pattern": "#### (\\-?[0-9\\.\\,]+)", "group_select": 0, "fallback": "[invalid]", "function": "regex"}, {"function": "take_first"}], responses: ["Natalia sold 48/2 = 24 clips.\n#### 72", "#### -1,234.5 and #### 9"], expected: "72" },
  { name: "gsm8k-strict-nomatch", steps: [{"regex_pattern": "#### (\\-?[0-9\\.\\,]+)", "group_select": 0, "fallback": "[invalid]", "function": "regex"}, {"function": "take_first"}], responses: ["The answer is 72"], expected: "[invalid]" },
  { name: "flex-last", steps: [{"regex_pattern": "(-?[$0-9.,]{2,})|(-?[0-9]+)", "group_select": -1, "fallback": "[invalid]", "function": "regex"}, {"function": "take_first"}], responses: ["So 3 apples cost $1,200.50 total, i.e. 7"], expected: "7" },
  { name: "flex-first", steps: [{"regex_pattern": "(-?[$0-9.,]{2,})|(-?[0-9]+)", "group_select": 0, "fallback": "[invalid]", "function": "regex"}, {"function": "take_first"}], responses: ["So 3 apples cost $1,200.50 total"], expected: "3" },
  { name: "tuple-all-empty", steps: [{"regex_pattern": "(a)?(b)?c", "group_select": 0, "fallback": "  [none] ", "function": "regex"}, {"function": "take_first"}], responses: ["xc"], expected: "[none]" },
  { name: "strip-match", steps: [{"regex_pattern": "Answer:(.*)", "group_select": 0, "fallback": "[invalid]", "function": "regex"}, {"function": "take_first"}], responses: ["Answer:　 B \n"], expected: "B" },
  { name: "named-group", steps: [{"regex_pattern": "(?P<ans>[A-D])\\)", "group_select": 0, "fallback": "[invalid]", "function": "regex"}, {"function": "take_first"}], responses: ["I pick C) because B) is wrong"], expected: "C" },
  { name: "no-groups", steps: [{"regex_pattern": "\\b\\w+\\b", "group_select": -2, "fallback": "[invalid]", "function": "regex"}], responses: ["café Zürich naïve", "one two"], expected: ["Zürich", "one"] },
  { name: "empty-matches", steps: [{"regex_pattern": "\\d*", "group_select": 1, "fallback": "[invalid]", "function": "regex"}], responses: ["a1b"], expected: ["1"] },
  { name: "empty-match-first", steps: [{"regex_pattern": "\\d*", "group_select": 0, "fallback": "[invalid]", "function": "regex"}], responses: ["a1b"], expected: [""] },
  { name: "inline-flag", steps: [{"regex_pattern": "(?i)the answer is ([a-z]+)", "group_select": 0, "fallback": "[invalid]", "function": "regex"}], responses: ["THE ANSWER IS Yes"], expected: ["Yes"] },
  { name: "astral", steps: [{"regex_pattern": "(.)x", "group_select": 0, "fallback": "[invalid]", "function": "regex"}], responses: ["😀x"], expected: ["😀"] },
  { name: "majority", steps: [{"function": "majority_vote"}, {"function": "take_first"}], responses: ["b", "a", "a", "b", "c"], expected: "b" },
  { name: "majority-list", steps: [{"function": "majority_vote"}], responses: ["x", "y", "y"], expected: ["y"] },
  { name: "regex-majority", steps: [{"regex_pattern": "#### (\\-?[0-9\\.\\,]+)", "group_select": 0, "fallback": "[invalid]", "function": "regex"}, {"function": "majority_vote"}, {"function": "take_first"}], responses: ["#### 3", "#### 4", "no", "#### 4", "nothing"], expected: "4" },
  { name: "lower-strip", steps: [{"function": "lowercase"}, {"function": "strip"}, {"function": "take_first"}], responses: ["  İSTANBUL ΣΑΣ \t"], expected: "i̇stanbul σας" },
  { name: "map", steps: [{"function": "lowercase"}, {"function": "map", "mapping_dict": {"yes": "True", "no": "False"}, "default_value": "unknown"}], responses: ["Yes", "NO", "maybe"], expected: ["True", "False", "unknown"] },
  { name: "multi-resp-list", steps: [{"regex_pattern": "(\\d+)", "group_select": 0, "fallback": "[invalid]", "function": "regex"}, {"function": "strip"}], responses: ["x 1", "2 y", "none"], expected: ["1", "2", "[invalid]"] },
];

function pipeline(steps: FilterStep[], name = 'p'): FilterPipeline {
  return { name, filter: steps };
}

describe('applyFilterPipeline (harness outputs)', () => {
  it.each(HARNESS_CASES)('$name', ({ steps, responses, expected }) => {
    expect(applyFilterPipeline(pipeline(steps), responses)).toEqual(expected);
  });

  it('does not mutate the responses', () => {
    const responses = ['B', 'a'];
    applyFilterPipeline(pipeline([{ function: 'lowercase' }]), responses);
    expect(responses).toEqual(['B', 'a']);
  });
});

describe('applyFilterPipeline errors', () => {
  const regex = (pattern: string, groupSelect = 0): FilterStep => ({ function: 'regex', regex_pattern: pattern, group_select: groupSelect, fallback: '[invalid]' });

  it('a bad regex is a ConfigError naming the pipeline', () => {
    expect(() => applyFilterPipeline(pipeline([regex('(unclosed')], 'strict-match'), ['x'])).toThrowError(
      expect.objectContaining({ code: 'CONFIG', message: expect.stringMatching(/^filter pipeline "strict-match": regex filter pattern "\(unclosed" is not a valid Python regular expression/) }),
    );
  });

  it('group_select beyond the matches is an InputError (the harness raises IndexError)', () => {
    expect(() => applyFilterPipeline(pipeline([regex('(\\d)', 2)]), ['1 2'])).toThrowError(
      'filter pipeline "p": regex group_select 2 is out of range, the response has 2 match(es) of "(\\\\d)"',
    );
    expect(applyFilterPipeline(pipeline([regex('(\\d)', -2)]), ['1 2'])).toEqual(['1']);
  });

  it('a step after take_first is refused', () => {
    expect(() => applyFilterPipeline(pipeline([{ function: 'take_first' }, { function: 'lowercase' }]), ['A'])).toThrowError(
      'filter pipeline "p": step 2 (lowercase) comes after take_first, which already reduced the responses to one string (put take_first last)',
    );
  });

  it('take_first of no responses is an InputError', () => {
    const err = (() => {
      try {
        applyFilterPipeline(pipeline([{ function: 'take_first' }]), []);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(AssayError);
    expect((err as AssayError).code).toBe('INPUT');
  });

  it('map with a null default and no entry is an InputError; other values become Python str()', () => {
    const step: FilterStep = { function: 'map', mapping_dict: { a: 1, b: true, c: 0.5 }, default_value: null };
    expect(applyFilterPipeline(pipeline([step]), ['a', 'b', 'c'])).toEqual(['1', 'True', '0.5']);
    expect(() => applyFilterPipeline(pipeline([step]), ['z'])).toThrowError(
      'filter pipeline "p": map filter has no entry for response "z" and default_value is null (set default_value or add the key to mapping_dict)',
    );
  });
});

describe('helpers', () => {
  it('majorityVote: most common, first seen on ties', () => {
    expect(majorityVote(['x', 'y', 'y', 'x'])).toBe('x');
    expect(majorityVote(['x', 'y', 'y'])).toBe('y');
  });

  it('pyStrip strips Python whitespace only', () => {
    expect(pyStrip('\x1c\u3000 a b\x85\u200b')).toBe('a b\x85\u200b');
    expect(pyStrip('\x85a\x85')).toBe('a');
    expect(pyStrip('\ufeffa ')).toBe('\ufeffa');
  });

  it('pyFindall: groups, tuples and empty matches as re.findall', () => {
    expect(pyFindall(pyRegExp('(a)|(b)'), 'ab')).toEqual([['a', ''], ['', 'b']]);
    expect(pyFindall(pyRegExp('x*'), 'axb')).toEqual(['', 'x', '', '']);
  });
});

describe('uppercase and remove_whitespace (UppercaseFilter, WhitespaceFilter: lstrip)', () => {
  it('applies per response', () => {
    const pipeline = { name: 'p', filter: [{ function: 'remove_whitespace' as const }, { function: 'uppercase' as const }] };
    expect(applyFilterPipeline(pipeline, [' \t\n straße  ', 'ok'])).toEqual(['STRASSE  ', 'OK']);
  });
});
