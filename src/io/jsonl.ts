// JSON Lines input records validated with zod at the edge: a line that is not JSON, not an
// object of the expected shape, or has a missing/bad field is an InputError naming file:line
// and the field, and saying what would be valid. Blank lines are skipped; lines stream.
import type { z } from 'zod';
import { InputError } from '../core/errors.js';
import { LineReader } from './lines.js';

export interface JsonlShape {
  /** The whole record, for messages: `{"hyp": string, "refs": [string, ...]}`. */
  object: string;
  /** What a valid value of one field is: `a non-empty model name`. */
  field(name: string): string;
}

export interface JsonlRecord<T> {
  /** 1-based line number. */
  line: number;
  value: T;
}

export async function* readJsonlRecords<T>(file: string, schema: z.ZodType<T>, shape: JsonlShape): AsyncGenerator<JsonlRecord<T>> {
  const reader = new LineReader(file);
  try {
    yield* records(reader, file, schema, shape);
  } finally {
    // A caller that stops early (an error, `break`, an interrupted run) releases the file now.
    await reader.close();
  }
}

async function* records<T>(reader: LineReader, file: string, schema: z.ZodType<T>, shape: JsonlShape): AsyncGenerator<JsonlRecord<T>> {
  while (true) {
    const text = await reader.next();
    if (text === undefined) return;
    const line = reader.lineNumber;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new InputError(`not valid JSON (${(error as Error).message}); expected ${shape.object}`, { file, line });
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) {
      yield { line, value: parsed.data };
      continue;
    }
    const issue = parsed.error.issues[0];
    const field = issue.path.length > 0 ? String(issue.path[0]) : undefined;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InputError(`expected a JSON object ${shape.object}, got ${jsonKind(value)}`, { file, line });
    }
    if (field === undefined) throw new InputError(`expected a JSON object ${shape.object}`, { file, line });
    const missing = (value as Record<string, unknown>)[field] === undefined;
    throw new InputError(`${missing ? 'missing' : 'bad value'}: expected ${shape.field(field)}`, { file, line, field });
  }
}

/** "an array", "a string", "null", ... for messages. */
export function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
