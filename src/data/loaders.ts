// Local data files (JSONL, JSON, CSV, Parquet) to plain records, each data set stamped with a
// content hash of its bytes for provenance (as inspect_ai's dataset loaders, minus the hub).
// CSV follows Python's csv.reader (./csv.ts); Parquet is read with hyparquet.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { InputError, UsageError } from '../core/errors.js';
import { z } from 'zod';
import { jsonKind, readJsonlRecords } from '../io/jsonl.js';
import { parseCsv } from './csv.js';

export const DATA_FORMATS = ['jsonl', 'json', 'csv', 'parquet'] as const;
export type DataFormat = (typeof DATA_FORMATS)[number];

export type DataRecord = Record<string, unknown>;

export interface LoadOptions {
  /** Defaults to the file extension (.jsonl/.ndjson, .json, .csv, .parquet). */
  format?: DataFormat;
  /** JSON only: the key of the array to read in a `{split: [...]}` object (default "data"). */
  split?: string;
  /** CSV only: column names for a file without a header row (MMLU's release CSVs). */
  columns?: readonly string[];
  /** CSV only: field delimiter (default ","). */
  delimiter?: string;
}

export interface Dataset {
  file: string;
  format: DataFormat;
  /** First 12 hex digits of the sha256 of the file's bytes. */
  hash: string;
  /** Column names: the CSV header (or `columns`), Parquet schema, or keys of the first record. */
  columns: string[];
  records: DataRecord[];
  /** JSON Lines and CSV: the 1-based line each record starts on (for errors that point at a row). */
  lines?: number[];
}

const EXTENSIONS: Record<string, DataFormat> = { '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.json': 'json', '.csv': 'csv', '.parquet': 'parquet' };

export function formatFromPath(file: string): DataFormat {
  const format = EXTENSIONS[extname(file).toLowerCase()];
  if (format === undefined) {
    throw new UsageError(`${file}: cannot tell the data format from the extension; name one of ${DATA_FORMATS.join(', ')} (extensions ${Object.keys(EXTENSIONS).join(', ')})`);
  }
  return format;
}

/** sha256 of the file's bytes, first 12 hex digits; streamed. */
export async function fileContentHash(file: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  } catch (error) {
    throw new InputError(`cannot read file: ${(error as Error).message}`, { file }, error);
  }
  return hash.digest('hex').slice(0, 12);
}

/** Loads a whole data file into records. */
export async function loadDataset(file: string, options: LoadOptions = {}): Promise<Dataset> {
  const format = options.format ?? formatFromPath(file);
  let loaded: { records: DataRecord[]; columns?: string[]; lines?: number[] };
  switch (format) {
    case 'jsonl': {
      const records: DataRecord[] = [];
      const lines: number[] = [];
      for await (const { line, value } of readJsonlObjects(file)) {
        records.push(value);
        lines.push(line);
      }
      loaded = { records, lines };
      break;
    }
    case 'json': {
      const text = await readText(file);
      // Like Hugging Face's `json` builder, a .json file that holds JSON Lines is read as such.
      loaded = { records: options.split === undefined && looksLikeJsonLines(text) ? parseJsonLines(text, file) : parseJsonRecords(text, file, options.split) };
      break;
    }
    case 'csv':
      loaded = csvRecords(await readText(file), file, options);
      break;
    case 'parquet':
      loaded = await readParquet(file);
      break;
  }
  const hash = await fileContentHash(file);
  const columns = loaded.columns ?? Object.keys(loaded.records[0] ?? {});
  return { file, format, hash, columns, records: loaded.records, ...(loaded.lines === undefined ? {} : { lines: loaded.lines }) };
}

const JSONL_OBJECT = z.record(z.string(), z.unknown());
const JSONL_SHAPE = { object: '(one per line)', field: () => 'any JSON value' };

/** JSON Lines objects, streamed; blank lines are skipped; a bad line is an InputError file:line. */
export async function* readJsonlObjects(file: string): AsyncGenerator<{ line: number; value: DataRecord }> {
  yield* readJsonlRecords(file, JSONL_OBJECT, JSONL_SHAPE);
}

function looksLikeJsonLines(text: string): boolean {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (lines.length < 2 || !lines[0]!.trimStart().startsWith('{')) return false;
  try {
    JSON.parse(lines[0]!);
    return true;
  } catch {
    return false;
  }
}

function parseJsonLines(text: string, file: string): DataRecord[] {
  const records: DataRecord[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new InputError(`not valid JSON (${(error as Error).message}); the file reads as JSON Lines, one object per line`, { file, line: i + 1 }, error);
    }
    if (!isRecord(value)) throw new InputError(`expected a JSON object, got ${jsonKind(value)}`, { file, line: i + 1 });
    records.push(value);
  });
  return records;
}

/** A JSON array of objects, or an object holding one under `split` (default "data"). */
export function parseJsonRecords(text: string, file: string, split?: string): DataRecord[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`not valid JSON (${(error as Error).message})`, { file }, error);
  }
  let array: unknown = value;
  let where = '';
  if (isRecord(value)) {
    const key = split ?? 'data';
    if (!(key in value)) {
      const arrays = Object.keys(value).filter((k) => Array.isArray(value[k]));
      throw new InputError(`no key "${key}" in the JSON object; keys holding arrays: ${arrays.join(', ') || '(none)'}${split === undefined ? ' (pass split to pick one)' : ''}`, { file });
    }
    array = value[key];
    where = ` under "${key}"`;
  } else if (split !== undefined) {
    throw new InputError(`split "${split}" was asked for, but the file holds ${jsonKind(value)}, not an object`, { file });
  }
  if (!Array.isArray(array)) throw new InputError(`expected an array of objects${where}, got ${jsonKind(array)}`, { file });
  return array.map((item: unknown, i) => {
    if (!isRecord(item)) throw new InputError(`item ${i}${where} is ${jsonKind(item)}; expected a JSON object`, { file });
    return item;
  });
}

function csvRecords(text: string, file: string, options: LoadOptions): { records: DataRecord[]; columns: string[]; lines: number[] } {
  const rows = parseCsv(text, file, options.delimiter);
  let columns: string[];
  let body = rows;
  if (options.columns !== undefined) {
    columns = [...options.columns];
  } else {
    if (rows.length === 0) return { records: [], columns: [], lines: [] };
    columns = rows[0]!.fields;
    body = rows.slice(1);
  }
  const seen = new Set<string>();
  for (const name of columns) {
    if (seen.has(name)) throw new InputError(`column name "${name}" appears twice; names must be unique (pass columns for a headerless file)`, { file, line: 1 });
    seen.add(name);
  }
  const records = body.map(({ line, fields }) => {
    if (fields.length !== columns.length) {
      throw new InputError(`record has ${fields.length} fields, expected ${columns.length} (${columns.join(', ')})`, { file, line });
    }
    const record: DataRecord = {};
    columns.forEach((name, i) => {
      record[name] = fields[i];
    });
    return record;
  });
  return { records, columns, lines: body.map((row) => row.line) };
}

async function readParquet(file: string): Promise<{ records: DataRecord[]; columns: string[] }> {
  let rows: DataRecord[];
  let columns: string[];
  try {
    const buffer = await asyncBufferFromFile(file);
    const metadata = await parquetMetadataAsync(buffer);
    // From the schema, so a file with no rows still names its columns.
    columns = parquetSchema(metadata).children.map((child) => child.element.name);
    rows = (await parquetReadObjects({ file: buffer, metadata })) as DataRecord[];
  } catch (error) {
    throw new InputError(`cannot read Parquet: ${(error as Error).message}`, { file }, error);
  }
  // INT64 columns come back as bigint; JSON and arithmetic downstream want numbers.
  const records = rows.map((row) => {
    const out: DataRecord = {};
    for (const [key, value] of Object.entries(row)) out[key] = safeNumber(value);
    return out;
  });
  return { records, columns };
}

function safeNumber(value: unknown): unknown {
  if (typeof value === 'bigint' && value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)) return Number(value);
  if (Array.isArray(value)) return value.map(safeNumber);
  return value;
}

async function readText(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new InputError(`cannot read file: ${(error as Error).message}`, { file }, error);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new InputError('not valid UTF-8', { file }, error);
  }
  return text;
}

function isRecord(value: unknown): value is DataRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

