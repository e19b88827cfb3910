// Python `re.sub` for the harness's `regex_replace(pattern, repl, count=0)` filter
// (lm_eval/utils.py): translates a Python `re` pattern to a JS RegExp and expands `\1`/`\g<name>`
// the way `re` expands a replacement template. Lookbehind, flags groups other than a leading
// `(?aimsx)` and possessive quantifiers are not translated.

import { PyError } from './py-values.js';

const WORD = '\\p{L}\\p{N}_';
const SPACE = ' \\t\\n\\r\\v\\f\\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const SYNTAX = '^$\\.*+?()[]{}|/';
const cache = new Map<string, RegExp>();

/** A JS RegExp (flags `gu` plus the pattern's inline flags) that matches as Python `re` does. */
export function pyRegExp(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return new RegExp(hit.source, hit.flags);
  let src = pattern;
  let flags = 'gu';
  const inline = /^\(\?([aimsx]+)\)/.exec(src);
  if (inline) {
    src = src.slice(inline[0].length);
    if (inline[1].includes('i')) flags += 'i';
    if (inline[1].includes('m')) flags += 'm';
    if (inline[1].includes('s')) flags += 's';
  }
  const multiline = flags.includes('m');
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (ch === '\\') {
      const next = src[++i];
      if (next === undefined) throw new PyError('re.error', `bad escape (end of pattern) in ${JSON.stringify(pattern)}`);
      if (next === 'd') out += '\\p{Nd}';
      else if (next === 'D') out += inClass ? '\\P{Nd}' : '\\P{Nd}';
      else if (next === 'w') out += inClass ? WORD : `[${WORD}]`;
      else if (next === 'W' && !inClass) out += `[^${WORD}]`;
      else if (next === 's') out += inClass ? SPACE : `[${SPACE}]`;
      else if (next === 'S' && !inClass) out += `[^${SPACE}]`;
      else if (next === 'b' && !inClass) out += `(?:(?<=[${WORD}])(?![${WORD}])|(?<![${WORD}])(?=[${WORD}]))`;
      else if (next === 'B' && !inClass) out += `(?:(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}])(?<=[\\s\\S]|^))`;
      // Anchored by ^ / a lookbehind, not a bare lookaround: V8 lets that match between the halves of a surrogate pair.
      else if (next === 'A' && !inClass) out += '^(?<![\\s\\S])';
      else if (next === 'Z' && !inClass) out += '(?<=[\\s\\S]|^)(?![\\s\\S])';
      else if (/[0-9nrtfvx]/.test(next) || next === 'u' || next === 'U') {
        if (next === 'U') {
          out += `\\u{${src.slice(i + 1, i + 9)}}`;
          i += 8;
        } else out += `\\${next}`;
      } else if (/[A-Za-z]/.test(next)) {
        throw new PyError('re.error', `bad escape \\${next} in ${JSON.stringify(pattern)}`);
      } else if (SYNTAX.includes(next) || (inClass && next === '-')) out += `\\${next}`;
      else out += next;
      continue;
    }
    if (inClass) {
      if (ch === ']' && !/\[\^?$/.test(out)) inClass = false;
      else if (ch === '[') {
        out += '\\[';
        continue;
      }
      out += ch;
      continue;
    }
    if (ch === '[') inClass = true;
    if (ch === '(' && src.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    if (ch === '(' && src.startsWith('(?P=', i)) {
      const end = src.indexOf(')', i);
      out += `\\k<${src.slice(i + 4, end)}>`;
      i = end;
      continue;
    }
    // Python's `$` (without MULTILINE) also matches before a final newline.
    if (ch === '$' && !multiline) {
      out += '(?=\\n?$)';
      continue;
    }
    out += ch;
  }
  let re: RegExp;
  try {
    re = new RegExp(out, flags);
  } catch (e) {
    throw new PyError('re.error', `cannot compile ${JSON.stringify(pattern)}: ${(e as Error).message}`);
  }
  cache.set(pattern, re);
  return new RegExp(re.source, re.flags);
}

const REPL_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };

/** Expands a Python replacement template (`\1`, `\g<1>`, `\g<name>`, `\n`) for one match. */
function expand(repl: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < repl.length; i++) {
    const ch = repl[i];
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = repl[i + 1];
    if (next === undefined) throw new PyError('re.error', 'bad escape (end of pattern) in replacement');
    if (next === 'g') {
      const end = repl.indexOf('>', i);
      if (repl[i + 2] !== '<' || end < 0) throw new PyError('re.error', 'missing group name in replacement');
      const name = repl.slice(i + 3, end);
      out += (/^\d+$/.test(name) ? m[Number(name)] : m.groups?.[name]) ?? '';
      i = end;
    } else if (/[0-9]/.test(next)) {
      const digits = /^[0-9]{1,2}/.exec(repl.slice(i + 1))?.[0] ?? next;
      out += m[Number(digits)] ?? '';
      i += digits.length;
    } else if (next in REPL_ESCAPES) {
      out += REPL_ESCAPES[next];
      i++;
    } else if (/[A-Za-z]/.test(next)) {
      throw new PyError('re.error', `bad escape \\${next} in replacement`);
    } else {
      out += `\\${next}`;
      i++;
    }
  }
  return out;
}

/** Python `re.sub(pattern, repl, text, count=count)`. */
export function pyReSub(pattern: string, repl: string, text: string, count = 0): string {
  const re = pyRegExp(pattern);
  let out = '';
  let last = 0;
  let n = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (count > 0 && n >= count) break;
    out += text.slice(last, m.index) + expand(repl, m);
    last = m.index + m[0].length;
    n++;
    if (m[0].length === 0) re.lastIndex += (text.codePointAt(re.lastIndex) ?? 0) > 0xffff ? 2 : 1;
  }
  return out + text.slice(last);
}
