// Concurrency limit with additive-increase / multiplicative-decrease (TCP Reno's AIMD, RFC 5681):
// a 429 halves the allowed in-flight requests (once per window of requests, so a burst of 429s
// from one window halves once), each success adds 1/limit back, up to the configured maximum.
// A Retry-After also pauses new requests for every caller sharing the limiter.

export class AdaptiveLimiter {
  readonly max: number;
  private allowed: number;
  private active = 0;
  private readonly waiters: Array<{ resolve: (seq: number) => void; reject: (e: unknown) => void; signal?: AbortSignal; onAbort?: () => void }> = [];
  private seq = 0;
  private lastDecreaseSeq = 0;
  private pausedUntil = 0;

  constructor(
    max: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void> = defaultSleep,
  ) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`concurrency must be a positive integer, got ${max}`);
    this.max = max;
    this.allowed = max;
  }

  /** Requests allowed in flight right now. */
  get limit(): number {
    return Math.max(1, Math.floor(this.allowed));
  }

  get inFlight(): number {
    return this.active;
  }

  /** Waits for a slot (and for any Retry-After pause); returns the request's sequence number. */
  async acquire(signal?: AbortSignal): Promise<number> {
    for (;;) {
      const pause = this.pausedUntil - this.now();
      if (pause <= 0) break;
      await this.sleep(pause, signal);
    }
    signal?.throwIfAborted();
    if (this.active < this.limit && this.waiters.length === 0) {
      this.active++;
      return ++this.seq;
    }
    return new Promise<number>((resolve, reject) => {
      const waiter: (typeof this.waiters)[number] = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
    });
  }

  release(): void {
    this.active--;
    this.drain();
  }

  onSuccess(): void {
    if (this.allowed < this.max) {
      this.allowed = Math.min(this.max, this.allowed + 1 / this.allowed);
      this.drain();
    }
  }

  /** A 429 for the request with sequence number `seq`; `retryAfterMs` pauses everyone. */
  onRateLimited(seq: number, retryAfterMs?: number): void {
    if (seq > this.lastDecreaseSeq) {
      this.allowed = Math.max(1, this.allowed / 2);
      this.lastDecreaseSeq = this.seq;
    }
    if (retryAfterMs !== undefined) this.pausedUntil = Math.max(this.pausedUntil, this.now() + retryAfterMs);
  }

  private drain(): void {
    while (this.waiters.length > 0 && this.active < this.limit) {
      const waiter = this.waiters.shift()!;
      if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
      this.active++;
      waiter.resolve(++this.seq);
    }
  }
}

export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
