// Parallel text files read in lock-step, one line of each per step, streamed. Files that end at
// different lines are an InputError naming every file with its line count.
import { InputError } from '../core/errors.js';
import { LineReader } from './lines.js';

export interface ParallelLines {
  /** 1-based line number. */
  line: number;
  /** Line `line` of each file, in the order the files were given. */
  texts: string[];
}

/** `hint` ends the mismatch message, e.g. "hypothesis and reference files must be parallel". */
export async function* readParallelLines(files: readonly string[], hint: string): AsyncGenerator<ParallelLines> {
  const readers = files.map((f) => new LineReader(f));
  let line = 0;
  while (true) {
    const texts = await Promise.all(readers.map((r) => r.next()));
    const ended = texts.map((x) => x === undefined);
    if (ended.every(Boolean)) return;
    if (ended.some(Boolean)) {
      const counts = await Promise.all(readers.map(async (r, i) => (ended[i] ? r.lineNumber : r.lineNumber + (await r.countRemaining()))));
      const detail = readers.map((r, i) => `${r.file} has ${counts[i]} line${counts[i] === 1 ? '' : 's'}`).join(', ');
      throw new InputError(`line counts differ: ${detail}; ${hint}`);
    }
    line++;
    yield { line, texts: texts as string[] };
  }
}
