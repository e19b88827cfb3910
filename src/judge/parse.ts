// Reading a judge's output: MT-Bench's `[[rating]]` and `[[A]]`/`[[B]]`/`[[C]]` (FastChat
// llm_judge/common.py), OpenAI evals' `get_choice` (evals/elsuite/modelgraded/classify_utils.py),
// and the JSON objects our structured-output schemas ask for. Deliberate differences from
// FastChat: the LAST rating inside the scale wins (FastChat takes the first match, so a judge
// quoting "[[5]]" from its instructions scored 5), and "Rating: 7" or a bare "7." also parse.

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const NUMBER = String.raw`(\d+(?:\.\d+)?)`;
// FastChat's one_score_pattern, then its backup (single brackets), then "Rating: 7" / "Score: 7".
const RATING_PATTERNS: ReadonlyArray<[string, RegExp]> = [
  ['[[rating]]', new RegExp(String.raw`\[\[\s*${NUMBER}\s*\]\]`, 'g')],
  ['[rating]', new RegExp(String.raw`\[\s*${NUMBER}\s*\]`, 'g')],
  ['Rating: n', new RegExp(String.raw`\b(?:rating|score)[\s*]*[:=][\s*]*${NUMBER}`, 'gi')],
];

function shorten(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}...` : flat;
}

/** The first JSON object in `text` (the whole text, or a fenced/embedded `{...}`), or undefined. */
export function extractJsonObject(text: string): Record<string, unknown> | undefined {
  const tries = [text.trim()];
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text);
  if (fenced) tries.push(fenced[1].trim());
  const first = text.indexOf('{');
  const last = text.lastIndexOf('}');
  if (first >= 0 && last > first) tries.push(text.slice(first, last + 1));
  for (const candidate of tries) {
    try {
      const value: unknown = JSON.parse(candidate);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // not JSON: try the next candidate
    }
  }
  return undefined;
}

function inScale(value: number, scale: readonly [number, number]): boolean {
  return Number.isFinite(value) && value >= scale[0] && value <= scale[1];
}

/**
 * A rating in `scale` from a judge's text: the JSON field `rating` (or `score`) when the output is
 * a JSON object, else the last `[[n]]` in the scale, else the last `[n]`, else the last
 * "Rating: n" / "Score: n", else the whole output as a bare number ("7", "7.", "**7**").
 */
export function parseRating(text: string, scale: readonly [number, number], field = 'rating'): Parsed<number> {
  const json = extractJsonObject(text);
  if (json !== undefined && (field in json || 'rating' in json || 'score' in json)) {
    const value = json[field] ?? json.rating ?? json.score;
    const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isNaN(n)) return { ok: false, reason: `JSON field "${field}" is ${JSON.stringify(value)}, not a number in [${scale[0]}, ${scale[1]}]` };
    if (!inScale(n, scale)) return { ok: false, reason: `rating ${n} is outside the scale [${scale[0]}, ${scale[1]}]` };
    return { ok: true, value: n };
  }
  const outside: number[] = [];
  for (const [, pattern] of RATING_PATTERNS) {
    const values = [...text.matchAll(pattern)].map((m) => Number(m[1]));
    const inside = values.filter((v) => inScale(v, scale));
    if (inside.length > 0) return { ok: true, value: inside[inside.length - 1] };
    outside.push(...values);
  }
  const bare = /^[\s*"'`]*(\d+(?:\.\d+)?)[\s*"'`.!,;:)]*$/.exec(text);
  if (bare) {
    const n = Number(bare[1]);
    if (inScale(n, scale)) return { ok: true, value: n };
    outside.push(n);
  }
  if (outside.length > 0) return { ok: false, reason: `rating ${outside[outside.length - 1]} is outside the scale [${scale[0]}, ${scale[1]}]` };
  return { ok: false, reason: `no rating found (expected [[n]] with n in [${scale[0]}, ${scale[1]}]) in "${shorten(text)}"` };
}

/** MT-Bench pairwise verdict: [[A]], [[B]] or [[C]] (tie), the last one written; or JSON {"verdict": ...}. */
export function parsePairVerdict(text: string): Parsed<'A' | 'B' | 'tie'> {
  const json = extractJsonObject(text);
  if (json !== undefined && 'verdict' in json) {
    const v = typeof json.verdict === 'string' ? json.verdict.trim().toUpperCase() : '';
    if (v === 'A' || v === 'B') return { ok: true, value: v };
    if (v === 'C' || v === 'TIE') return { ok: true, value: 'tie' };
    return { ok: false, reason: `JSON field "verdict" is ${JSON.stringify(json.verdict)} (valid: "A", "B", "C")` };
  }
  const all = [...text.matchAll(/\[\[\s*([ABC])\s*\]\]/g)];
  if (all.length === 0) return { ok: false, reason: `no verdict found (expected [[A]], [[B]] or [[C]]) in "${shorten(text)}"` };
  const v = all[all.length - 1][1];
  return { ok: true, value: v === 'C' ? 'tie' : (v as 'A' | 'B') };
}

// Python's string.punctuation, which get_choice strips from every line.
const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

/**
 * OpenAI evals `get_choice` with its default match_fn "starts_or_endswith": lines of the
 * output (last line first when the judge reasons first), stripped and without punctuation;
 * the first line that starts or ends with a choice string gives that choice (choices tried in
 * the order given). Like evals, a line "Answer B" matches choice "A" (it starts with "A").
 * A JSON object with a `choice` field (structured output) is read directly.
 */
export function parseChoice(text: string, choices: readonly string[], reasoning: boolean): Parsed<string> {
  const json = extractJsonObject(text);
  if (json !== undefined && 'choice' in json) {
    const c = typeof json.choice === 'string' ? json.choice.trim() : '';
    if (choices.includes(c)) return { ok: true, value: c };
    return { ok: false, reason: `JSON field "choice" is ${JSON.stringify(json.choice)} (valid: ${choices.map((x) => JSON.stringify(x)).join(', ')})` };
  }
  let lines = text.trim().split('\n');
  if (reasoning) lines = lines.reverse();
  for (const raw of lines) {
    const line = [...raw.trim()].filter((ch) => !PUNCTUATION.has(ch)).join('');
    if (line === '') continue;
    for (const choice of choices) if (line.startsWith(choice) || line.endsWith(choice)) return { ok: true, value: choice };
  }
  return { ok: false, reason: `no choice found (valid: ${choices.join(', ')}) in "${shorten(text)}"` };
}
