// Run ids after the ULID spec (github.com/ulid/spec): 48-bit millisecond time then 80 random
// bits, 26 Crockford base-32 characters, so ids sort by creation time as strings. Monotonic
// within a generator: ids made in the same millisecond increment the random part.
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;
const RANDOM_MAX = (1n << 80n) - 1n;
const TIME_MAX = 2 ** 48 - 1;

export const RUN_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

function encode(value: bigint, chars: number): string {
  let out = '';
  for (let i = 0; i < chars; i++) {
    out = ALPHABET[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

export type RunIdGenerator = (time: number) => string;

/** A generator of sortable ids; `random` returns `n` random bytes (crypto by default). */
export function createRunIdGenerator(random: (n: number) => Uint8Array = randomBytes): RunIdGenerator {
  let lastTime = -1;
  let lastRandom = 0n;
  return (time: number): string => {
    const ms = Math.floor(time);
    if (!(ms >= 0 && ms <= TIME_MAX)) throw new RangeError(`run id time ${time} is outside 0..2^48-1 ms`);
    if (ms <= lastTime) {
      // Same (or an earlier, clock-skewed) millisecond: keep order by counting up from the last id.
      if (lastRandom === RANDOM_MAX) throw new RangeError('run id random part overflowed within one millisecond');
      lastRandom += 1n;
    } else {
      lastTime = ms;
      lastRandom = 0n;
      for (const byte of random(10)) lastRandom = (lastRandom << 8n) | BigInt(byte);
    }
    return encode(BigInt(lastTime), TIME_CHARS) + encode(lastRandom, RANDOM_CHARS);
  };
}

/** The creation time encoded in a run id, in ms since the epoch. */
export function runIdTime(id: string): number {
  let value = 0;
  for (const ch of id.slice(0, TIME_CHARS)) value = value * 32 + ALPHABET.indexOf(ch);
  return value;
}
