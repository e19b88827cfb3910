// Reading scoring inputs: a hypothesis file with one or more parallel reference files (read in
// lock-step, streamed, never the whole file in memory), or a JSONL file of {"hyp", "refs"}
// pairs. Line-count mismatches, invalid UTF-8 and malformed records are InputErrors naming the
// file and line.
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { LineReader } from './lines.js';

export interface Segment {
  /** 1-based line number in the input. */
  line: number;
  hyp: string;
  refs: string[];
}

export type SegmentSource = { kind: 'files'; hyp: string; refs: readonly string[] } | { kind: 'pairs'; file: string };

/** Python's str.rstrip() (no argument): strips trailing characters for which str.isspace() is true. */
export function pyRstrip(text: string): string {
  let end = text.length;
  while (end > 0 && isPyWhitespaceCode(text.charCodeAt(end - 1))) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** str.isspace() for a BMP code unit (Python 3.11 / Unicode 14: no astral whitespace exists). */
export function isPyWhitespaceCode(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    (c >= 0x1c && c <= 0x20) ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

export interface ReadOptions {
  /** Strip trailing whitespace from every line, as sacrebleu's command line does. Default true. */
  rstrip?: boolean;
}

/** Streams segments from either source, in order. */
export async function* readSegments(source: SegmentSource, options: ReadOptions = {}): AsyncGenerator<Segment> {
  if (source.kind === 'pairs') yield* readPairs(source.file);
  else yield* readParallel(source.hyp, source.refs, options.rstrip ?? true);
}

async function* readParallel(hypFile: string, refFiles: readonly string[], rstrip: boolean): AsyncGenerator<Segment> {
  if (refFiles.length === 0) throw new InputError('at least one reference file is needed (--ref REF.txt)');
  const hyp = new LineReader(hypFile);
  const refs = refFiles.map((f) => new LineReader(f));
  const clean = rstrip ? pyRstrip : (s: string) => s;
  while (true) {
    const h = await hyp.next();
    const rs = await Promise.all(refs.map((r) => r.next()));
    const ended = [h, ...rs].map((x) => x === undefined);
    if (ended.every(Boolean)) return;
    if (ended.some(Boolean)) {
      const readers = [hyp, ...refs];
      const counts = await Promise.all(readers.map(async (r, i) => (ended[i] ? r.lineNumber : r.lineNumber + (await r.countRemaining()))));
      const detail = readers.map((r, i) => `${r.file} has ${counts[i]}`).join(', ');
      throw new InputError(`line counts differ: ${detail} lines; hypothesis and reference files must be parallel`);
    }
    yield { line: hyp.lineNumber, hyp: clean(h as string), refs: rs.map((r) => clean(r as string)) };
  }
}

const PairSchema = z.object({ hyp: z.string(), refs: z.array(z.string()).min(1) });

async function* readPairs(file: string): AsyncGenerator<Segment> {
  const reader = new LineReader(file);
  while (true) {
    const raw = await reader.next();
    if (raw === undefined) return;
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new InputError(`not valid JSON (${(error as Error).message}); expected {"hyp": "...", "refs": ["...", ...]}`, { file, line: reader.lineNumber });
    }
    const parsed = PairSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue.path.length > 0 ? `field "${issue.path.join('.')}"` : 'record';
      throw new InputError(`${where}: ${issue.message}; expected {"hyp": string, "refs": [string, ...] (at least one)}`, { file, line: reader.lineNumber });
    }
    yield { line: reader.lineNumber, hyp: parsed.data.hyp, refs: parsed.data.refs };
  }
}
