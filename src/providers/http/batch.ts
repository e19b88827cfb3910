// Settles a batch one request at a time (lm-evaluation-harness's per-request results, inspect_ai's
// per-sample errors): every request gets its own Settled result in request order, onSettled fires
// in completion order, and an exception in one request's code is recorded on that request only.
import type { CallOptions, Settled } from '../types.js';

export async function settleBatch<R, T>(requests: readonly R[], run: (request: R, index: number) => Promise<Settled<T>>, options: CallOptions = {}): Promise<Settled<T>[]> {
  return Promise.all(
    requests.map(async (request, index) => {
      let result: Settled<T>;
      try {
        result = await run(request, index);
      } catch (error) {
        result = { ok: false, error: { code: 'internal', message: error instanceof Error ? error.message : String(error), attempts: 0 } };
      }
      options.onSettled?.(index, result);
      return result;
    }),
  );
}
