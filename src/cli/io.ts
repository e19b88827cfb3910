// Where CLI commands write; tests pass buffers, the binary passes process streams.
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Exit status a command sets when it finishes without throwing (e.g. 1 when a gate fails). */
  status?: number;
}

export const processIO: CliIO = {
  status: undefined,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
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
