// Command-line flags for metric options, shared by `assay score` and `assay significance`.
// One table maps each flag to the metric(s) it applies to and the option it sets; a flag given
// for a metric it does not apply to is an error, not silently ignored.
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';

type FlagKind = 'string' | 'number' | 'integer' | 'boolean' | 'list';

interface MetricFlag {
  /** commander's attribute name for the flag. */
  attr: string;
  flag: string;
  description: string;
  kind: FlagKind;
  /** metric name → option key it sets */
  sets: Readonly<Record<string, string>>;
}

const FLAGS: readonly MetricFlag[] = [
  { attr: 'tokenize', flag: '--tokenize <name>', description: 'BLEU tokenizer: 13a (default), intl, char, zh, none', kind: 'string', sets: { bleu: 'tokenize' } },
  { attr: 'smoothMethod', flag: '--smooth-method <name>', description: 'BLEU smoothing: exp (default), floor, add-k, none', kind: 'string', sets: { bleu: 'smoothMethod' } },
  { attr: 'smoothValue', flag: '--smooth-value <x>', description: 'BLEU smoothing value (floor: 0.1, add-k: 1 by default)', kind: 'number', sets: { bleu: 'smoothValue' } },
  { attr: 'force', flag: '--force', description: 'BLEU: accept already-tokenized input without a warning', kind: 'boolean', sets: { bleu: 'force' } },
  { attr: 'lowercase', flag: '--lowercase', description: 'BLEU/chrF: lowercase before scoring', kind: 'boolean', sets: { bleu: 'lowercase', chrf: 'lowercase' } },
  { attr: 'chrfCharOrder', flag: '--chrf-char-order <n>', description: 'chrF character n-gram order (default 6)', kind: 'integer', sets: { chrf: 'charOrder' } },
  { attr: 'chrfWordOrder', flag: '--chrf-word-order <n>', description: 'chrF word n-gram order (0 = chrF, 2 = chrF++)', kind: 'integer', sets: { chrf: 'wordOrder' } },
  { attr: 'chrfBeta', flag: '--chrf-beta <n>', description: 'chrF recall weight beta (default 2)', kind: 'integer', sets: { chrf: 'beta' } },
  { attr: 'chrfWhitespace', flag: '--chrf-whitespace', description: 'chrF: keep whitespace in character n-grams', kind: 'boolean', sets: { chrf: 'whitespace' } },
  { attr: 'chrfEpsSmoothing', flag: '--chrf-eps-smoothing', description: 'chrF: eps smoothing as the chrF++.py/NLTK/Moses implementations', kind: 'boolean', sets: { chrf: 'epsSmoothing' } },
  { attr: 'terNormalized', flag: '--ter-normalized', description: 'TER: apply general punctuation normalization', kind: 'boolean', sets: { ter: 'normalized' } },
  { attr: 'terNoPunct', flag: '--ter-no-punct', description: 'TER: remove punctuation', kind: 'boolean', sets: { ter: 'noPunct' } },
  { attr: 'terAsianSupport', flag: '--ter-asian-support', description: 'TER: split Asian characters', kind: 'boolean', sets: { ter: 'asianSupport' } },
  { attr: 'terCaseSensitive', flag: '--ter-case-sensitive', description: 'TER: case-sensitive (default: lowercase)', kind: 'boolean', sets: { ter: 'caseSensitive' } },
  { attr: 'rougeTypes', flag: '--rouge-types <list>', description: 'ROUGE types, comma-separated: rouge1..rouge9, rougeL, rougeLsum (default rouge1,rouge2,rougeL,rougeLsum)', kind: 'list', sets: { rouge: 'rougeTypes' } },
  { attr: 'stem', flag: '--stem', description: 'ROUGE: Porter-stem tokens longer than 3 characters', kind: 'boolean', sets: { rouge: 'useStemmer' } },
];

/** Adds every metric flag to a command. */
export function addMetricFlags(command: Command): Command {
  for (const f of FLAGS) command.option(f.flag, f.description);
  return command;
}

/** Turns parsed flag values into the chosen metric's partial options; rejects flags for other metrics. */
export function metricOptionsFromFlags(metric: string, values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of FLAGS) {
    const raw = values[f.attr];
    if (raw === undefined) continue;
    const optionName = f.sets[metric];
    const flagName = f.flag.split(' ')[0];
    if (optionName === undefined) {
      throw new UsageError(`option ${flagName} does not apply to metric "${metric}" (it applies to: ${Object.keys(f.sets).join(', ')})`);
    }
    out[optionName] = convert(flagName, f.kind, raw);
  }
  return out;
}

function convert(flag: string, kind: FlagKind, raw: unknown): unknown {
  if (kind === 'boolean') return raw === true;
  const text = String(raw);
  switch (kind) {
    case 'string':
      return text;
    case 'list': {
      const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
      if (items.length === 0) throw new UsageError(`${flag} expects a comma-separated list, got "${text}"`);
      return items;
    }
    case 'number': {
      const x = Number(text);
      if (text.trim() === '' || !Number.isFinite(x)) throw new UsageError(`${flag} expects a number, got "${text}"`);
      return x;
    }
    case 'integer': {
      const x = Number(text);
      if (!/^\s*-?\d+\s*$/.test(text) || !Number.isSafeInteger(x)) throw new UsageError(`${flag} expects an integer, got "${text}"`);
      return x;
    }
  }
}
