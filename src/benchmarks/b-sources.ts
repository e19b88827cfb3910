// What part B's release files and Hub rows need beyond ./a-sources.ts: Python's text-file reading
// (WikiText, TruthfulQA), int()/str() of JSON values, and checks of list-valued struct columns.
import { readFile, stat } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import { contentHash } from '../core/signature.js';
import type { DataRecord } from '../data/loaders.js';
import { pyStr, toPy } from '../tasks/py-values.js';
import type { ReleaseFile } from './a-sources.js';

/** Whether a file exists (an optional few-shot file). */
export async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new InputError(`cannot read file: ${(error as Error).message}`, { file }, error);
  }
}

/**
 * A text file as Python's `open(file, encoding="utf-8").read()` gives it: strict UTF-8 (a bad
 * byte is an error, a BOM is kept) and universal newlines (`\r\n` and `\r` become `\n`).
 */
export async function readPythonText(file: string): Promise<{ text: string; hash: string }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new InputError(`cannot read file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { file }, error);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (error) {
    throw new InputError('is not valid UTF-8', { file }, error);
  }
  return { text: text.replace(/\r\n?/g, '\n'), hash: contentHash(bytes) };
}

/** Where record `i` of a release file is, for error messages. */
export function at(source: ReleaseFile, i: number, field?: string): { file: string; line?: number; field?: string } {
  const line = source.lines[i];
  return { file: source.file, ...(line === undefined ? {} : { line }), ...(field === undefined ? {} : { field }) };
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing (no such field)' : JSON.stringify(value);
}

/** `data.get(field, [])` of a JSON record, which must be a list of strings. */
export function stringListField(source: ReleaseFile, i: number, field: string, record: DataRecord = source.records[i]!): string[] {
  const value = record[field];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new InputError(`expected a list of strings, got ${describe(value)}`, at(source, i, field));
  return value as string[];
}

/** Python's `str(value)` of a JSON value (what `datasets` stores in a string column). */
export function pythonStr(value: unknown): string {
  return pyStr(toPy(value));
}

/** Python's `int(text)` for the decimal labels of these data sets (surrounding whitespace allowed). */
export function pythonInt(text: string): number | undefined {
  const t = text.trim();
  return /^[+-]?[0-9]+$/.test(t) ? Number(t) : undefined;
}

/** What each list of a struct column holds, by key. */
export type ListItemChecks = Readonly<Record<string, (v: unknown) => boolean>>;

export const isString = (v: unknown): boolean => typeof v === 'string';
export const isInteger = (v: unknown): boolean => typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));

/**
 * Whether a struct column of a Hub row is `{key: [items], ...}` with lists of equal length, each
 * item passing its key's check (ARC's `choices`, TruthfulQA's `mc1_targets`).
 */
export function isParallelLists(value: unknown, items: ListItemChecks): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  const lists = Object.entries(items).map(([key, check]) => {
    const list = record[key];
    return Array.isArray(list) && list.every(check) ? list.length : -1;
  });
  return lists.every((n) => n >= 0 && n === lists[0]);
}
