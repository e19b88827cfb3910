import { describe, expect, it } from 'vitest';
import { createRunIdGenerator, RUN_ID_PATTERN, runIdTime } from './run-id.js';

const fixed = (byte: number) => (n: number) => new Uint8Array(n).fill(byte);

describe('run ids (ULID layout)', () => {
  it('encodes the time as the ULID spec example does', () => {
    const id = createRunIdGenerator(fixed(0))(1469918176385);
    expect(id).toBe('01ARYZ6S410000000000000000');
    expect(id).toMatch(RUN_ID_PATTERN);
    expect(runIdTime(id)).toBe(1469918176385);
  });

  it('encodes 80 random bits in 16 characters', () => {
    expect(createRunIdGenerator(fixed(0xff))(0)).toBe('0000000000ZZZZZZZZZZZZZZZZ');
  });

  it('counts up within one millisecond and after a clock step back', () => {
    const next = createRunIdGenerator(fixed(0));
    expect([next(1000), next(1000), next(999), next(1001)]).toEqual([
      // 1000 ms = 31 * 32 + 8
      '00000000Z80000000000000000',
      '00000000Z80000000000000001',
      '00000000Z80000000000000002',
      '00000000Z90000000000000000',
    ]);
  });

  it('refuses times outside 48 bits and a random overflow', () => {
    expect(() => createRunIdGenerator()(-1)).toThrow('run id time -1 is outside 0..2^48-1 ms');
    const next = createRunIdGenerator(fixed(0xff));
    next(5);
    expect(() => next(5)).toThrow('run id random part overflowed within one millisecond');
  });
});
