// CPython's `random.Random` (Modules/_randommodule.c + Lib/random.py, 3.11): MT19937 seeded by
// init_by_array, so few-shot picks match lm-evaluation-harness exactly. Only the draws the
// harness uses are here; each consumes the generator exactly as CPython does.
import { createHash } from 'node:crypto';

const N = 624;
const M = 397;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const MATRIX_A = 0x9908b0df;

/** A seed as Python accepts it: an int (number or bigint; the sign is ignored) or a str. */
export type PythonSeed = number | bigint | string;

export class PythonRandom {
  private readonly mt = new Uint32Array(N);
  private mti = N + 1;

  constructor(seed: PythonSeed) {
    this.seed(seed);
  }

  /** `random.seed(a)` (version 2): an int becomes the 32-bit little-endian words of |a|; a str is
   * `int.from_bytes(a.encode() + sha512(a.encode()).digest(), 'big')`. */
  seed(seed: PythonSeed): void {
    let value: bigint;
    if (typeof seed === 'string') {
      const bytes = Buffer.from(seed, 'utf8');
      const all = Buffer.concat([bytes, createHash('sha512').update(bytes).digest()]);
      value = BigInt(`0x${all.toString('hex')}`);
    } else if (typeof seed === 'bigint') {
      value = seed;
    } else {
      if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, a bigint or a string, got ${seed}`);
      value = BigInt(seed);
    }
    if (value < 0n) value = -value;
    const key: number[] = [];
    do {
      key.push(Number(value & 0xffffffffn));
      value >>= 32n;
    } while (value > 0n);
    this.initByArray(key);
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]!;
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
    this.mti = N;
  }

  private initByArray(key: readonly number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1]!;
      mt[i] = (((mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1664525)) >>> 0) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]!;
      mt[i] = (((mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1566083941)) >>> 0) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  /** genrand_uint32: the next 32-bit output of the twister. */
  nextUint32(): number {
    const mt = this.mt;
    if (this.mti >= N) {
      let kk = 0;
      let y: number;
      for (; kk < N - M; kk++) {
        y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
        mt[kk] = mt[kk + M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      for (; kk < N - 1; kk++) {
        y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
        mt[kk] = mt[kk + (M - N)]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      y = (mt[N - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK);
      mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      this.mti = 0;
    }
    let y = mt[this.mti++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `random()`: a float in [0, 1) with 53 random bits (two draws). */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `getrandbits(k)` for k <= 53, as a number: 32-bit words, least significant first, the last
   * one keeping its top bits (as CPython fills a little-endian word array). */
  getrandbits(k: number): number {
    if (!Number.isInteger(k) || k < 0 || k > 53) throw new RangeError(`getrandbits takes 0 <= k <= 53 here (use getrandbitsBig), got ${k}`);
    if (k <= 32) return k === 0 ? 0 : this.nextUint32() >>> (32 - k);
    const low = this.nextUint32();
    const high = this.nextUint32() >>> (64 - k);
    return high * 4294967296 + low;
  }

  /** `getrandbits(k)` for any k >= 0. */
  getrandbitsBig(k: number): bigint {
    if (!Number.isInteger(k) || k < 0) throw new RangeError(`getrandbits takes k >= 0, got ${k}`);
    let out = 0n;
    for (let shift = 0n, left = k; left > 0; shift += 32n, left -= 32) {
      let r = this.nextUint32();
      if (left < 32) r >>>= 32 - left;
      out |= BigInt(r) << shift;
    }
    return out;
  }

  /** `_randbelow(n)` (`_randbelow_with_getrandbits`): rejection sampling on bit_length(n) bits. */
  randbelow(n: number): number {
    if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`randbelow needs a positive safe integer, got ${n}`);
    const k = bitLength(n);
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /** `randrange(stop)` or `randrange(start, stop, step)` (Lib/random.py 3.11, integer arguments). */
  randrange(start: number, stop?: number, step = 1): number {
    for (const [name, v] of [['start', start], ['stop', stop ?? 0], ['step', step]] as const) {
      if (!Number.isSafeInteger(v)) throw new RangeError(`randrange ${name} must be a safe integer, got ${v}`);
    }
    if (stop === undefined) {
      if (step !== 1) throw new RangeError('Missing a non-None stop argument');
      if (start > 0) return this.randbelow(start);
      throw new RangeError('empty range for randrange()');
    }
    const width = stop - start;
    if (step === 1) {
      if (width > 0) return start + this.randbelow(width);
      throw new RangeError(`empty range for randrange() (${start}, ${stop}, ${width})`);
    }
    if (step === 0) throw new RangeError('zero step for randrange()');
    const n = step > 0 ? Math.floor((width + step - 1) / step) : Math.floor((width + step + 1) / step);
    if (n <= 0) throw new RangeError(`empty range for randrange() (${start}, ${stop}, ${step})`);
    return start + step * this.randbelow(n);
  }

  /** `randint(a, b)`: `randrange(a, b + 1)`. */
  randint(a: number, b: number): number {
    return this.randrange(a, b + 1);
  }

  /** `uniform(a, b)`: `a + (b - a) * random()`. */
  uniform(a: number, b: number): number {
    return a + (b - a) * this.random();
  }

  /** `choice(seq)`. */
  choice<T>(seq: readonly T[]): T {
    if (seq.length === 0) throw new RangeError('Cannot choose from an empty sequence');
    return seq[this.randbelow(seq.length)]!;
  }

  /** `shuffle(x)` in place (Fisher-Yates from the end, as CPython). */
  shuffle<T>(x: T[]): void {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      const t = x[i]!;
      x[i] = x[j]!;
      x[j] = t;
    }
  }

  /** `sample(population, k)`: a pool for small populations, else a set of drawn indices
   * (CPython's setsize rule decides, and it changes which numbers come out). */
  sample<T>(population: readonly T[], k: number): T[] {
    const n = population.length;
    if (!Number.isInteger(k) || k < 0 || k > n) throw new RangeError(`Sample larger than population or is negative (k=${k}, n=${n})`);
    const result: T[] = new Array<T>(k);
    if (n <= sampleSetSize(k)) {
      const pool = population.slice();
      for (let i = 0; i < k; i++) {
        const j = this.randbelow(n - i);
        result[i] = pool[j]!;
        pool[j] = pool[n - i - 1]!;
      }
    } else {
      const selected = new Set<number>();
      for (let i = 0; i < k; i++) {
        let j = this.randbelow(n);
        while (selected.has(j)) j = this.randbelow(n);
        selected.add(j);
        result[i] = population[j]!;
      }
    }
    return result;
  }
}

/** `21 + 4 ** ceil(log(3k, 4))` for k > 5, else 21: above it, sample() uses a set. The float
 * `log(x) / log(4)` is what CPython's math.log(x, 4) computes. */
export function sampleSetSize(k: number): number {
  let setsize = 21;
  if (k > 5) setsize += 4 ** Math.ceil(Math.log(k * 3) / Math.log(4));
  return setsize;
}

function bitLength(n: number): number {
  return n < 4294967296 ? 32 - Math.clz32(n) : 32 + bitLength(Math.floor(n / 4294967296));
}

/** `range(n)` as an array, for `sample(range(n), k)`. */
export function pyRange(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
