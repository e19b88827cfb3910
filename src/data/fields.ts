// Renaming and selecting columns of loaded records (inspect_ai's FieldSpec, reduced to a map):
// a missing column is an InputError naming the file, the record and the columns available.
import { InputError } from '../core/errors.js';
import { closestNames } from '../core/suggest.js';
import type { DataRecord, Dataset } from './loaders.js';

/** `{ newName: sourceColumn }`, or a list of columns kept under their own names. */
export type FieldMapping = Readonly<Record<string, string>> | readonly string[];

/** New records holding only the mapped columns, in mapping order; the input is not changed. */
export function mapFields(dataset: Pick<Dataset, 'file' | 'records' | 'columns' | 'lines'>, mapping: FieldMapping): DataRecord[] {
  const pairs: [string, string][] = Array.isArray(mapping)
    ? (mapping as readonly string[]).map((name) => [name, name])
    : Object.entries(mapping as Readonly<Record<string, string>>);
  // Check the declared columns once, so the error names the column rather than record 0.
  if (dataset.columns.length > 0) {
    for (const [, source] of pairs) {
      if (!dataset.columns.includes(source)) throw missingColumn(dataset.file, source, dataset.columns);
    }
  }
  return dataset.records.map((record, i) => {
    const out: DataRecord = {};
    for (const [target, source] of pairs) {
      if (!Object.hasOwn(record, source)) throw missingColumn(dataset.file, source, Object.keys(record), i, dataset.lines?.[i]);
      out[target] = record[source];
    }
    return out;
  });
}

function missingColumn(file: string, column: string, available: readonly string[], record?: number, line?: number): InputError {
  const close = closestNames(column, available);
  const hint = close.length > 0 ? `; did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` : '';
  const where = record === undefined ? '' : ` in record ${record}`;
  return new InputError(`no column "${column}"${where}${hint} (columns: ${available.join(', ') || '(none)'})`, { file, ...(line === undefined ? {} : { line }), field: column });
}
