// Parsing of plain flag values shared by commands; errors name the flag and the valid values.
import { UsageError } from '../core/errors.js';

export function parseIntegerFlag(flag: string, raw: string, min: number, max: number): number {
  const x = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(x) || x < min || x > max) {
    throw new UsageError(`${flag} expects an integer from ${min} to ${max}, got "${raw}"`);
  }
  return x;
}

export function parseFormat<T extends string>(raw: string, valid: readonly T[], flag = '--format'): T {
  if ((valid as readonly string[]).includes(raw)) return raw as T;
  throw new UsageError(`${flag} must be one of ${valid.join(', ')}, got "${raw}"`);
}
