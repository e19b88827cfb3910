// "Did you mean" suggestions for unknown names, by Levenshtein distance.

/** Levenshtein edit distance over code points (insert, delete, substitute cost 1). */
export function levenshtein(a: string, b: string): number {
  return editDistance(Array.from(a), Array.from(b));
}

/**
 * Levenshtein distance over any two sequences compared by `===` (a string itself gives UTF-16
 * units, as fastest-levenshtein counts; `Array.from` of it gives code points).
 */
export function editDistance<T>(s: ArrayLike<T>, t: ArrayLike<T>): number {
  if (s.length === 0) return t.length;
  if (t.length === 0) return s.length;
  let prev = new Array<number>(t.length + 1);
  let curr = new Array<number>(t.length + 1);
  for (let j = 0; j <= t.length; j++) prev[j] = j;
  for (let i = 1; i <= s.length; i++) {
    curr[0] = i;
    const si = s[i - 1];
    for (let j = 1; j <= t.length; j++) {
      curr[j] = Math.min(prev[j]! + 1, curr[j - 1]! + 1, prev[j - 1]! + (si === t[j - 1] ? 0 : 1));
    }
    [prev, curr] = [curr, prev];
  }
  return prev[t.length]!;
}

/** The candidates closest to `name` (at most `limit`, within a distance that makes sense). */
export function closestNames(name: string, candidates: Iterable<string>, limit = 3): string[] {
  const maxDistance = Math.max(2, Math.floor(name.length / 3));
  return [...candidates]
    .map((c) => ({ c, d: levenshtein(name.toLowerCase(), c.toLowerCase()) }))
    .filter(({ c, d }) => d <= maxDistance || c.toLowerCase().startsWith(name.toLowerCase()))
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, limit)
    .map(({ c }) => c);
}

/** "unknown metric "blue"; did you mean "bleu"? valid: bleu, chrf, ter" */
export function unknownNameMessage(kind: string, name: string, valid: readonly string[]): string {
  const close = closestNames(name, valid);
  const hint = close.length > 0 ? `; did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` : '';
  return `unknown ${kind} "${name}"${hint} (valid: ${valid.join(', ')})`;
}
