// `assay significance` end to end: files on disk → main() → exact output. Expected numbers are
// sacrebleu 2.6.0's `significance.PairedTest` (as its CLI calls it) run on these files with numpy's
// generator replaced by an independent Python port of assay's Rng, so they are exact for our seed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIO } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import { closeTo } from './support/shared.js';

const DATA = {
  ref1: [
    'The cat sat on the mat.',
    'A quick brown fox jumps over the lazy dog.',
    'Results were reported with confidence intervals.',
    'She sells sea shells by the sea shore.',
    'Paired tests compare two systems on the same segments.',
    'The weather was cold, but the sun was out.',
    'Every resampling takes an explicit seed.',
    'Numbers such as 3.14 and 1,000 appear in text.',
    'Machine translation output is scored against references.',
    "He didn't know where the station was.",
  ],
  ref2: [
    'A cat was sitting on the mat.',
    'The quick brown fox jumped over a lazy dog.',
    'Results are reported with confidence intervals.',
    'She sells seashells on the sea shore.',
    'Paired tests compare two systems on identical segments.',
    'It was cold, but the sun was shining.',
    'Each resampling takes an explicit seed.',
    'Numbers like 3.14 and 1,000 appear in the text.',
    'MT output is scored against reference translations.',
    'He did not know where the station was.',
  ],
  base: [
    'The cat sat on a mat.',
    'A quick brown fox jumps over lazy dog.',
    'Results were reported with intervals.',
    'She sells shells by the shore.',
    'Paired tests compare systems on the same segments.',
    'The weather was cold but sunny.',
    'Every resampling takes a seed.',
    'Numbers such as 3.14 appear in text.',
    'Translation output is scored against references.',
    "He didn't know where the station is.",
  ],
  sys1: [
    'The cat sat on the mat.',
    'A quick brown fox jumps over the lazy dog.',
    'Results were reported with confidence intervals.',
    'She sells sea shells by the shore.',
    'Paired tests compare two systems on the same segments.',
    'The weather was cold, but the sun was out.',
    'Every resampling takes an explicit seed.',
    'Numbers such as 3.14 and 1,000 appear in text.',
    'Machine translation output is scored against references.',
    "He didn't know where the station was.",
  ],
  sys2: [
    'The cat sat on the mat.',
    'A quick fox jumps over lazy dog.',
    'Results were reported with intervals.',
    'She sells sea shells by the shore.',
    'Paired tests compare systems on segments.',
    'The weather was cold but sunny.',
    'Every resampling takes an explicit seed.',
    'Numbers such as 3.14 appear in the text.',
    'Translation output is scored against references.',
    'He did not know where the station is.',
  ],
};

let dir = '';
const file = (name: string): string => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'assay-significance-'));
  for (const [name, lines] of Object.entries(DATA)) writeFileSync(file(`${name}.txt`), `${lines.join('\n')}\n`);
  // Trailing spaces are right-stripped as sacrebleu's command line does: same scores as base.txt.
  writeFileSync(file('base-spaces.txt'), `${DATA.base.map((l) => `${l}  `).join('\n')}\n`);
  writeFileSync(file('short.txt'), `${DATA.sys1.slice(0, 9).join('\n')}\n`);
  writeFileSync(file('bad-utf8.txt'), Buffer.concat([Buffer.from(`${DATA.sys1.slice(0, 2).join('\n')}\nab`), Buffer.from([0xc3, 0x28]), Buffer.from(`\n${DATA.sys1.slice(3).join('\n')}\n`)]));
  writeFileSync(file('empty.txt'), '');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = bufferIO();
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

interface JsonEntry {
  name: string;
  score: number;
  mean: number | null;
  ci: number | null;
  p_value: number | null;
}

function expectEntry(actual: JsonEntry, expected: [string, number, number | null, number | null, number | null], rel = 1e-9): void {
  const [name, score, p, mean, ci] = expected;
  expect(actual.name).toBe(name);
  const close = (a: number | null, e: number | null, what: string): void => {
    if (e === null) expect(a, what).toBeNull();
    else expect(a !== null && closeTo(a, e, rel), `${name} ${what}: ${a} vs ${e}`).toBe(true);
  };
  close(actual.score, score, 'score');
  close(actual.p_value, p, 'p');
  close(actual.mean, mean, 'mean');
  close(actual.ci, ci, 'ci');
}

describe('assay significance', () => {
  const bleuArgs = () => ['significance', '-m', 'bleu', '--ref', file('ref1.txt'), '--ref', file('ref2.txt'), '--baseline', file('base.txt'), '--system', file('sys1.txt'), '--system', file('sys2.txt')];

  it('paired bootstrap, BLEU, two references: sacrebleu-style table', async () => {
    const r = await run([...bleuArgs(), '--paired-bs', '1000', '-w', '2']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const b = file('base.txt');
    const s1 = file('sys1.txt');
    const s2 = file('sys2.txt');
    const nameWidth = `Baseline: ${b}`.length;
    const row = (name: string, rest: string) => `${name.padEnd(nameWidth)}   ${rest}`.trimEnd();
    expect(r.stdout).toBe(
      [
        'Paired bootstrap resampling test with 1000 resamples, seed 12345, 10 segments',
        '',
        row('System', ' BLEU      μ ± 95% CI   p-value'),
        row(`Baseline: ${b}`, '54.38   54.25 ± 10.41'),
        row(s1, '98.01    98.03 ± 3.23   0.0010 *'),
        row(s2, '61.87   61.65 ± 16.00   0.1678'),
        '',
        '* p <= 0.05: the difference from the baseline is unlikely to be due to chance (it says "different", not "better").',
        'μ ± 95% CI: mean of the bootstrap scores and half the width of their 95% interval.',
        'signature: nrefs:2|bs:1000|seed:12345|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0',
        '',
      ].join('\n'),
    );
  });

  it('paired bootstrap, BLEU: JSON with full-precision values', async () => {
    const r = await run([...bleuArgs(), '--paired-bs', '1000', '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { method: string; n: number; seed: number; segments: number; signature: string; baseline: JsonEntry; systems: JsonEntry[] };
    expect({ method: out.method, n: out.n, seed: out.seed, segments: out.segments, signature: out.signature }).toEqual({
      method: 'paired-bs',
      n: 1000,
      seed: 12345,
      segments: 10,
      signature: 'nrefs:2|bs:1000|seed:12345|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0',
    });
    expectEntry(out.baseline, [file('base.txt'), 54.376612649844866, null, 54.252555797882835, 10.40502293444029]);
    expect(out.systems).toHaveLength(2);
    expectEntry(out.systems[0], [file('sys1.txt'), 98.01044489879175, 0.000999000999000999, 98.02697042276174, 3.227901103082985]);
    expectEntry(out.systems[1], [file('sys2.txt'), 61.871343042579014, 0.16783216783216784, 61.65454700003813, 15.997340305809818]);
  });

  it('approximate randomization, chrF, seed 7, with bootstrap confidence', async () => {
    const args = ['significance', '-m', 'chrf', '--ref', file('ref1.txt'), '--baseline', file('base-spaces.txt'), '--system', file('sys1.txt'), '--system', file('sys2.txt')];
    const r = await run([...args, '--paired-ar', '2000', '--ar-confidence', '300', '--seed', '7', '--format', 'json']);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { method: string; n: number; confidence_n: number; seed: number; signature: string; score_name: string; baseline: JsonEntry; systems: JsonEntry[] };
    expect([out.method, out.n, out.confidence_n, out.seed, out.score_name]).toEqual(['paired-ar', 2000, 300, 7, 'chrF2']);
    expect(out.signature).toBe('nrefs:1|bs:300|ar:2000|seed:7|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0');
    // sacrebleu divides chrF's float32 resampled statistics in float32: means/CIs agree to ~1e-7.
    expectEntry(out.baseline, [file('base-spaces.txt'), 76.7300707841035, null, 76.5884128024099, 6.721984854296686], 1e-6);
    expectEntry(out.systems[0], [file('sys1.txt'), 98.75810487050829, 0.0004997501249375312, 98.78973939943734, 1.9474930789502665], 1e-6);
    expectEntry(out.systems[1], [file('sys2.txt'), 76.30495941999887, 0.9340329835082459, 76.11695052855025, 8.885231331010814], 1e-6);
    // Without --ar-confidence there is no mean or CI, and the text table leaves that column out.
    const text = await run([...args, '--paired-ar', '2000', '--seed', '7']);
    expect(text.stdout.split('\n').slice(0, 4)).toEqual([
      'Paired approximate randomization test with 2000 trials, seed 7, 10 segments',
      '',
      `${'System'.padEnd(`Baseline: ${file('base-spaces.txt')}`.length)}   chrF2   p-value`,
      `Baseline: ${file('base-spaces.txt')}    76.7`,
    ]);
    expect(text.stdout).toContain(`${file('sys2.txt').padEnd(`Baseline: ${file('base-spaces.txt')}`.length)}    76.3   0.9340\n`);
  });

  it('rejects bad input with one line and exit status 2', async () => {
    const cases: [string[], string][] = [
      [['significance', '-m', 'bleu', '--ref', file('ref1.txt'), '--baseline', file('base.txt'), '--paired-bs'], 'assay: error: need at least two systems: give --baseline A.txt and at least one --system B.txt\n'],
      [
        ['significance', '-m', 'bleu', '--ref', file('ref1.txt'), '--baseline', file('base.txt'), '--system', file('short.txt'), '--paired-bs'],
        `assay: error: line counts differ: ${file('ref1.txt')} has 10 lines, ${file('base.txt')} has 10 lines, ${file('short.txt')} has 9 lines; every system must be parallel to the references\n`,
      ],
      [
        ['significance', '-m', 'bleu', '--ref', file('ref1.txt'), '--baseline', file('base.txt'), '--system', file('bad-utf8.txt'), '--paired-bs'],
        `assay: error: ${file('bad-utf8.txt')}:3: invalid UTF-8 at byte 4 of the line\n`,
      ],
      [
        ['significance', '-m', 'bleu', '--ref', file('ref1.txt'), '--baseline', file('base.txt'), '--system', file('sys1.txt'), '--paired-bs', '--paired-ar'],
        'assay: error: give either --paired-bs or --paired-ar, not both\n',
      ],
      [
        ['significance', '-m', 'bleu', '--ref', file('ref1.txt'), '--baseline', file('base.txt'), '--system', file('sys1.txt')],
        'assay: error: choose a test: --paired-bs [N] (paired bootstrap resampling) or --paired-ar [N] (approximate randomization)\n',
      ],
      [
        ['significance', '-m', 'bleu', '--ref', file('ref1.txt'), '--baseline', file('base.txt'), '--system', file('sys1.txt'), '--paired-bs', '0'],
        'assay: error: --paired-bs expects an integer from 1 to 10000000, got "0"\n',
      ],
      [
        ['significance', '-m', 'chrf', '--tokenize', 'intl', '--ref', file('ref1.txt'), '--baseline', file('base.txt'), '--system', file('sys1.txt'), '--paired-bs'],
        'assay: error: option --tokenize does not apply to metric "chrf" (it applies to: bleu)\n',
      ],
      [
        ['significance', '-m', 'bleu', '--ref', file('empty.txt'), '--baseline', file('empty.txt'), '--system', file('empty.txt'), '--paired-bs'],
        `assay: error: system file ${file('empty.txt')} is given twice; every system needs its own file\n`,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect(r.stderr, args.join(' ')).toBe(message);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
    }
  });
});
