// Streaming UTF-8 line reading with exact error locations. Lines split on "\n" only (as
// sacrebleu opens files with newline="\n"); a "\r" before it is kept, as there. Invalid UTF-8
// is an InputError naming the file and line, never a silent U+FFFD.
import { open } from 'node:fs/promises';
import { InputError } from '../core/errors.js';

const NEWLINE = 0x0a;

/** Pull-based line reader: `await next()` gives the next line, or undefined at the end. */
export class LineReader {
  readonly file: string;
  /** 1-based number of the line last returned. */
  lineNumber = 0;
  private chunks: AsyncIterator<Buffer> | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private done = false;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

  constructor(file: string) {
    this.file = file;
  }

  /** Opens lazily, so a missing file is an InputError from next(), never an unhandled stream error. */
  private async open(): Promise<AsyncIterator<Buffer>> {
    let handle;
    try {
      handle = await open(this.file, 'r');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
      throw new InputError(`cannot read file: ${why}`, { file: this.file }, error);
    }
    const stream = handle.createReadStream({ highWaterMark: 1 << 20 });
    return stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  async next(): Promise<string | undefined> {
    while (true) {
      const at = this.buffer.indexOf(NEWLINE);
      if (at >= 0) {
        const bytes = this.buffer.subarray(0, at);
        this.buffer = this.buffer.subarray(at + 1);
        return this.decode(bytes);
      }
      if (this.done) {
        if (this.buffer.length === 0) return undefined;
        const bytes = this.buffer;
        this.buffer = Buffer.alloc(0);
        return this.decode(bytes);
      }
      let chunk: IteratorResult<Buffer>;
      this.chunks ??= await this.open();
      try {
        chunk = await this.chunks.next();
      } catch (error) {
        throw new InputError(`cannot read file: ${(error as Error).message}`, { file: this.file }, error);
      }
      if (chunk.done) this.done = true;
      else this.buffer = this.buffer.length === 0 ? chunk.value : Buffer.concat([this.buffer, chunk.value]);
    }
  }

  /** Releases the file when a caller stops before the end (the stream closes itself at the end). */
  async close(): Promise<void> {
    const chunks = this.chunks;
    this.done = true;
    this.buffer = Buffer.alloc(0);
    if (chunks?.return !== undefined) await chunks.return();
  }

  /** Counts the lines left without keeping them (for "A has N lines, B has M" errors). */
  async countRemaining(): Promise<number> {
    let n = 0;
    while ((await this.next()) !== undefined) n++;
    return n;
  }

  private decode(bytes: Buffer): string {
    this.lineNumber++;
    try {
      const text = this.decoder.decode(bytes);
      // The BOM is only meaningful at the start of the file.
      return this.lineNumber === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    } catch {
      const bad = firstInvalidUtf8Offset(bytes);
      throw new InputError(`invalid UTF-8 at byte ${bad + 1} of the line`, { file: this.file, line: this.lineNumber });
    }
  }
}

/** Every line of a file, streamed. */
export async function* readLines(file: string): AsyncGenerator<string> {
  const reader = new LineReader(file);
  while (true) {
    const line = await reader.next();
    if (line === undefined) return;
    yield line;
  }
}

function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  // Smallest prefix length k whose streaming decode fails; the bad byte is at k - 1.
  const fails = (k: number): boolean => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, k), { stream: true });
      return false;
    } catch {
      return true;
    }
  };
  let lo = 1;
  let hi = bytes.length;
  if (!fails(hi)) return Math.max(0, bytes.length - 1); // only an incomplete final sequence
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fails(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo - 1;
}
