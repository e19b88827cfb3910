// Response filters as lm-evaluation-harness applies a FilterEnsemble to one document's responses
// (lm_eval/filters/{extraction,selection,transformation}.py, v0.4). Differences: a step after
// take_first is refused (the harness would iterate the characters of the string), and `map` turns
// non-string values into Python's str() and refuses a null result (the harness passes None on).
import { ConfigError, InputError } from '../core/errors.js';
import { isPyWhitespace, pyLower } from '../metrics/python-text.js';
import type { FilterPipeline, FilterStep } from '../tasks/task-config.js';
import { pyRegExp } from '../tasks/py-regex.js';

/** Python `str.strip()` with no argument (str.isspace() characters; all of them are in the BMP). */
export function pyStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isPyWhitespace(text.charCodeAt(start))) start++;
  while (end > start && isPyWhitespace(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** Python `str.lstrip()` with no argument. */
export function pyLstrip(text: string): string {
  let start = 0;
  while (start < text.length && isPyWhitespace(text.charCodeAt(start))) start++;
  return start === 0 ? text : text.slice(start);
}

/** `str.upper()`: full case mappings ("ß" → "SS") as Python's; code points newer than Python 3.11's Unicode 14 may differ. */
function pyUpper(text: string): string {
  return text.toUpperCase();
}

/** Python `re.findall`: whole matches without groups, the group with one, a tuple with several. */
export function pyFindall(re: RegExp, text: string): (string | string[])[] {
  const out: (string | string[])[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const groups = m.length - 1;
    if (groups === 0) out.push(m[0]);
    else if (groups === 1) out.push(m[1] ?? '');
    else out.push(m.slice(1).map((g) => g ?? ''));
    // An empty match must not stall: step one code point, as `re` does.
    if (m[0].length === 0) re.lastIndex += (text.codePointAt(re.lastIndex) ?? 0) > 0xffff ? 2 : 1;
  }
  return out;
}

function compileRegex(step: Extract<FilterStep, { function: 'regex' }>, pipeline: string): RegExp {
  try {
    return pyRegExp(step.regex_pattern);
  } catch (e) {
    throw new ConfigError(
      `filter pipeline "${pipeline}": regex filter pattern ${JSON.stringify(step.regex_pattern)} is not a valid Python regular expression (${(e as Error).message})`,
    );
  }
}

/** RegexFilter.filter_set on one response. */
function regexExtract(re: RegExp, step: Extract<FilterStep, { function: 'regex' }>, resp: string, pipeline: string): string {
  const matches = pyFindall(re, resp);
  if (matches.length === 0) return step.fallback;
  const index = step.group_select < 0 ? matches.length + step.group_select : step.group_select;
  if (index < 0 || index >= matches.length) {
    throw new InputError(
      `filter pipeline "${pipeline}": regex group_select ${step.group_select} is out of range, the response has ${matches.length} match(es) of ${JSON.stringify(step.regex_pattern)}`,
    );
  }
  let match = matches[index];
  if (Array.isArray(match)) match = match.find((g) => g !== '') ?? step.fallback;
  return pyStrip(match);
}

/** Python's str() of a JSON/YAML value, for `map` values that are not strings. */
function pyStr(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

function mapValue(step: Extract<FilterStep, { function: 'map' }>, resp: string, pipeline: string): string {
  const value = Object.hasOwn(step.mapping_dict, resp) ? step.mapping_dict[resp] : step.default_value;
  if (value === null || value === undefined) {
    throw new InputError(
      `filter pipeline "${pipeline}": map filter has no entry for response ${JSON.stringify(resp)} and default_value is null (set default_value or add the key to mapping_dict)`,
    );
  }
  return pyStr(value);
}

/**
 * One pipeline over the responses of one document (one string per repeat), as the harness's
 * FilterEnsemble applies it per doc. take_first and majority_vote+take_first give a string.
 */
export function applyFilterPipeline(pipeline: FilterPipeline, responses: readonly string[]): string | string[] {
  const name = pipeline.name;
  let value: string | string[] = [...responses];
  for (const [i, step] of pipeline.filter.entries()) {
    if (typeof value === 'string') {
      throw new ConfigError(
        `filter pipeline "${name}": step ${i + 1} (${step.function}) comes after take_first, which already reduced the responses to one string (put take_first last)`,
      );
    }
    const list: string[] = value;
    switch (step.function) {
      case 'regex': {
        const re = compileRegex(step, name);
        value = list.map((resp) => regexExtract(re, step, resp, name));
        break;
      }
      case 'map':
        value = list.map((resp) => mapValue(step, resp, name));
        break;
      case 'lowercase':
        value = list.map(pyLower);
        break;
      case 'uppercase':
        value = list.map(pyUpper);
        break;
      case 'strip':
        value = list.map(pyStrip);
        break;
      case 'remove_whitespace':
        // WhitespaceFilter: resp.lstrip().
        value = list.map(pyLstrip);
        break;
      case 'take_first':
        if (list.length === 0) throw new InputError(`filter pipeline "${name}": take_first got no responses`);
        value = list[0];
        break;
      case 'majority_vote':
        if (list.length === 0) throw new InputError(`filter pipeline "${name}": majority_vote got no responses`);
        value = [majorityVote(list)];
        break;
      default: {
        const unknown: never = step;
        throw new ConfigError(`filter pipeline "${name}": unknown filter function ${JSON.stringify((unknown as FilterStep).function)}`);
      }
    }
  }
  return value;
}

/** `Counter(resps).most_common(1)[0][0]`: the most frequent response, the first seen on ties. */
export function majorityVote(responses: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const r of responses) counts.set(r, (counts.get(r) ?? 0) + 1);
  let best = responses[0];
  let bestCount = 0;
  for (const [r, c] of counts) {
    if (c > bestCount) {
      best = r;
      bestCount = c;
    }
  }
  return best;
}
