import { describe, expect, it } from 'vitest';
import { AdaptiveLimiter } from './limiter.js';

describe('AdaptiveLimiter (AIMD)', () => {
  it('halves on a 429 once per window and creeps back by 1/limit per success', async () => {
    const limiter = new AdaptiveLimiter(8);
    const seqs = await Promise.all([1, 2, 3, 4].map(() => limiter.acquire()));
    expect(seqs).toEqual([1, 2, 3, 4]);
    limiter.onRateLimited(seqs[0]);
    limiter.onRateLimited(seqs[1]); // same window: no second halving
    expect(limiter.limit).toBe(4);
    seqs.forEach(() => limiter.release());
    const next = await limiter.acquire();
    limiter.onRateLimited(next); // a request sent after the decrease: halves again
    expect(limiter.limit).toBe(2);
    limiter.release();
    const limits: number[] = [];
    for (let i = 0; i < 6; i++) {
      limiter.onSuccess();
      limits.push(limiter.limit);
    }
    // 2 → 2.5 → 2.9 → 3.2448… → 3.5530… → 3.8345… → 4.0953…
    expect(limits).toEqual([2, 2, 3, 3, 3, 4]);
  });

  it('never goes below 1 nor above its maximum', async () => {
    const limiter = new AdaptiveLimiter(2);
    for (let i = 0; i < 5; i++) {
      const seq = await limiter.acquire();
      limiter.onRateLimited(seq);
      limiter.release();
    }
    expect(limiter.limit).toBe(1);
    for (let i = 0; i < 50; i++) limiter.onSuccess();
    expect(limiter.limit).toBe(2);
  });

  it('queues past the limit and admits waiters in arrival order', async () => {
    const limiter = new AdaptiveLimiter(2);
    const order: number[] = [];
    await limiter.acquire();
    await limiter.acquire();
    const waiting = [3, 4].map((n) => limiter.acquire().then(() => order.push(n)));
    expect(limiter.inFlight).toBe(2);
    limiter.release();
    limiter.release();
    await Promise.all(waiting);
    expect([order, limiter.inFlight]).toEqual([[3, 4], 2]);
  });

  it('pauses new requests until a Retry-After has passed', async () => {
    let t = 1000;
    const sleeps: number[] = [];
    const limiter = new AdaptiveLimiter(4, () => t, async (ms) => {
      sleeps.push(ms);
      t += ms;
    });
    const seq = await limiter.acquire();
    limiter.onRateLimited(seq, 1500);
    limiter.release();
    await limiter.acquire();
    expect([sleeps, t]).toEqual([[1500], 2500]);
  });

  it('drops an aborted waiter', async () => {
    const limiter = new AdaptiveLimiter(1);
    await limiter.acquire();
    const controller = new AbortController();
    const waiter = limiter.acquire(controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiter).rejects.toThrow('stop');
    limiter.release();
    expect(limiter.inFlight).toBe(0);
  });
});
