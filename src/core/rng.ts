// assay's one seeded PRNG: xoshiro128** (Blackman & Vigna 2018), state filled by SplitMix32
// from a 32-bit seed. Chosen because it is fast with 32-bit integer arithmetic in JavaScript,
// passes BigCrush, and is fully reproducible across platforms. Every resampling in assay takes
// a seed and reports it. (Python's Mersenne Twister, needed to pick the same few-shot examples
// as lm-evaluation-harness, is a separate module.)

export const DEFAULT_SEED = 12345;

function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [next, z >>> 0];
}

export class Rng {
  readonly seed: number;
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number = DEFAULT_SEED) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`seed must be an integer in [0, 2^32), got ${seed}`);
    }
    this.seed = seed;
    let st = seed | 0;
    let v: number;
    [st, v] = splitmix32(st);
    this.s0 = v;
    [st, v] = splitmix32(st);
    this.s1 = v;
    [st, v] = splitmix32(st);
    this.s2 = v;
    [, v] = splitmix32(st);
    this.s3 = v;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n), unbiased (modulo with rejection of the short last block), n <= 2^32. */
  intBelow(n: number): number {
    if (!(n > 0) || n > 0x100000000 || !Number.isInteger(n)) throw new RangeError(`intBelow: bad bound ${n}`);
    const limit = 0x100000000 - (0x100000000 % n);
    while (true) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** A fair coin: 0 or 1. */
  bit(): number {
    return this.nextUint32() >>> 31;
  }

  /** In-place Fisher-Yates shuffle. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.intBelow(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
