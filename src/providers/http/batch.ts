// Settles a batch one request at a time (lm-evaluation-harness's per-request results, inspect_ai's
// per-sample errors): every request gets its own Settled result in request order, onSettled fires
// in completion order, and an exception in one request's code is recorded on that request only.
// At most `width` requests are started at once (workers pulling the next index), so a batch of
// 100,000 does not park 100,000 pending closures in front of the concurrency limiter.
import type { CallOptions, Settled } from '../types.js';

export async function settleBatch<R, T>(requests: readonly R[], run: (request: R, index: number) => Promise<Settled<T>>, options: CallOptions = {}, width = 64): Promise<Settled<T>[]> {
  const results: Settled<T>[] = new Array(requests.length);
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const index = next++;
      let result: Settled<T>;
      try {
        result = await run(requests[index], index);
      } catch (error) {
        result = { ok: false, error: { code: 'internal', message: error instanceof Error ? error.message : String(error), attempts: 0 } };
      }
      results[index] = result;
      options.onSettled?.(index, result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, requests.length)) }, worker));
  return results;
}
