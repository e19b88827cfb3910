// Reading scoring inputs: a hypothesis file with one or more parallel reference files (read in
// lock-step, streamed, never the whole file in memory), or a JSONL file of {"hyp", "refs"}
// pairs. Line-count mismatches, invalid UTF-8 and malformed records are InputErrors naming the
// file and line.
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { pyRstrip } from '../metrics/python-text.js';
import { readJsonlRecords } from './jsonl.js';
import { readParallelLines } from './parallel.js';

export interface Segment {
  /** 1-based line number in the input. */
  line: number;
  hyp: string;
  refs: string[];
}

export type SegmentSource = { kind: 'files'; hyp: string; refs: readonly string[] } | { kind: 'pairs'; file: string };

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
  const clean = rstrip ? pyRstrip : (s: string) => s;
  for await (const { line, texts } of readParallelLines([hypFile, ...refFiles], 'hypothesis and reference files must be parallel')) {
    yield { line, hyp: clean(texts[0]), refs: texts.slice(1).map(clean) };
  }
}

const PairSchema = z.object({ hyp: z.string(), refs: z.array(z.string()).min(1) });

const PAIR_SHAPE = {
  object: '{"hyp": string, "refs": [string, ...]}',
  field: (name: string) => (name === 'refs' ? 'a list of at least one reference string' : 'a string'),
};

async function* readPairs(file: string): AsyncGenerator<Segment> {
  for await (const { line, value } of readJsonlRecords(file, PairSchema, PAIR_SHAPE)) yield { line, hyp: value.hyp, refs: value.refs };
}
