// Counting BLEU n-grams without allocating: tokens become integer ids, an n-gram of ids is packed
// into one number, and one open-addressing table of reference counts is reused for every segment.
// Exact: packed keys are only used while they stay below 2^53 (bleu.ts falls back to strings).

/**
 * Open-addressing hash table from packed n-gram key to reference count, reused for every segment:
 * generation stamps make clearing free, so matching allocates nothing per n-gram. One instance
 * serves the whole module (scoring is synchronous).
 */
class NgramTable {
  private shift = 22;
  private keys = new Float64Array(1024);
  private live = new Int32Array(1024);
  private count = new Int32Array(1024);
  private own = new Int32Array(1024);
  private ownStamp = new Int32Array(1024);
  private used = new Int32Array(1024);
  private usedStamp = new Int32Array(1024);
  private slots = new Int32Array(1024);
  private size = 0;
  private gen = 0;
  private refGen = 0;
  private hypGen = 0;

  /** Empties the table for a segment with at most `ngrams` distinct n-grams. */
  begin(ngrams: number): void {
    if (2 * ngrams > this.keys.length) {
      let capacity = this.keys.length;
      while (2 * ngrams > capacity) capacity *= 2;
      this.shift = 32 - Math.log2(capacity);
      this.keys = new Float64Array(capacity);
      this.live = new Int32Array(capacity);
      this.count = new Int32Array(capacity);
      this.own = new Int32Array(capacity);
      this.ownStamp = new Int32Array(capacity);
      this.used = new Int32Array(capacity);
      this.usedStamp = new Int32Array(capacity);
      this.slots = new Int32Array(capacity);
    }
    this.gen++;
    this.size = 0;
  }

  private home(key: number): number {
    // Exact integers below 2^53: mix the low and high 32 bits, keep the top bits (Fibonacci hashing).
    const hi = (key / 4294967296) | 0;
    return Math.imul((key >>> 0) ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> this.shift;
  }

  /** Slot of `key`, or -1. */
  find(key: number): number {
    const mask = this.keys.length - 1;
    for (let slot = this.home(key); ; slot = (slot + 1) & mask) {
      if (this.live[slot] !== this.gen) return -1;
      if (this.keys[slot] === key) return slot;
    }
  }

  private insert(key: number): number {
    const mask = this.keys.length - 1;
    let slot = this.home(key);
    while (this.live[slot] === this.gen) {
      if (this.keys[slot] === key) return slot;
      slot = (slot + 1) & mask;
    }
    this.live[slot] = this.gen;
    this.keys[slot] = key;
    this.count[slot] = 0;
    this.slots[this.size++] = slot;
    return slot;
  }

  /** Starts counting the n-grams of the next reference. */
  beginReference(): void {
    this.refGen++;
  }

  /** One occurrence in the current reference; the kept count is the maximum over references. */
  addOccurrence(key: number): void {
    const slot = this.insert(key);
    if (this.ownStamp[slot] !== this.refGen) {
      this.ownStamp[slot] = this.refGen;
      this.own[slot] = 0;
    }
    if (++this.own[slot] > this.count[slot]) this.count[slot] = this.own[slot];
  }

  /** Loads counts materialized by `entries`. */
  load(keys: readonly number[], counts: readonly number[]): void {
    for (let i = 0; i < keys.length; i++) this.count[this.insert(keys[i])] = counts[i];
  }

  entries(): { keys: number[]; counts: number[] } {
    const keys = new Array<number>(this.size);
    const counts = new Array<number>(this.size);
    for (let i = 0; i < this.size; i++) {
      keys[i] = this.keys[this.slots[i]];
      counts[i] = this.count[this.slots[i]];
    }
    return { keys, counts };
  }

  /** Starts clipping a hypothesis against the loaded references. */
  beginHypothesis(): void {
    this.hypGen++;
  }

  /** Takes one unit of the slot's reference count; false once the clip is reached. */
  take(slot: number): boolean {
    if (this.usedStamp[slot] !== this.hypGen) {
      this.usedStamp[slot] = this.hypGen;
      this.used[slot] = 0;
    }
    if (this.used[slot] >= this.count[slot]) return false;
    this.used[slot]++;
    return true;
  }
}

/** The one table every BLEU segment uses (scoring is synchronous). */
export const table = new NgramTable();
let idScratch = new Int32Array(256);

function scratchIds(len: number): Int32Array {
  if (idScratch.length < len) idScratch = new Int32Array(Math.max(len, 2 * idScratch.length));
  return idScratch;
}

/** Token numbers of reference tokens (in a shared scratch array), numbering new tokens 1, 2, ... */
function internTokens(tokens: readonly string[], vocab: Map<string, number>): Int32Array {
  const ids = scratchIds(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    let id = vocab.get(tokens[i]);
    if (id === undefined) {
      id = vocab.size + 1;
      vocab.set(tokens[i], id);
    }
    ids[i] = id;
  }
  return ids;
}

/** Token numbers of hypothesis tokens (in a shared scratch array); 0 for tokens no reference has. */
function lookupTokens(tokens: readonly string[], vocab: ReadonlyMap<string, number>): Int32Array {
  const ids = scratchIds(tokens.length);
  for (let i = 0; i < tokens.length; i++) ids[i] = vocab.get(tokens[i]) ?? 0;
  return ids;
}

function ngramCount(len: number, order: number): number {
  let total = 0;
  for (let n = 1; n <= order && n <= len; n++) total += len - n + 1;
  return total;
}

/** Loads the references' packed n-grams into `table`; null when keys could pass 2^53. */
export function loadReferences(tokenLists: readonly string[][], order: number): { vocab: Map<string, number>; base: number } | null {
  let tokensTotal = 0;
  let ngramsTotal = 0;
  for (const tokens of tokenLists) {
    tokensTotal += tokens.length;
    ngramsTotal += ngramCount(tokens.length, order);
  }
  // Token numbers never exceed the number of reference tokens, so this base bounds every key.
  const base = tokensTotal + 1;
  if (base ** order > Number.MAX_SAFE_INTEGER) return null;
  const vocab = new Map<string, number>();
  table.begin(ngramsTotal);
  for (const tokens of tokenLists) {
    const ids = internTokens(tokens, vocab);
    table.beginReference();
    for (let i = 0; i < tokens.length; i++) {
      let key = 0;
      const last = Math.min(tokens.length, i + order);
      for (let j = i; j < last; j++) {
        key = key * base + ids[j];
        table.addOccurrence(key);
      }
    }
  }
  return { vocab, base };
}

/** Adds the hypothesis' clipped matches per order to `stats` (from index 2) using `table`. */
export function clipAgainstTable(tokens: readonly string[], vocab: ReadonlyMap<string, number>, base: number, order: number, stats: number[]): void {
  const len = tokens.length;
  const ids = lookupTokens(tokens, vocab);
  table.beginHypothesis();
  for (let i = 0; i < len; i++) {
    let key = 0;
    const last = Math.min(len, i + order);
    for (let j = i; j < last; j++) {
      // A token no reference has (number 0) ends every n-gram through it.
      if (ids[j] === 0) break;
      key = key * base + ids[j];
      const slot = table.find(key);
      if (slot < 0) break; // reference n-grams are prefix-closed: nothing longer can match
      if (table.take(slot)) stats[2 + j - i]++;
    }
  }
}

/** String-keyed n-gram counts (tokens joined by a space: tokens never contain whitespace). */
