// WikiText-2 as lm-evaluation-harness's lm_eval/tasks/wikitext (wikitext.yaml,
// preprocess_wikitext.py) @ 4e7e0d47, over the pages of EleutherAI/wikitext_document_level
// (wikitext-2-raw-v1), whose loading script cuts the raw release file at top-level headings.
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import type { TaskHooks } from '../engine/prepare.js';
import { countBytes, countWords, type DocOutcome, type MetricOutput } from '../engine/task-metrics.js';
import type { Doc } from '../tasks/requests.js';
import { PY_SPACE_CLASS } from '../tasks/py-values.js';
import { builtinConfig, mapHubRows } from './a-sources.js';
import { readPythonText } from './b-sources.js';
import type { BenchmarkTask } from './types.js';

// The harness YAML without its two `!function` lines (doc_to_target:
// preprocess_wikitext.wikitext_detokenizer, process_results: preprocess_wikitext.process_results),
// which are the hooks below.
const YAML = String.raw`task: wikitext
dataset_path: EleutherAI/wikitext_document_level
dataset_name: wikitext-2-raw-v1
output_type: loglikelihood_rolling
training_split: train
validation_split: validation
test_split: test
doc_to_text: ""
should_decontaminate: true
doc_to_decontamination_query: "{{page}}"
metric_list:
  - metric: word_perplexity
  - metric: byte_perplexity
  - metric: bits_per_byte
metadata:
  version: 2.0
`;

/**
 * The pages of a raw WikiText file, as wikitext_document_level's `_generate_examples`: split the
 * text on "\n"; a line that, after "= = =" → "===" and "= =" → "==" and strip(), starts with "= "
 * and ends with " =" is a top-level heading and starts a new page; a page is its lines joined
 * with "\n" and is kept only if it is not blank, except the last, which is always kept.
 */
export function wikitextPages(text: string): string[] {
  const pages: string[] = [];
  let lines: string[] = [];
  for (const line of text.split('\n')) {
    const r = pyStripped(line.replaceAll('= = =', '===').replaceAll('= =', '=='));
    if (r.startsWith('= ') && r.endsWith(' =')) {
      const page = lines.join('\n');
      if (!BLANK.test(page)) pages.push(page);
      lines = [];
    }
    lines.push(line);
  }
  pages.push(lines.join('\n'));
  return pages;
}

// Python's str.strip() / "not s.strip()" with its whitespace (str.isspace()), as regexes: the
// code-point loop of pyStrip is ten times slower over a whole file.
const LEADING = new RegExp(`^[${PY_SPACE_CLASS}]+`, 'u');
const TRAILING = new RegExp(`[${PY_SPACE_CLASS}]+$`, 'u');
const BLANK = new RegExp(`^[${PY_SPACE_CLASS}]*$`, 'u');

function pyStripped(s: string): string {
  return s.replace(LEADING, '').replace(TRAILING, '');
}

const S = `[${PY_SPACE_CLASS}]*`;
// Python's `\s` (str.isspace()) around the lazily matched inside of each bracket pair.
const BRACKET_PAIRS: [RegExp, string, string][] = [
  [new RegExp(String.raw`\(${S}([^)]*?)${S}\)`, 'gu'), '(', ')'],
  [new RegExp(String.raw`\[${S}([^\]]*?)${S}\]`, 'gu'), '[', ']'],
  [new RegExp(String.raw`\{${S}([^}]*?)${S}\}`, 'gu'), '{', '}'],
  [new RegExp(String.raw`"${S}([^"]*?)${S}"`, 'gu'), '"', '"'],
  [new RegExp(String.raw`'${S}([^']*?)${S}'`, 'gu'), "'", "'"],
];

/** preprocess_wikitext.wikitext_detokenizer: undoes WikiText's tokenisation of `page`, step by step in its order. */
export function wikitextDetokenize(page: string): string {
  let s = page;
  // contractions (the second pattern matches a literal "/' <digit>/", as the harness's does)
  s = s.replaceAll("s '", "s'");
  s = s.replace(/\/' [0-9]\//g, "/'[0-9]/");
  // number separators
  s = s.replaceAll(' @-@ ', '-').replaceAll(' @,@ ', ',').replaceAll(' @.@ ', '.');
  // punctuation
  for (const p of [':', ';', '.', '!', '?', ',']) s = s.replaceAll(` ${p} `, `${p} `);
  // double brackets
  for (const [re, open, close] of BRACKET_PAIRS) s = s.replace(re, (_m, inner: string) => `${open}${inner}${close}`);
  // miscellaneous
  s = s.replaceAll('= = = =', '====').replaceAll('= = =', '===').replaceAll('= =', '==');
  s = s.replaceAll(' \u00b0 ', '\u00b0');
  s = s.replaceAll(' \n', '\n').replaceAll('\n ', '\n');
  s = s.replaceAll(' N ', ' 1 ');
  return s.replaceAll(" 's", "'s");
}

function page(doc: Doc): string {
  if (typeof doc.page !== 'string') throw new InputError(`wikitext: the document needs a string "page" field, got ${JSON.stringify(doc.page)}`);
  return doc.page;
}

/**
 * preprocess_wikitext.process_results: word and byte counts of the ORIGINAL page (not the
 * detokenised text the model scored), as `len(re.split(r"\s+", page))` and UTF-8 bytes.
 */
export function wikitextProcessResults(doc: Doc, outcome: DocOutcome): Record<string, MetricOutput> {
  if (outcome.kind !== 'loglikelihood_rolling') throw new InputError(`wikitext scores rolling loglikelihoods, got ${outcome.kind}`);
  const ll = outcome.logprob;
  const words = countWords(page(doc));
  const bytes = countBytes(page(doc));
  return {
    word_perplexity: { item: [ll, words], score: Math.exp(-ll / words) },
    byte_perplexity: { item: [ll, bytes], score: Math.exp(-ll / bytes) },
    bits_per_byte: { item: [ll, bytes], score: -(ll / bytes) / Math.LN2 },
  };
}

const HOOKS: TaskHooks = {
  docToTarget: (doc) => wikitextDetokenize(page(doc)),
  processResults: wikitextProcessResults,
};

const config = builtinConfig('wikitext', YAML);

export const WIKITEXT: BenchmarkTask = {
  name: 'wikitext',
  get config() {
    return config();
  },
  hooks: HOOKS,
  async load(dataDir) {
    const file = join(dataDir, 'wikitext', 'wikitext-2-raw', 'wiki.test.raw');
    const { text, hash } = await readPythonText(file);
    return { eval: wikitextPages(text).map((p) => ({ page: p })), sameSplit: false, hash, locate: () => ({ file }) };
  },
  // EleutherAI/wikitext_document_level rows are `{page}` already.
  fromHub: (rows) =>
    mapHubRows('EleutherAI/wikitext_document_level (wikitext-2-raw-v1)', rows, (_row, check) => {
      check.string('page');
      return {};
    }),
};
