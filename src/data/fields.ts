// Renaming and selecting columns of loaded records (inspect_ai's FieldSpec, reduced to a map):
// a missing column is an InputError naming the file, the record and the columns available.
import { InputError } from '../core/errors.js';
import { closestNames } from '../core/suggest.js';
import type { DataRecord, Dataset } from './loaders.js';

/** `{ newName: sourceColumn }`, or a list of columns kept under their own names. */
export type FieldMapping = Readonly<Record<string, string>> | readonly string[];

function pairsOf(mapping: FieldMapping): [string, string][] {
  return Array.isArray(mapping) ? (mapping as readonly string[]).map((name) => [name, name]) : Object.entries(mapping as Readonly<Record<string, string>>);
}

/**
 * Maps one record at a time (for records streamed from a file): record `index` of `file`,
 * starting on `line`, to the mapped columns; a missing column names the file and line.
 */
export function fieldMapper(mapping: FieldMapping, file: string): (record: DataRecord, index: number, line?: number) => DataRecord {
  const pairs = pairsOf(mapping);
  return (record, index, line) => {
    const out: DataRecord = {};
    for (const [target, source] of pairs) {
      if (!Object.hasOwn(record, source)) throw missingColumn(file, source, Object.keys(record), index, line);
      out[target] = record[source];
    }
    return out;
  };
}

/** New records holding only the mapped columns, in mapping order; the input is not changed. */
export function mapFields(dataset: Pick<Dataset, 'file' | 'records' | 'columns' | 'lines'>, mapping: FieldMapping): DataRecord[] {
  // Check the declared columns once, so the error names the column rather than record 0.
  if (dataset.columns.length > 0) {
    for (const [, source] of pairsOf(mapping)) {
      if (!dataset.columns.includes(source)) throw missingColumn(dataset.file, source, dataset.columns);
    }
  }
  const map = fieldMapper(mapping, dataset.file);
  return dataset.records.map((record, i) => map(record, i, dataset.lines?.[i]));
}

function missingColumn(file: string, column: string, available: readonly string[], record?: number, line?: number): InputError {
  const close = closestNames(column, available);
  const hint = close.length > 0 ? `; did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` : '';
  const where = record === undefined ? '' : ` in record ${record}`;
  return new InputError(`no column "${column}"${where}${hint} (columns: ${available.join(', ') || '(none)'})`, { file, ...(line === undefined ? {} : { line }), field: column });
}
