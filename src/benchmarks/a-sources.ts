// Reading benchmark release files into the documents lm-evaluation-harness sees, and checking
// Hugging Face rows on the way in (what `datasets` would have typed for the harness).
import { readFile } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import { contentHash } from '../core/signature.js';
import { fileContentHash, loadDataset, type DataRecord, type LoadOptions } from '../data/loaders.js';
import type { TaskSplitsSource } from '../engine/prepare.js';
import { parseTaskConfig, type TaskConfig } from '../tasks/task-config.js';

/**
 * The TaskConfig of a harness YAML text, parsed on first use (parsing all 62 built-in YAMLs costs
 * ~0.5 s, which a command that runs one task should not pay), its file named `builtin:NAME`.
 */
export function builtinConfig(name: string, yaml: string): () => TaskConfig {
  let config: TaskConfig | undefined;
  return () => (config ??= { ...parseTaskConfig(yaml, `${name}.yaml`), file: `builtin:${name}` });
}

/** Records of one release file, each with the line it starts on. */
export interface ReleaseFile {
  file: string;
  hash: string;
  records: DataRecord[];
  /** 1-based start line of each record. */
  lines: number[];
}

export async function readReleaseFile(file: string, options: LoadOptions = {}): Promise<ReleaseFile> {
  const loaded = await loadDataset(file, options);
  return { file, hash: loaded.hash, records: loaded.records, lines: loaded.lines ?? loaded.records.map((_, i) => i + 1) };
}

/**
 * The documents of one eval file (plus an optional few-shot pool), with a hash over every file
 * read (`extraHashes`: files that only add fields, such as a labels file) and record locations.
 */
export function splitsSource(evalFile: ReleaseFile, docs: DataRecord[], options: { fewshot?: DataRecord[]; fewshotFile?: ReleaseFile; extraHashes?: string[] } = {}): TaskSplitsSource {
  const hashes = [evalFile.hash, ...(options.fewshotFile === undefined ? [] : [options.fewshotFile.hash]), ...(options.extraHashes ?? [])];
  return {
    eval: docs,
    ...(options.fewshot === undefined ? {} : { fewshot: options.fewshot }),
    sameSplit: false,
    hash: hashes.length === 1 ? hashes[0]! : contentHash(hashes.join('\0')),
    locate: (i) => {
      const line = evalFile.lines[i];
      return line === undefined ? { file: evalFile.file } : { file: evalFile.file, line };
    },
  };
}

/**
 * A labels file line-aligned with a data file (PIQA's `valid-labels.lst`): one integer in
 * [0, below) per line. A count mismatch names the first line without a partner.
 */
export async function readLabels(file: string, data: ReleaseFile, below: number): Promise<{ labels: number[]; hash: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read labels file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { file }, error);
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const count = data.records.length;
  if (lines.length < count) {
    throw new InputError(`row has no label: ${file} has ${lines.length} lines and the labels must be line-aligned with the ${count} rows here`, { file: data.file, line: data.lines[lines.length] });
  }
  if (lines.length > count) {
    throw new InputError(`label has no row: ${data.file} has ${count} rows and the labels must be line-aligned with them`, { file, line: count + 1 });
  }
  const labels = lines.map((raw, i) => {
    const l = raw.replace(/\r$/, '');
    const label = /^\d+$/.test(l.trim()) ? Number(l.trim()) : NaN;
    if (!(label < below)) throw new InputError(`label ${JSON.stringify(l)} is not an integer from 0 to ${below - 1}`, { file, line: i + 1 });
    return label;
  });
  return { labels, hash: await fileContentHash(file) };
}

/** The string field of a release-file record, or an error at its line naming what is there. */
export function stringField(source: ReleaseFile, i: number, field: string): string {
  const value = source.records[i]![field];
  if (typeof value !== 'string') {
    throw new InputError(`expected a string, got ${value === undefined ? 'no such field' : JSON.stringify(value)} (the record has ${Object.keys(source.records[i]!).join(', ')})`, {
      file: source.file,
      line: source.lines[i],
      field,
    });
  }
  return value;
}

/**
 * Hugging Face rows as the harness sees them: each row as it is, with the fields the prompts read
 * checked and normalised by `fields`; an error names the data set, the row and the field.
 */
export function mapHubRows(dataset: string, rows: Record<string, unknown>[], fields: (row: Record<string, unknown>, check: HubCheck) => Record<string, unknown>): Record<string, unknown>[] {
  return rows.map((row, i) => ({ ...row, ...fields(row, new HubCheck(dataset, i, row)) }));
}

export class HubCheck {
  constructor(
    private readonly dataset: string,
    private readonly index: number,
    private readonly row: Record<string, unknown>,
  ) {}

  fail(field: string, expected: string): never {
    const value = this.row[field];
    const got = value === undefined ? `no field "${field}" (the row has ${Object.keys(this.row).join(', ')})` : JSON.stringify(value);
    throw new InputError(`Hugging Face data set ${this.dataset}, row ${this.index}: expected ${expected}, got ${got}`, { field });
  }

  string(field: string): string {
    const value = this.row[field];
    return typeof value === 'string' ? value : this.fail(field, 'a string');
  }

  /** A non-negative integer, below `below` when given (a ClassLabel column); bigint and digit strings are accepted. */
  integer(field: string, below = Number.MAX_SAFE_INTEGER + 1): number {
    const value = this.row[field];
    const n = typeof value === 'bigint' ? Number(value) : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && n < below) return n;
    return this.fail(field, below > Number.MAX_SAFE_INTEGER ? 'a non-negative integer' : `an integer from 0 to ${below - 1}`);
  }
}
