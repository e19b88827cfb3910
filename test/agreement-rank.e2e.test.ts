// End to end: `assay agreement` and `assay rank` on temporary files, through main() with buffers.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferIO } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import type { Battle } from '../src/stats/battles.js';
import { computeAgreement } from '../src/stats/agreement.js';
import { rankModels } from '../src/stats/ranking.js';
import { closeTo, readJsonl } from './support/shared.js';

const dir = mkdtempSync(join(tmpdir(), 'assay-agreement-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = bufferIO();
  const code = await main(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

// Krippendorff (2011): 4 observers x 12 units; long format, missing ratings simply absent.
const K2011 = [
  [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
  [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
];
const longRows = K2011.flatMap((row, c) => row.flatMap((v, u) => (v === null ? [] : [{ item: `unit${u + 1}`, annotator: `obs${c + 1}`, label: v }])));
const k2011Csv = file('k2011.csv', `item,annotator,label\n${longRows.map((r) => `${r.item},${r.annotator},${r.label}`).join('\n')}\n`);
const k2011Jsonl = file('k2011.jsonl', `${longRows.map((r) => JSON.stringify(r)).join('\n')}\n`);

describe('assay agreement', () => {
  it.each([
    ['nominal', 0.743421052631579],
    ['ordinal', 0.8153875037548813],
    ['interval', 0.8491071428571428],
    ['ratio', 0.797402774711612],
  ])("reproduces Krippendorff's 2011 example, %s level (CSV and JSONL)", async (level, expected) => {
    for (const input of [k2011Csv, k2011Jsonl]) {
      const out = await run('agreement', '--input', input, '--metric', 'krippendorff', '--level', level, '--bootstrap', '0', '--format', 'json');
      expect(out.code).toBe(0);
      const json = JSON.parse(out.stdout);
      expect(closeTo(json.value, expected)).toBe(true);
      expect(json).toMatchObject({ metric: 'krippendorff', level, n_items: 11, n_annotators: 4, ci: null, seed: 12345 });
    }
  });

  it('prints text with the interval, n and the signature', async () => {
    const out = await run('agreement', '--input', k2011Csv, '--metric', 'krippendorff', '--bootstrap', '500', '--seed', '4');
    const json = JSON.parse((await run('agreement', '--input', k2011Csv, '--metric', 'krippendorff', '--bootstrap', '500', '--seed', '4', '--format', 'json')).stdout);
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(
      `Krippendorff's alpha (nominal): 0.7434\n` +
        `95% CI [${json.ci.low.toFixed(4)}, ${json.ci.high.toFixed(4)}] (percentile bootstrap over items, 500 resamples, seed 4)\n` +
        'items: 11  annotators: 4\n' +
        'signature: metric:krippendorff|level:nominal|boot:500|seed:4|assay:0.1.0\n',
    );
    // The same interval as the library on the matrix the file describes (items and annotators in file order).
    const units = K2011[0].map((_, u) => u).filter((u) => K2011.some((row) => row[u] !== null));
    const matrix = { items: units.map((u) => `unit${u + 1}`), annotators: K2011.map((_, c) => `obs${c + 1}`), ratings: units.map((u) => K2011.map((row) => row[u])) };
    const order = [...new Set(longRows.map((r) => r.item))];
    const sorted = { ...matrix, items: order, ratings: order.map((item) => matrix.ratings[matrix.items.indexOf(item)]) };
    expect(json.ci).toEqual(computeAgreement(sorted, { metric: 'krippendorff', bootstrap: 500, seed: 4 }).ci);
    expect(json.ci).toMatchObject({ confidence: 0.95, method: 'percentile', n_boot: 500, n_valid: 500 });
  });

  it("cohen's kappa on text labels equals sklearn (quoted CSV fields, any column order)", async () => {
    // sklearn.metrics.cohen_kappa_score(['yes','no','yes','maybe','no','yes'], ['yes','no','no','maybe','no','maybe']) = 0.5199999999999999
    const y1 = ['yes', 'no', 'yes', 'maybe', 'no', 'yes'];
    const y2 = ['yes', 'no', 'no', 'maybe', 'no', 'maybe'];
    const rows = y1.flatMap((v, i) => [`"${v}",i${i},"ann, A"`, `${y2[i]},i${i},ann B`]);
    const input = file('cohen.csv', `label,item,annotator\n${rows.join('\n')}\n`);
    const out = await run('agreement', '--input', input, '--metric', 'cohen', '--format', 'json', '--bootstrap', '0');
    expect(out.stderr).toBe('');
    const json = JSON.parse(out.stdout);
    expect(closeTo(json.value, 0.5199999999999999)).toBe(true);
    expect({ ...json, value: 0 }).toEqual({
      metric: 'cohen',
      level: 'nominal',
      weights: null,
      value: 0,
      n_items: 6,
      n_annotators: 2,
      ci: null,
      seed: 12345,
      signature: 'metric:cohen|level:nominal|weights:none|boot:0|seed:12345|assay:0.1.0',
    });
  });

  it("fleiss' kappa equals statsmodels on the same table", async () => {
    // statsmodels fleiss_kappa([[2,1],[3,0],[0,3],[1,2]]) = 0.1111111111111111 (categories a, b).
    const table = [['a', 'a', 'b'], ['a', 'a', 'a'], ['b', 'b', 'b'], ['a', 'b', 'b']];
    const input = file('fleiss.jsonl', table.flatMap((r, i) => r.map((l, j) => JSON.stringify({ item: i, annotator: `r${j}`, label: l }))).join('\n'));
    const out = await run('agreement', '--input', input, '--metric', 'fleiss', '--bootstrap', '0');
    expect(out.stdout).toBe("Fleiss' kappa (nominal): 0.3333\nitems: 4  annotators: 3\nsignature: metric:fleiss|level:nominal|method:fleiss|boot:0|seed:12345|assay:0.1.0\n");
  });

  it('reports bad input as one line with exit 2', async () => {
    const cases: [string[], string][] = [
      [['--input', k2011Csv, '--metric', 'krippendorff', '--level', 'intervall'], 'assay: error: unknown level "intervall"; did you mean "interval"? (valid: nominal, ordinal, interval, ratio)\n'],
      [['--input', file('short.csv', 'item,annotator,label\na,x,1\nb,x\n'), '--metric', 'krippendorff'], `assay: error: ${dir}/short.csv:3 field "label": missing value (the row has 2 fields; expected item,annotator,label)\n`],
      [['--input', file('nolabel.jsonl', '{"item":"a","annotator":"x","label":1}\n{"item":"a","annotator":"y"}\n'), '--metric', 'krippendorff'], `assay: error: ${dir}/nolabel.jsonl:2 field "label": missing: expected a string or a number\n`],
      [['--input', k2011Csv, '--metric', 'cohen'], `assay: error: ${k2011Csv}: cohen's kappa compares exactly 2 annotators, found 4 (obs1, obs2, obs3, obs4); use fleiss or krippendorff for more\n`],
      [['--input', k2011Csv, '--metric', 'fleiss'], `assay: error: ${k2011Csv}: fleiss' kappa needs the same number of ratings for every item; item "unit1" has 3, item "unit2" has 4 (use krippendorff for missing ratings)\n`],
      [['--input', file('single.csv', 'item,annotator,label\na,x,1\nb,y,2\nc,x,3\n'), '--metric', 'krippendorff'], `assay: error: ${dir}/single.csv: no item has two or more ratings (3 items, 2 annotators): there is nothing to agree on\n`],
      [['--input', file('dup.csv', 'item,annotator,label\na,x,1\na,x,2\n'), '--metric', 'krippendorff'], `assay: error: ${dir}/dup.csv:3: annotator "x" already rated item "a" on line 2\n`],
      [['--input', k2011Csv, '--metric', 'fleiss', '--weights', 'linear'], 'assay: error: --weights applies to --metric cohen only, not fleiss\n'],
      [['--input', file('r.txt', ''), '--metric', 'cohen'], `assay: error: --input ${dir}/r.txt: expected a .csv or .jsonl file of item, annotator, label ratings\n`],
    ];
    for (const [argv, stderr] of cases) {
      const out = await run('agreement', ...argv);
      expect({ code: out.code, stderr: out.stderr, stdout: out.stdout }).toEqual({ code: 2, stderr, stdout: '' });
    }
  });
});

interface BtCase {
  id: string;
  input: { models: string[]; battles: { model_a: string; model_b: string; winner: 'a' | 'b' | 'tie' }[] };
  expected: { bt_ratings: Record<string, number>; online_elo_ratings: Record<string, number> };
}

describe('assay rank', () => {
  const WINNER = { a: 'model_a', b: 'model_b', tie: 'tie' } as const;
  const ref = readJsonl<BtCase>('reference', 'stats', 'bradley_terry.jsonl').find((c) => c.id === 'bt-public-003') as BtCase;
  const battles: Battle[] = ref.input.battles.map((b) => ({ model_a: b.model_a, model_b: b.model_b, winner: WINNER[b.winner] }));
  const input = file('battles.jsonl', `${battles.map((b) => JSON.stringify(b)).join('\n')}\n`);
  // The reference pins its first *listed* model at 1000; the CLI pins the first model in the file.
  const anchor = battles[0].model_a;

  it('Bradley-Terry ratings equal the reference (1e-4) after the anchor shift, best first', async () => {
    const out = await run('rank', '--battles', input, '--bootstrap', '0', '--format', 'json');
    expect(out.code).toBe(0);
    const json = JSON.parse(out.stdout) as { ratings: { model: string; rating: number; rank: number; ci_low: null }[]; anchor: string };
    expect(json.anchor).toBe(anchor);
    const shift = 1000 - ref.expected.bt_ratings[anchor];
    const expected = Object.entries(ref.expected.bt_ratings).sort((x, y) => y[1] - x[1]);
    expect(json.ratings.map((r) => r.model)).toEqual(expected.map(([m]) => m));
    json.ratings.forEach((r, i) => expect(Math.abs(r.rating - (expected[i][1] + shift))).toBeLessThanOrEqual(1e-4));
    expect(json.ratings.map((r) => r.rank)).toEqual(expected.map((_, i) => i + 1));
  });

  it('online Elo equals the reference exactly (1e-9)', async () => {
    const out = await run('rank', '--battles', input, '--method', 'elo', '--bootstrap', '0', '--format', 'json');
    const json = JSON.parse(out.stdout) as { ratings: { model: string; rating: number }[] };
    for (const r of json.ratings) expect(closeTo(r.rating, ref.expected.online_elo_ratings[r.model])).toBe(true);
  });

  it('bootstrap intervals and ranks are the library result for the seed', async () => {
    const out = await run('rank', '--battles', input, '--bootstrap', '200', '--seed', '8', '--format', 'json');
    expect(JSON.parse(out.stdout)).toEqual(JSON.parse(JSON.stringify(rankModels(battles, { bootstrap: 200, seed: 8 }))));
    const text = await run('rank', '--battles', input, '--bootstrap', '200', '--seed', '8');
    const lib = rankModels(battles, { bootstrap: 200, seed: 8 });
    const top = lib.ratings[0];
    expect(text.stdout.split('\n')[0]).toBe(`Bradley-Terry ratings (${anchor} = 1000), 1000 battles; 95% CI from 200 bootstrap resamples of battles (seed 8)`);
    expect(text.stdout.split('\n')[2]).toContain(`${top.model}`);
    expect(text.stdout.split('\n')[2]).toContain(`[${(top.ci_low as number).toFixed(1)}, ${(top.ci_high as number).toFixed(1)}]`);
  });

  it('reports a bad battle line as file:line, exit 2', async () => {
    const cases: [string, string][] = [
      ['{"model_a":"x","model_b":"y","winner":"model_a"}\n{"model_a":"x","model_b":"y","winner":"a"}\n', ':2 field "winner": winner "a" is not "model_a", "model_b" or "tie"'],
      ['{"model_a":"x","model_b":"y","winner":"tie"}\n\n{"model_b":"y","winner":"tie"}\n', ':3 field "model_a": missing: expected a non-empty model name'],
      ['{"model_a":"x","model_b":"y","winner":"tie"}\nnot json\n', ':2: not valid JSON'],
      ['{"model_a":"x","model_b":"x","winner":"tie"}\n', ':1 field "model_b": model "x" plays itself'],
    ];
    for (const [text, message] of cases) {
      const path = file('bad.jsonl', text);
      const out = await run('rank', '--battles', path);
      expect(out.code).toBe(2);
      expect(out.stderr.startsWith(`assay: error: ${path}${message}`), out.stderr).toBe(true);
      expect(out.stderr.split('\n').length).toBe(2);
    }
  });

  it('says when the Bradley-Terry MLE does not exist', async () => {
    const path = file('unbeaten.jsonl', '{"model_a":"x","model_b":"y","winner":"model_a"}\n{"model_a":"y","model_b":"x","winner":"model_b"}\n');
    const out = await run('rank', '--battles', path, '--bootstrap', '0');
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(`assay: error: ${path}: no finite Bradley-Terry ratings: "x" never lost or tied, "y" never won or tied (every split of the models into two groups needs a win or tie each way)\n`);
  });
});
