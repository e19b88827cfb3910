// Expected counts and hashes: Python 3.11 on the same files, e.g.
//   python3 -c "import hashlib; print(hashlib.sha256(open(p,'rb').read()).hexdigest()[:12])"
// The Parquet fixture is described in test/fixtures/README.md.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, sharedPath } from '../../test/support/shared.js';
import { mapFields } from './fields.js';
import { fileContentHash, formatFromPath, loadDataset, readJsonlObjects } from './loaders.js';

const dir = mkdtempSync(join(tmpdir(), 'assay-data-'));
function tmp(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('loadDataset', () => {
  it('JSONL: the GSM8K train slice, 20 records, hash of the bytes', async () => {
    const ds = await loadDataset(sharedPath('datasets', 'gsm8k', 'train.jsonl'));
    expect(ds.format).toBe('jsonl');
    expect(ds.records.length).toBe(20);
    expect(ds.hash).toBe('91763575e4b4');
    expect(ds.columns).toEqual(['question', 'answer']);
    expect((ds.records[0]!.question as string).slice(0, 46)).toBe('Natalia sold clips to 48 of her friends in Apr');
  });

  it('JSONL: BoolQ keeps booleans; test split keeps \\u2019 decoded', async () => {
    const boolq = await loadDataset(sharedPath('datasets', 'boolq', 'dev.jsonl'));
    expect(boolq.hash).toBe('4bfe66c4b8cb');
    expect(boolq.columns).toEqual(['question', 'title', 'answer', 'passage']);
    expect(boolq.records[0]!.answer).toBe(false);
    const test = await loadDataset(sharedPath('datasets', 'gsm8k', 'test.jsonl'));
    expect(test.hash).toBe('303c16daf333');
    expect((test.records[0]!.question as string).slice(0, 17)).toBe('Janet\u2019s ducks lay');
  });

  it('JSONL: a bad line is an InputError naming file:line; blank lines are skipped', async () => {
    const file = tmp('bad.jsonl', '{"a": 1}\n\n{"a": 2}\n{"a": \n');
    await expect(loadDataset(file)).rejects.toThrow(`${file}:4: not valid JSON`);
    const arr = tmp('arr.jsonl', '{"a": 1}\n[1]\n');
    await expect(loadDataset(arr)).rejects.toThrow(`${arr}:2: expected a JSON object (one per line), got an array`);
    const lines: number[] = [];
    for await (const { line } of readJsonlObjects(tmp('ok.jsonl', '{"a": 1}\n\n{"a": 2}\n'))) lines.push(line);
    expect(lines).toEqual([1, 3]);
  });

  it('JSON: an array, {"data": [...]}, or {split: [...]}', async () => {
    const records = [{ q: 'x', a: 1 }, { q: 'y', a: 2 }];
    expect((await loadDataset(tmp('a.json', JSON.stringify(records)))).records).toEqual(records);
    expect((await loadDataset(tmp('d.json', JSON.stringify({ data: records })))).records).toEqual(records);
    const splits = tmp('s.json', JSON.stringify({ train: records.slice(0, 1), test: records.slice(1), version: 2 }));
    expect((await loadDataset(splits, { split: 'test' })).records).toEqual([{ q: 'y', a: 2 }]);
    await expect(loadDataset(splits)).rejects.toThrow(`${splits}: no key "data" in the JSON object; keys holding arrays: train, test (pass split to pick one)`);
    const lines = tmp('l.json', '{"q": "x", "a": 1}\n{"q": "y", "a": 2}\n');
    expect((await loadDataset(lines)).records).toEqual(records);
    const pretty = tmp('p.json', JSON.stringify({ data: records }, null, 2));
    expect((await loadDataset(pretty)).records).toEqual(records);
    const badLines = tmp('bl.json', '{"q": "x"}\n{"q": \n');
    await expect(loadDataset(badLines)).rejects.toThrow(`${badLines}:2: not valid JSON`);
    const nested = tmp('n.json', '[{"a": 1}, 3]');
    await expect(loadDataset(nested)).rejects.toThrow(`${nested}: item 1 is a number; expected a JSON object`);
  });

  it('CSV with a header row; CSV without one given column names (MMLU)', async () => {
    const withHeader = await loadDataset(tmp('h.csv', 'q,a\r\n"1,2",x\r\n3,"y\r\nz"\r\n'));
    expect(withHeader.columns).toEqual(['q', 'a']);
    expect(withHeader.records).toEqual([{ q: '1,2', a: 'x' }, { q: '3', a: 'y\r\nz' }]);

    const columns = ['question', 'A', 'B', 'C', 'D', 'answer'];
    const mmlu = await loadDataset(sharedPath('datasets', 'mmlu/data/test/high_school_geography_test.csv'), { columns });
    expect(mmlu.hash).toBe('d7f91f258b11');
    expect(mmlu.records.length).toBe(40);
    expect(mmlu.records[0]).toEqual({
      question: 'The main factor preventing subsistence economies from advancing economically is the lack of',
      A: 'a currency.',
      B: 'a well-connected transportation infrastructure.',
      C: 'government activity.',
      D: 'a banking service.',
      answer: 'B',
    });
    expect(mmlu.records[39]).toEqual({
      question: 'Which of the following items is NOT a challenge to the state?',
      A: 'Transnational corporations',
      B: 'EU',
      C: 'World Trade Organization',
      D: 'Good transportation network',
      answer: 'D',
    });
    const counts: Record<string, number> = {};
    for (const r of mmlu.records) counts[r.answer as string] = (counts[r.answer as string] ?? 0) + 1;
    expect(counts).toEqual({ A: 7, B: 8, C: 9, D: 16 });
  });

  it('a UTF-8 byte-order mark is dropped (CSV header, JSONL first line)', async () => {
    expect((await loadDataset(tmp('bom.csv', '\ufeffq,a\n1,2\n'))).records).toEqual([{ q: '1', a: '2' }]);
    expect((await loadDataset(tmp('bom.jsonl', '\ufeff{"q": 1}\n'))).records).toEqual([{ q: 1 }]);
  });

  it('CSV: a record with the wrong number of fields names its line', async () => {
    const file = tmp('short.csv', 'q,a\n1,2\n"x\ny"\n');
    await expect(loadDataset(file)).rejects.toThrow(`${file}:3: record has 1 fields, expected 2 (q, a)`);
  });

  it('Parquet via hyparquet; safe INT64 values become numbers', async () => {
    const ds = await loadDataset(join(REPO_ROOT, 'test/fixtures/data/simple.parquet'));
    expect(ds.format).toBe('parquet');
    expect(ds.hash).toBe('fe3c5e35a946');
    expect(ds.columns).toEqual(['A', 'B']);
    expect(ds.records).toEqual([{ A: 1, B: 'foo' }, { A: 2, B: 'foo' }, { A: 3, B: 'foo' }]);
  });

  it('a file that is not Parquet is an InputError naming it', async () => {
    const file = tmp('bad.parquet', 'not parquet at all');
    await expect(loadDataset(file)).rejects.toThrow(`${file}: cannot read Parquet: `);
  });

  it('format from the extension; unknown extensions and missing files are errors', async () => {
    expect(formatFromPath('x/Y.JSONL')).toBe('jsonl');
    expect(formatFromPath('y.ndjson')).toBe('jsonl');
    expect(() => formatFromPath('z.txt')).toThrow('z.txt: cannot tell the data format from the extension');
    await expect(loadDataset(join(dir, 'missing.json'))).rejects.toThrow('cannot read file');
    expect(await fileContentHash(tmp('e.txt', ''))).toBe('e3b0c44298fc');
  });
});

describe('mapFields', () => {
  const dataset = { file: 'd.csv', columns: ['question', 'answer', 'subject'], records: [{ question: 'q1', answer: 'A', subject: 's' }] };

  it('renames and selects, in mapping order, without changing the input', () => {
    expect(mapFields(dataset, { input: 'question', target: 'answer' })).toEqual([{ input: 'q1', target: 'A' }]);
    expect(mapFields(dataset, ['answer'])).toEqual([{ answer: 'A' }]);
    expect(dataset.records[0]).toEqual({ question: 'q1', answer: 'A', subject: 's' });
  });

  it('a missing column names it, the closest names and the columns available', () => {
    expect(() => mapFields(dataset, { input: 'questoin' })).toThrow('d.csv field "questoin": no column "questoin"; did you mean "question"? (columns: question, answer, subject)');
    const ragged = { file: 'r.jsonl', columns: [], records: [{ a: 1 }, { bcdef: 2 }] };
    expect(() => mapFields(ragged, ['a'])).toThrow('r.jsonl field "a": no column "a" in record 1 (columns: bcdef)');
  });
});
