import { describe, expect, it } from 'vitest';
import { backoffDelayMs, isRetryableStatus, parseRetryAfter } from './retry.js';

describe('full-jitter backoff', () => {
  it('draws uniformly below min(cap, base * 2^retry)', () => {
    const policy = { baseDelayMs: 500, maxDelayMs: 30_000 };
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((k) => backoffDelayMs(k, policy, () => 0.5))).toEqual([250, 500, 1000, 2000, 4000, 8000, 15000, 15000]);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(3, policy, () => 0.999)).toBe(3996);
  });
});

describe('Retry-After', () => {
  const now = Date.UTC(2026, 10, 29, 12, 0, 0);
  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter('Sun, 29 Nov 2026 12:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 11:59:00 GMT', now)).toBe(0);
  });
  it('ignores absent or unreadable values', () => {
    expect([parseRetryAfter(null, now), parseRetryAfter(undefined, now), parseRetryAfter('', now), parseRetryAfter('soon', now), parseRetryAfter('-5', now)]).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('retryable statuses', () => {
  it('retries 408, 409, 429 and 5xx only', () => {
    expect([400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503, 504, 529].filter(isRetryableStatus)).toEqual([408, 409, 429, 500, 502, 503, 504, 529]);
  });
});
