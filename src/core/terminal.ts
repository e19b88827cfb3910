// Untrusted text (model outputs, data, file names) made safe to print to a terminal: no raw
// control characters, escape sequences or bidirectional overrides reach it.

/**
 * Untrusted text made safe for a terminal: C0 and C1 controls, DEL, line and paragraph
 * separators, and bidirectional overrides are written as escapes (`\n`, `\x1b`, `\u202e`).
 */
export function escapeText(text: string): string {
  let out = '';
  for (const ch of text) out += escapeChar(ch);
  return out;
}

export function escapeChar(ch: string): string {
  const c = ch.codePointAt(0) as number;
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return `\\x${c.toString(16).padStart(2, '0')}`;
  if (c === 0x2028 || c === 0x2029 || c === 0x200e || c === 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || (c >= 0xd800 && c <= 0xdfff)) {
    return `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return ch;
}

