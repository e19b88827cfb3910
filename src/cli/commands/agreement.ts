// `assay agreement`: inter-annotator agreement (Krippendorff's alpha, Fleiss' or Cohen's kappa)
// of long-format ratings (CSV with a header, or JSONL; fields item, annotator, label), with a
// seeded bootstrap interval over items. A thin shell over stats/agreement.ts.
import type { Command } from 'commander';
import { z } from 'zod';
import { InputError, UsageError } from '../../core/errors.js';
import { DEFAULT_SEED } from '../../core/rng.js';
import { unknownNameMessage } from '../../core/suggest.js';
import { LineReader } from '../../io/lines.js';
import { readJsonlRecords } from '../../io/jsonl.js';
import { AGREEMENT_METRICS, type AgreementMetric, type AgreementResult, computeAgreement, type RatingMatrix } from '../../stats/agreement.js';
import { KAPPA_WEIGHTS, type KappaWeights } from '../../stats/cohen-kappa.js';
import { ALPHA_LEVELS, type AlphaLevel } from '../../stats/krippendorff-alpha.js';
import type { Label } from '../../stats/labels.js';
import type { CliIO } from '../io.js';

const FIELDS = ['item', 'annotator', 'label'] as const;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

interface RatingRow {
  line: number;
  item: string;
  annotator: string;
  label: Label;
}

const jsonRow = z.object({
  item: z.union([z.string().min(1), z.number()]),
  annotator: z.union([z.string().min(1), z.number()]),
  label: z.union([z.string(), z.number().finite()]),
});

/** Splits one CSV record (RFC 4180 quoting); returns undefined while a quoted field is still open. */
export function splitCsvRecord(text: string): string[] | undefined {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
    i++;
  }
  if (quoted) return undefined;
  fields.push(field.endsWith('\r') ? field.slice(0, -1) : field);
  return fields;
}

async function readCsv(file: string): Promise<RatingRow[]> {
  const reader = new LineReader(file);
  const header = await reader.next();
  if (header === undefined) throw new InputError('the file is empty; expected a header line with item,annotator,label', { file });
  const names = (splitCsvRecord(header) ?? []).map((h) => h.trim());
  const column = FIELDS.map((f) => names.indexOf(f));
  const missing = FIELDS.filter((_, i) => column[i] < 0);
  if (missing.length > 0) {
    throw new InputError(`the header has no column ${missing.map((m) => `"${m}"`).join(', ')} (found: ${names.join(', ')}); expected item,annotator,label`, { file, line: 1 });
  }
  const rows: RatingRow[] = [];
  while (true) {
    let text = await reader.next();
    if (text === undefined) break;
    const line = reader.lineNumber;
    if (text.trim() === '') continue;
    let fields = splitCsvRecord(text);
    while (fields === undefined) {
      const more = await reader.next();
      if (more === undefined) throw new InputError('unterminated quoted field', { file, line });
      text += `\n${more}`;
      fields = splitCsvRecord(text);
    }
    const values = FIELDS.map((_, i) => fields[column[i]]);
    FIELDS.forEach((f, i) => {
      if (values[i] === undefined || values[i].trim() === '') throw new InputError(`missing value (the row has ${fields.length} fields; expected item,annotator,label)`, { file, line, field: f });
    });
    // Surrounding spaces are layout (`a, b, 3`), not part of a name or label.
    const [item, annotator, label] = values.map((v) => v.trim());
    rows.push({ line, item, annotator, label: NUMBER.test(label) ? Number(label) : label });
  }
  return rows;
}

const RATING_SHAPE = {
  object: '{"item", "annotator", "label"}',
  field: (name: string) => (name === 'label' ? 'a string or a number' : 'a non-empty string or a number'),
};

async function readJsonlRatings(file: string): Promise<RatingRow[]> {
  const rows: RatingRow[] = [];
  for await (const { line, value } of readJsonlRecords(file, jsonRow, RATING_SHAPE)) {
    rows.push({ line, item: String(value.item), annotator: String(value.annotator), label: value.label });
  }
  return rows;
}

/** Reads long-format ratings into an items x annotators matrix (first-appearance order). */
export async function readRatings(file: string): Promise<RatingMatrix> {
  const lower = file.toLowerCase();
  let rows: RatingRow[];
  if (lower.endsWith('.csv')) rows = await readCsv(file);
  else if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) rows = await readJsonlRatings(file);
  else throw new UsageError(`--input ${file}: expected a .csv or .jsonl file of item, annotator, label ratings`);
  if (rows.length === 0) throw new InputError('no ratings in the file', { file });
  const first = rows[0];
  const mixed = rows.find((r) => typeof r.label !== typeof first.label);
  if (mixed) {
    throw new InputError(`labels mix numbers and text: line ${first.line} has ${JSON.stringify(first.label)}, this line has ${JSON.stringify(mixed.label)}`, { file, line: mixed.line, field: 'label' });
  }
  const itemIndex = new Map<string, number>();
  const annotatorIndex = new Map<string, number>();
  for (const r of rows) {
    if (!itemIndex.has(r.item)) itemIndex.set(r.item, itemIndex.size);
    if (!annotatorIndex.has(r.annotator)) annotatorIndex.set(r.annotator, annotatorIndex.size);
  }
  const nA = annotatorIndex.size;
  const ratings: (Label | null)[][] = Array.from({ length: itemIndex.size }, () => new Array<Label | null>(nA).fill(null));
  const seenAt: number[][] = Array.from({ length: itemIndex.size }, () => new Array<number>(nA).fill(0));
  for (const r of rows) {
    const i = itemIndex.get(r.item) as number;
    const a = annotatorIndex.get(r.annotator) as number;
    if (seenAt[i][a] > 0) throw new InputError(`annotator "${r.annotator}" already rated item "${r.item}" on line ${seenAt[i][a]}`, { file, line: r.line });
    seenAt[i][a] = r.line;
    ratings[i][a] = r.label;
  }
  return { items: [...itemIndex.keys()], annotators: [...annotatorIndex.keys()], ratings };
}

function pick<T extends string>(kind: string, value: string, valid: readonly T[]): T {
  if ((valid as readonly string[]).includes(value)) return value as T;
  throw new UsageError(unknownNameMessage(kind, value, valid));
}

export function parseCount(flag: string, value: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) > max) throw new UsageError(`${flag} must be a whole number between 0 and ${max}, got "${value}"`);
  return Number(value);
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(4) : 'nan';
}

const NAMES: Record<AgreementMetric, string> = { krippendorff: "Krippendorff's alpha", fleiss: "Fleiss' kappa", cohen: "Cohen's kappa" };

export function formatAgreementText(result: AgreementResult): string {
  const detail = result.metric === 'krippendorff' ? result.level : result.metric === 'cohen' ? (result.weights ? `${result.weights} weights` : 'unweighted') : 'nominal';
  let out = `${NAMES[result.metric]} (${detail}): ${fmt(result.value)}\n`;
  if (result.ci) {
    out += `${Math.round(result.ci.confidence * 100)}% CI [${fmt(result.ci.low)}, ${fmt(result.ci.high)}] (percentile bootstrap over items, ${result.ci.n_boot} resamples`;
    out += result.ci.n_valid < result.ci.n_boot ? `, ${result.ci.n_valid} defined` : '';
    out += `, seed ${result.seed})\n`;
  }
  out += `items: ${result.n_items}  annotators: ${result.n_annotators}\n`;
  out += `signature: ${result.signature}\n`;
  return out;
}

interface AgreementFlags {
  input: string;
  metric: string;
  level?: string;
  weights?: string;
  bootstrap: string;
  seed: string;
  format: string;
}

export function registerAgreement(program: Command, io: CliIO): void {
  program
    .command('agreement')
    .description("inter-annotator agreement of long-format ratings: Krippendorff's alpha, Fleiss' or Cohen's kappa, with a bootstrap CI")
    .requiredOption('--input <file>', 'ratings: CSV with a header or JSONL, fields item, annotator, label')
    .requiredOption('--metric <name>', `agreement statistic: ${AGREEMENT_METRICS.join(' | ')}`)
    .option('--level <level>', `krippendorff level of measurement: ${ALPHA_LEVELS.join(' | ')} (default nominal)`)
    .option('--weights <weights>', `cohen weights: ${KAPPA_WEIGHTS.join(' | ')} (default unweighted)`)
    .option('--bootstrap <n>', 'bootstrap resamples of items for the CI (0 = none)', '1000')
    .option('--seed <s>', 'seed of the bootstrap', String(DEFAULT_SEED))
    .option('-f, --format <format>', 'text | json', 'text')
    .action(async (flags: AgreementFlags) => {
      const metric = pick<AgreementMetric>('agreement metric', flags.metric, AGREEMENT_METRICS);
      const level = flags.level === undefined ? undefined : pick<AlphaLevel>('level', flags.level, ALPHA_LEVELS);
      const weights = flags.weights === undefined ? null : pick<KappaWeights>('weights', flags.weights, KAPPA_WEIGHTS);
      const format = pick('format', flags.format, ['text', 'json'] as const);
      const bootstrap = parseCount('--bootstrap', flags.bootstrap, 1_000_000);
      const seed = parseCount('--seed', flags.seed, 0xffffffff);
      if (metric !== 'cohen' && weights !== null) throw new UsageError(`--weights applies to --metric cohen only, not ${metric}`);
      if (metric !== 'krippendorff' && level !== undefined && level !== 'nominal') {
        throw new UsageError(`--level ${level} applies to --metric krippendorff only; ${metric} kappa is nominal${metric === 'cohen' ? ' (use --weights linear|quadratic for ordered labels)' : ''}`);
      }
      const matrix = await readRatings(flags.input);
      const result = computeAgreement(matrix, { metric, level, weights, bootstrap, seed, source: flags.input });
      if (format === 'json') {
        const json: Record<string, unknown> = { metric: result.metric, level: result.level };
        if (result.metric === 'cohen') json.weights = result.weights;
        Object.assign(json, { value: result.value, n_items: result.n_items, n_annotators: result.n_annotators, ci: result.ci, seed: result.seed, signature: result.signature });
        io.out(`${JSON.stringify(json)}\n`);
      } else io.out(formatAgreementText(result));
    });
}
