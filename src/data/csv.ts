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

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Every record of `text`; blank lines (Python yields `[]` for them) are skipped. */
export function parseCsv(text: string, file: string, delimiter = ','): CsvRow[] {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new InputError(`CSV delimiter must be one character other than '"', \\r and \\n, got ${JSON.stringify(delimiter)}`, { file });
  }
  const delim = delimiter.charCodeAt(0);
  const n = text.length;
  const rows: CsvRow[] = [];
  let i = 0;
  let line = 1;
  // Index of the next delimiter or line end at or after `from` (the end of an unquoted run).
  const unquotedEnd = (from: number): number => {
    let j = from;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === delim || c === LF || c === CR) break;
      j++;
    }
    return j;
  };
  // Line ends in text[from, to): \r\n, a lone \r or a lone \n each count once.
  const countLines = (from: number, to: number): void => {
    for (let j = from; j < to; j++) {
      const c = text.charCodeAt(j);
      if (c === LF || (c === CR && text.charCodeAt(j + 1) !== LF)) line++;
    }
  };
  while (i < n) {
    const first = text.charCodeAt(i);
    if (first === LF || first === CR) {
      countLines(i, i + 1);
      i++;
      continue;
    }
    const recordLine = line;
    const fields: string[] = [];
    for (;;) {
      let value: string;
      if (i < n && text.charCodeAt(i) === QUOTE) {
        const quoteLine = line;
        value = '';
        let from = i + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q < 0) throw new InputError('quoted field is not closed before the end of the file (a stray \'"\'?)', { file, line: quoteLine });
          countLines(from, q);
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(from, q + 1); // "" is one quote
            from = q + 2;
          } else {
            value += text.slice(from, q);
            i = q + 1;
            break;
          }
        }
        // Python (non-strict) keeps what follows a closing quote: "ab"c reads as abc.
        const end = unquotedEnd(i);
        value += text.slice(i, end);
        i = end;
      } else {
        // A quote inside an unquoted field is literal, as in csv.reader.
        const end = unquotedEnd(i);
        value = text.slice(i, end);
        i = end;
      }
      fields.push(value);
      if (i < n && text.charCodeAt(i) === delim) {
        i++;
        continue;
      }
      break;
    }
    if (i < n) {
      // A line end closes the record: \r\n, \r or \n.
      const c = text.charCodeAt(i);
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
    }
    rows.push({ line: recordLine, fields });
  }
  return rows;
}
