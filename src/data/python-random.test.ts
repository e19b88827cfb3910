// Expected values come from CPython 3.11.2 (`/usr/bin/python3`), e.g.
//   python3 -c "import random; r = random.Random(1234); print([r.sample(range(20), 5) for _ in range(40)])"
// and from /work/shared/reference/lm-eval-prompts/README.md ("Reproducing Python's random").
import { describe, expect, it } from 'vitest';
import { PythonRandom, pyRange, sampleSetSize } from './python-random.js';

// random.Random(1234); [r.sample(range(20), 5) for _ in range(40)]: the gsm8k 5-shot picks of docs 0..39.
const GSM8K_PICKS = [
  [14, 3, 0, 2, 1], [2, 3, 11, 7, 0], [0, 19, 11, 15, 14], [4, 2, 5, 3, 0], [16, 15, 7, 2, 14],
  [2, 19, 16, 1, 8], [17, 2, 9, 15, 11], [8, 7, 6, 14, 0], [16, 2, 0, 10, 4], [15, 12, 5, 1, 2],
  [18, 15, 5, 2, 6], [4, 0, 11, 3, 19], [9, 14, 1, 13, 8], [1, 5, 8, 4, 9], [4, 14, 1, 12, 11],
  [15, 10, 14, 19, 1], [15, 5, 14, 16, 17], [9, 8, 3, 5, 13], [13, 3, 16, 18, 15], [12, 8, 6, 11, 3],
  [5, 18, 8, 4, 10], [14, 2, 18, 12, 6], [1, 9, 19, 7, 2], [10, 9, 14, 2, 8], [2, 13, 6, 3, 12],
  [6, 14, 16, 7, 11], [6, 16, 13, 5, 19], [9, 1, 11, 4, 15], [17, 15, 10, 4, 16], [1, 5, 4, 2, 10],
  [5, 0, 1, 2, 4], [6, 1, 13, 12, 10], [6, 12, 8, 9, 13], [10, 18, 4, 2, 8], [8, 13, 12, 19, 3],
  [12, 8, 6, 9, 19], [1, 11, 14, 7, 15], [5, 12, 9, 0, 2], [15, 12, 9, 13, 19], [5, 12, 15, 19, 9],
];

describe('PythonRandom seeding and raw draws', () => {
  it('getrandbits(32) after Random(1234) (reference README)', () => {
    const r = new PythonRandom(1234);
    expect([r.getrandbits(32), r.getrandbits(32), r.getrandbits(32)]).toEqual([4150886329, 3342196574, 1892932127]);
  });

  it('random() is 53-bit and bit-exact', () => {
    const r0 = new PythonRandom(0);
    expect([r0.random(), r0.random(), r0.random()]).toEqual([0.8444218515250481, 0.7579544029403025, 0.420571580830845]);
    const r = new PythonRandom(42);
    expect([r.random(), r.random()]).toEqual([0.6394267984578837, 0.025010755222666936]);
    // the same generator continues: getrandbits(7), (40), (53), (100)
    expect(r.getrandbits(7)).toBe(35);
    expect(r.getrandbits(40)).toBe(245864938384);
    expect(r.getrandbits(53)).toBe(6633543228244457);
    expect(r.getrandbitsBig(100)).toBe(1167876019479626170561453694887n);
  });

  it('negative, multi-word and str seeds', () => {
    const neg = new PythonRandom(-7);
    expect([neg.getrandbits(32), neg.getrandbits(32)]).toEqual([1390851128, 4071050724]);
    const big = new PythonRandom(2n ** 64n + 5n);
    expect([big.getrandbits(32), big.getrandbits(32)]).toEqual([2192917427, 3085273184]);
    const str = new PythonRandom('hello');
    expect([str.getrandbits(32), str.getrandbits(32)]).toEqual([1519453933, 3618488475]);
  });

  it('rejects bad arguments', () => {
    expect(() => new PythonRandom(0.5)).toThrow(RangeError);
    expect(() => new PythonRandom(1).randbelow(0)).toThrow(RangeError);
    expect(() => new PythonRandom(1).getrandbits(54)).toThrow(RangeError);
    expect(() => new PythonRandom(1).choice([])).toThrow('Cannot choose from an empty sequence');
    expect(() => new PythonRandom(1).sample([1, 2], 3)).toThrow(RangeError);
  });
});

describe('PythonRandom.sample', () => {
  it('reproduces the 40 gsm8k 5-shot picks from a pool of 20 (pool branch)', () => {
    const r = new PythonRandom(1234);
    const pool = pyRange(20);
    expect(GSM8K_PICKS.map(() => r.sample(pool, 5))).toEqual(GSM8K_PICKS);
  });

  it('uses the set branch for the full GSM8K train pool of 7473', () => {
    const r = new PythonRandom(1234);
    const pool = pyRange(7473);
    expect(r.sample(pool, 5)).toEqual([6374, 3610, 957, 61, 742]);
    expect(r.sample(pool, 5)).toEqual([7462, 6610, 4769, 286, 5501]);
  });

  it('setsize rule: 21, or 21 + 4 ** ceil(log(3k, 4)) when k > 5', () => {
    const ks = [1, 5, 6, 7, 21, 22, 100, 341, 342, 1000];
    expect(ks.map(sampleSetSize)).toEqual([21, 21, 85, 85, 85, 277, 1045, 1045, 4117, 4117]);
  });

  it('switches branch exactly at the setsize boundary (n = 85 pool, n = 86 set for k = 6)', () => {
    const r = new PythonRandom(99);
    expect(r.sample(pyRange(85), 6)).toEqual([51, 48, 25, 76, 22, 29]);
    expect(r.sample(pyRange(86), 6)).toEqual([31, 17, 11, 32, 49, 67]);
    expect(r.sample([...'abcdefghijklmnopqrstuvwxyz'], 26).slice(0, 8)).toEqual(['v', 'w', 'r', 'c', 't', 'p', 'g', 'n']);
  });

  it('set branch with a large population', () => {
    const r = new PythonRandom(3);
    expect(r.sample(pyRange(50), 3)).toEqual([15, 37, 34]);
    expect(r.sample(pyRange(1_000_000), 4)).toEqual([136758, 387926, 960437, 633256]);
  });
});

describe('PythonRandom.randrange, randint and uniform', () => {
  it('match CPython on one stream', () => {
    const r = new PythonRandom(2024);
    const got = [r.randrange(10), r.randrange(5, 15), r.randrange(0, 100, 7), r.randrange(20, 0, -3), r.randint(1, 6), r.randint(-5, 5), r.randrange(2 ** 40)];
    expect(got).toEqual([7, 7, 77, 8, 3, -2, 779529268711]);
    expect(r.uniform(2.5, 10.0)).toBe(5.619040757082178);
  });

  it('rejects empty ranges and a zero step', () => {
    const r = new PythonRandom(1);
    expect(() => r.randrange(0)).toThrow('empty range for randrange()');
    expect(() => r.randrange(5, 5)).toThrow('empty range');
    expect(() => r.randrange(0, 10, 0)).toThrow('zero step');
    expect(() => r.randrange(0, 10, -1)).toThrow('empty range');
  });
});

describe('PythonRandom.shuffle and choice', () => {
  it('match CPython on one stream', () => {
    const r = new PythonRandom(1234);
    const x = pyRange(10);
    r.shuffle(x);
    expect(x).toEqual([2, 8, 3, 5, 6, 4, 9, 0, 1, 7]);
    expect(r.choice([...'abcdefg'])).toBe('b');
    expect(r.choice(pyRange(1000))).toBe(17);
  });
});
