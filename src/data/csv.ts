// CSV records as Python's `csv.reader` (excel dialect, file opened with newline='') reads them:
// RFC 4180 quoting with "" escapes, quoted fields may hold commas and newlines, and an unquoted
// \r\n, \r or \n ends a record. Deliberate difference: an unclosed quote at end of file is an
// InputError (Python's non-strict reader silently keeps the rest of the file as one field).
import { InputError } from '../core/errors.js';

export interface CsvRow {
  /** 1-based physical line on which the record starts. */
  line: number;
  fields: string[];
}

const enum State {
  StartRecord,
  StartField,
  InField,
  InQuoted,
  QuoteInQuoted,
}

/** Every record of `text`; blank lines (Python yields `[]` for them) are skipped. */
export function parseCsv(text: string, file: string, delimiter = ','): CsvRow[] {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new InputError(`CSV delimiter must be one character other than '"', \\r and \\n, got ${JSON.stringify(delimiter)}`, { file });
  }
  const rows: CsvRow[] = [];
  let fields: string[] = [];
  let field = '';
  let state = State.StartRecord;
  let line = 1;
  let recordLine = 1;
  let quoteLine = 1;
  const endRecord = (): void => {
    fields.push(field);
    rows.push({ line: recordLine, fields });
    fields = [];
    field = '';
    state = State.StartRecord;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const newline = c === '\n' || c === '\r';
    // \r\n is one line end; a lone \r or \n is one too.
    const countLine = (): void => {
      if (c === '\n' || text[i + 1] !== '\n') line++;
    };
    if (state === State.StartRecord) {
      if (newline) {
        countLine();
        continue;
      }
      recordLine = line;
      state = State.StartField;
    }
    switch (state) {
      case State.StartField:
        if (newline) {
          endRecord();
          countLine();
        } else if (c === '"') {
          quoteLine = line;
          state = State.InQuoted;
        } else if (c === delimiter) {
          fields.push('');
        } else {
          field += c;
          state = State.InField;
        }
        break;
      case State.InField:
        if (newline) {
          endRecord();
          countLine();
        } else if (c === delimiter) {
          fields.push(field);
          field = '';
          state = State.StartField;
        } else {
          field += c;
        }
        break;
      case State.InQuoted:
        if (c === '"') state = State.QuoteInQuoted;
        else {
          if (newline) countLine();
          field += c;
        }
        break;
      case State.QuoteInQuoted:
        if (c === '"') {
          field += c;
          state = State.InQuoted;
        } else if (c === delimiter) {
          fields.push(field);
          field = '';
          state = State.StartField;
        } else if (newline) {
          endRecord();
          countLine();
        } else {
          // Python (non-strict) keeps a character after a closing quote: "ab"c reads as abc.
          field += c;
          state = State.InField;
        }
        break;
    }
  }
  if (state === State.InQuoted) {
    throw new InputError('quoted field is not closed before the end of the file (a stray \'"\'?)', { file, line: quoteLine });
  }
  if (state !== State.StartRecord) endRecord();
  return rows;
}
