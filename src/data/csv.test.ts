// Expected rows are what CPython 3.11's csv.reader(io.StringIO(text, newline='')) returns
// (blank-line [] rows dropped); the MMLU digests are sha256 of
// json.dumps(list(csv.reader(open(path, newline='', encoding='utf-8'))), ensure_ascii=False, separators=(',', ':')).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedPath } from '../../test/support/shared.js';
import { parseCsv } from './csv.js';

const fields = (text: string): string[][] => parseCsv(text, 'x.csv').map((r) => r.fields);

describe('parseCsv (Python csv.reader semantics)', () => {
  it.each([
    ['a,b\r\nc,d', [['a', 'b'], ['c', 'd']]],
    ['a,"b,1"\n"x""y",z\n', [['a', 'b,1'], ['x"y', 'z']]],
    ['"multi\r\nline",2\r\n\r\n3,', [['multi\r\nline', '2'], ['3', '']]],
    ['a"b,"c"d,e\rf,g', [['a"b', 'cd', 'e'], ['f', 'g']]],
    [',\n,,', [['', ''], ['', '', '']]],
    ['"",x\n', [['', 'x']]],
    ['  a , b ', [['  a ', ' b ']]],
  ])('%j', (text, expected) => {
    expect(fields(text)).toEqual(expected);
  });

  it('reports the physical line each record starts on', () => {
    expect(parseCsv('a\r\n"b\r\nc\nd"\r\n\r\ne', 'x.csv').map((r) => r.line)).toEqual([1, 2, 6]);
  });

  it('an unclosed quote is an InputError at the line the quote opened', () => {
    expect(() => parseCsv('a,b\nc,"d\ne\n', 'bad.csv')).toThrow('bad.csv:2: quoted field is not closed');
  });

  it('takes another one-character delimiter', () => {
    expect(parseCsv('a\tb\n"c\td"\te', 'x.tsv', '\t').map((r) => r.fields)).toEqual([['a', 'b'], ['c\td', 'e']]);
    expect(() => parseCsv('', 'x.csv', '"')).toThrow('CSV delimiter must be one character');
  });
});

describe('parseCsv on the MMLU release slices (no header; CRLF in high_school_geography_test)', () => {
  const cases: [string, number, string][] = [
    ['mmlu/data/dev/abstract_algebra_dev.csv', 5, 'a9d75cedbe57a0c5fd35b416d2e4819761cae8dc07f7f3e075f6e7d8c816d3ca'],
    ['mmlu/data/dev/college_medicine_dev.csv', 5, 'c3f409ac9960b158fd363c24c5dd40f6741a3c18b91bf9ae3e5f472293cb2cba'],
    ['mmlu/data/dev/high_school_geography_dev.csv', 5, '165e241ef7257c8a496fcf6edc460cacad0c9d2b5956b7f0d7f110411570aabb'],
    ['mmlu/data/test/abstract_algebra_test.csv', 40, '3bd219c664c9d3707cc6bc82cedbc89482e6d773c0c35ae29321a57c3e96d06d'],
    ['mmlu/data/test/college_medicine_test.csv', 40, '49d48e880be7832391875920954d7bb6401f96025ee1551bcac2fbf9db74ff83'],
    ['mmlu/data/test/high_school_geography_test.csv', 40, '812746cf223bba6c999994042c31657ceeadeeaa4293b7f180b8b6292713fdc2'],
  ];
  it.each(cases)('%s: %i rows equal to Python\'s', (path, count, digest) => {
    const rows = fields(readFileSync(sharedPath('datasets', path), 'utf8'));
    expect(rows.length).toBe(count);
    expect(createHash('sha256').update(JSON.stringify(rows)).digest('hex')).toBe(digest);
  });

  it('keeps newlines inside quoted questions and counts lines like csv.reader.line_num', () => {
    const rows = parseCsv(readFileSync(sharedPath('datasets', 'mmlu/data/test/college_medicine_test.csv'), 'utf8'), 'cm.csv');
    expect(rows.slice(0, 8).map((r) => r.line)).toEqual([1, 2, 3, 7, 8, 9, 10, 13]);
    expect(rows[2]!.fields).toEqual([
      'Which of the following statements identifies a chemically based sensory system?\nI. Gustatory system\nII. Auditory system\nIII. Olfactory system',
      'I only', 'II only', 'III only', 'I and III only', 'D',
    ]);
  });
});
