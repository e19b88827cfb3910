// Where CLI commands write; tests pass buffers, the binary passes process streams.
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Exit status a command sets when it finishes without throwing (e.g. 1 when a gate fails). */
  status?: number;
  /** Resolves once buffered output has been flushed (backpressure for long streamed outputs). */
  drain?(): Promise<void>;
}

export const processIO: CliIO = {
  status: undefined,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  drain: () =>
    process.stdout.writableNeedDrain ? new Promise<void>((resolve) => process.stdout.once('drain', () => resolve())) : Promise.resolve(),
};

export function bufferIO(): CliIO & { stdout: string; stderr: string } {
  const io: CliIO & { stdout: string; stderr: string } = {
    status: undefined,
    stdout: '',
    stderr: '',
    out(text: string) {
      io.stdout += text;
    },
    err(text: string) {
      io.stderr += text;
    },
  };
  return io;
}
