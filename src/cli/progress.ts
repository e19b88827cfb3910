// Live progress of runs on stderr: one bar per run on a terminal (cli-progress), a log line every
// few seconds otherwise (CI logs, pipes, tests).
import { MultiBar, type SingleBar } from 'cli-progress';
import type { RunProgress } from '../engine/runner.js';
import { type CliIO, processIO } from './io.js';

export interface Reporter {
  update: (p: RunProgress) => void;
  stop: () => void;
}

/**
 * Live progress, one reporter per run: bars on a terminal (one per model), a log line every
 * few seconds otherwise. `log` writes a line without breaking the bars.
 */
export function progressBars(io: CliIO, enabled: boolean, runs: number): { reporter: () => Reporter; log: (text: string) => void; stop: () => void } {
  if (!enabled) return { reporter: () => ({ update: () => undefined, stop: () => undefined }), log: () => undefined, stop: () => undefined };
  if (process.stderr.isTTY === true && io === processIO) {
    const multi = new MultiBar({
      format: '{task} |{bar}| {value}/{total} samples | {rate}/s | ETA {eta_formatted} | cached {cached} | errors {errors}',
      hideCursor: true,
      stream: process.stderr,
      etaBuffer: 200,
      clearOnComplete: false,
    });
    return {
      reporter() {
        const started = Date.now();
        let startDone = -1;
        let bar: SingleBar | undefined;
        return {
          update(p) {
            if (startDone < 0) startDone = p.done;
            const secs = (Date.now() - started) / 1000;
            const payload = { task: runs > 1 ? `${p.runId.slice(-6)} ${p.task}` : p.task, rate: secs > 0 ? ((p.done - startDone) / secs).toFixed(1) : '0', cached: p.cached, errors: p.errors };
            if (bar === undefined) bar = multi.create(p.total, p.done, payload);
            else bar.update(p.done, payload);
          },
          stop: () => bar?.stop(),
        };
      },
      log: (text) => multi.log(text),
      stop: () => multi.stop(),
    };
  }
  return {
    reporter() {
      const started = Date.now();
      let startDone = -1;
      let last = 0;
      return {
        update(p) {
          if (startDone < 0) startDone = p.done;
          const now = Date.now();
          if (p.done < p.total && now - last < 5000) return;
          last = now;
          const secs = (now - started) / 1000;
          const rate = secs > 0 ? (p.done - startDone) / secs : 0;
          const eta = rate > 0 ? Math.round((p.total - p.done) / rate) : null;
          io.err(`assay: run ${p.runId}: ${p.done}/${p.total} samples (${((100 * p.done) / Math.max(1, p.total)).toFixed(1)}%), ${rate.toFixed(1)}/s, ETA ${eta === null ? '?' : `${eta}s`}, cached ${p.cached}, errors ${p.errors}\n`);
        },
        stop: () => undefined,
      };
    },
    log: (text) => io.err(text),
    stop: () => undefined,
  };
}
