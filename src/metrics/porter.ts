// Porter stemmer exactly as NLTK 3.8 `nltk.stem.porter.PorterStemmer()` in its default
// NLTK_EXTENSIONS mode (the stemmer rouge-score uses), including NLTK's irregular-word pool and
// its deviations from Porter (1980). Strings are handled as Python does: by code point.

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u']);

/** NLTK's table of irregular forms, inverted: surface form → stem. */
const POOL: ReadonlyMap<string, string> = new Map(
  Object.entries({
    sky: ['sky', 'skies'],
    die: ['dying'],
    lie: ['lying'],
    tie: ['tying'],
    news: ['news'],
    inning: ['innings', 'inning'],
    outing: ['outings', 'outing'],
    canning: ['cannings', 'canning'],
    howe: ['howe'],
    proceed: ['proceed'],
    exceed: ['exceed'],
    succeed: ['succeed'],
  }).flatMap(([stem, forms]) => forms.map((form): [string, string] => [form, stem])),
);

/** A letter is a consonant unless it is a vowel, or a `y` that follows a consonant. */
function isConsonant(word: string, i: number): boolean {
  // NLTK recurses leftwards through runs of `y`; walking the run is the same thing.
  let consonant = true;
  let j = i;
  while (j >= 0) {
    const ch = word[j];
    if (VOWELS.has(ch)) return !consonant;
    if (ch !== 'y') return consonant;
    if (j === 0) return consonant;
    consonant = !consonant;
    j--;
  }
  return consonant;
}

/** Porter's m: the number of vowel→consonant transitions. */
function measure(stem: string): number {
  let m = 0;
  let prevVowel = false;
  for (let i = 0; i < stem.length; i++) {
    const consonant = isConsonant(stem, i);
    if (consonant && prevVowel) m++;
    prevVowel = !consonant;
  }
  return m;
}

function hasPositiveMeasure(stem: string): boolean {
  return measure(stem) > 0;
}

function containsVowel(stem: string): boolean {
  for (let i = 0; i < stem.length; i++) if (!isConsonant(stem, i)) return true;
  return false;
}

/** Condition *d: ends with a double consonant. */
function endsDoubleConsonant(word: string): boolean {
  const n = word.length;
  return n >= 2 && word[n - 1] === word[n - 2] && isConsonant(word, n - 1);
}

/** Condition *o: ends consonant-vowel-consonant, last not w/x/y; NLTK also accepts a 2-letter vc word. */
function endsCvc(word: string): boolean {
  const n = word.length;
  if (
    n >= 3 &&
    isConsonant(word, n - 3) &&
    !isConsonant(word, n - 2) &&
    isConsonant(word, n - 1) &&
    word[n - 1] !== 'w' &&
    word[n - 1] !== 'x' &&
    word[n - 1] !== 'y'
  ) {
    return true;
  }
  return n === 2 && !isConsonant(word, 0) && isConsonant(word, 1);
}

/** `[suffix, replacement, condition on the stripped stem]`; `*d` means "any double consonant". */
type Rule = readonly [string, string, ((stem: string) => boolean) | null];

/**
 * NLTK's `_apply_rule_list`: the FIRST rule whose suffix matches decides; if its condition
 * fails the word is returned unchanged and later rules are not tried.
 */
function applyRules(word: string, rules: readonly Rule[]): string {
  for (const [suffix, replacement, condition] of rules) {
    if (suffix === '*d' && endsDoubleConsonant(word)) {
      const stem = word.slice(0, -2);
      return condition === null || condition(stem) ? stem + replacement : word;
    }
    if (word.endsWith(suffix)) {
      const stem = word.slice(0, word.length - suffix.length);
      return condition === null || condition(stem) ? stem + replacement : word;
    }
  }
  return word;
}

const STEP1A_RULES: readonly Rule[] = [
  ['sses', 'ss', null],
  ['ies', 'i', null],
  ['ss', 'ss', null],
  ['s', '', null],
];

function step1a(word: string): string {
  // NLTK: 'dies' → 'die' but 'flies' → 'fli'.
  if (word.endsWith('ies') && word.length === 4) return word.slice(0, -3) + 'ie';
  return applyRules(word, STEP1A_RULES);
}

function step1b(word: string): string {
  // NLTK: 'died' → 'die' but 'spied' → 'spi'.
  if (word.endsWith('ied')) return word.slice(0, -3) + (word.length === 4 ? 'ie' : 'i');
  if (word.endsWith('eed')) {
    const stem = word.slice(0, -3);
    return measure(stem) > 0 ? stem + 'ee' : word;
  }
  let stem: string | undefined;
  for (const suffix of ['ed', 'ing']) {
    if (word.endsWith(suffix)) {
      const candidate = word.slice(0, word.length - suffix.length);
      if (containsVowel(candidate)) {
        stem = candidate;
        break;
      }
    }
  }
  if (stem === undefined) return word;
  const last = stem[stem.length - 1];
  return applyRules(stem, [
    ['at', 'ate', null],
    ['bl', 'ble', null],
    ['iz', 'ize', null],
    ['*d', last, () => last !== 'l' && last !== 's' && last !== 'z'],
    ['', 'e', (s) => measure(s) === 1 && endsCvc(s)],
  ]);
}

const STEP1C_RULES: readonly Rule[] = [
  // NLTK: y → i only after a consonant that is not the whole stem ('happy' → 'happi', 'sky' stays).
  ['y', 'i', (stem) => stem.length > 1 && isConsonant(stem, stem.length - 1)],
];

function step1c(word: string): string {
  return applyRules(word, STEP1C_RULES);
}

const STEP2_RULES: readonly Rule[] = [
  ['ational', 'ate', hasPositiveMeasure],
  ['tional', 'tion', hasPositiveMeasure],
  ['enci', 'ence', hasPositiveMeasure],
  ['anci', 'ance', hasPositiveMeasure],
  ['izer', 'ize', hasPositiveMeasure],
  ['bli', 'ble', hasPositiveMeasure],
  ['alli', 'al', hasPositiveMeasure],
  ['entli', 'ent', hasPositiveMeasure],
  ['eli', 'e', hasPositiveMeasure],
  ['ousli', 'ous', hasPositiveMeasure],
  ['ization', 'ize', hasPositiveMeasure],
  ['ation', 'ate', hasPositiveMeasure],
  ['ator', 'ate', hasPositiveMeasure],
  ['alism', 'al', hasPositiveMeasure],
  ['iveness', 'ive', hasPositiveMeasure],
  ['fulness', 'ful', hasPositiveMeasure],
  ['ousness', 'ous', hasPositiveMeasure],
  ['aliti', 'al', hasPositiveMeasure],
  ['iviti', 'ive', hasPositiveMeasure],
  ['biliti', 'ble', hasPositiveMeasure],
  ['fulli', 'ful', hasPositiveMeasure],
  // NLTK keeps the 'l' of 'logi' with the stem for the measure, so 'geo'/'theo' work like 'archaeo'.
  ['logi', 'log', (stem) => hasPositiveMeasure(stem + 'l')],
];

function step2(word: string): string {
  // NLTK applies ALLI → AL first and, if it fires, runs step 2 again on the result.
  if (word.endsWith('alli') && hasPositiveMeasure(word.slice(0, -4))) return step2(word.slice(0, -4) + 'al');
  return applyRules(word, STEP2_RULES);
}

const STEP3_RULES: readonly Rule[] = [
  ['icate', 'ic', hasPositiveMeasure],
  ['ative', '', hasPositiveMeasure],
  ['alize', 'al', hasPositiveMeasure],
  ['iciti', 'ic', hasPositiveMeasure],
  ['ical', 'ic', hasPositiveMeasure],
  ['ful', '', hasPositiveMeasure],
  ['ness', '', hasPositiveMeasure],
];

const measureGt1 = (stem: string): boolean => measure(stem) > 1;

const STEP4_RULES: readonly Rule[] = [
  ['al', '', measureGt1],
  ['ance', '', measureGt1],
  ['ence', '', measureGt1],
  ['er', '', measureGt1],
  ['ic', '', measureGt1],
  ['able', '', measureGt1],
  ['ible', '', measureGt1],
  ['ant', '', measureGt1],
  ['ement', '', measureGt1],
  ['ment', '', measureGt1],
  ['ent', '', measureGt1],
  ['ion', '', (stem) => measure(stem) > 1 && (stem.endsWith('s') || stem.endsWith('t'))],
  ['ou', '', measureGt1],
  ['ism', '', measureGt1],
  ['ate', '', measureGt1],
  ['iti', '', measureGt1],
  ['ous', '', measureGt1],
  ['ive', '', measureGt1],
  ['ize', '', measureGt1],
];

function step5a(word: string): string {
  // Both E rules are tried (unlike applyRules): (m>1) E → ; (m=1 and not *o) E → .
  if (!word.endsWith('e')) return word;
  const stem = word.slice(0, -1);
  const m = measure(stem);
  if (m > 1) return stem;
  if (m === 1 && !endsCvc(stem)) return stem;
  return word;
}

function step5b(word: string): string {
  // (m>1 and *d and *L): NLTK measures the word minus one letter, i.e. stem + 'l'.
  if (word.endsWith('ll') && measure(word.slice(0, -1)) > 1) return word.slice(0, -1);
  return word;
}

function step3(word: string): string {
  return applyRules(word, STEP3_RULES);
}

function stemSteps(word: string): string {
  return step5b(step5a(applyRules(step3(step2(step1c(step1b(step1a(word))))), STEP4_RULES)));
}

/**
 * Non-BMP code points are 2 UTF-16 units in JS but 1 character in Python, which changes NLTK's
 * length tests. Each distinct one is swapped for a distinct private-use BMP character absent from
 * the word (also a consonant, never a suffix letter), stemmed, and swapped back.
 */
function stemByCodePoint(word: string): string {
  const forward = new Map<string, string>();
  const backward = new Map<string, string>();
  const present = new Set(word);
  let next = 0xe000;
  let mapped = '';
  for (const ch of word) {
    if (ch.length === 1) {
      mapped += ch;
      continue;
    }
    let sub = forward.get(ch);
    if (sub === undefined) {
      while (present.has(String.fromCharCode(next))) next++;
      sub = String.fromCharCode(next++);
      forward.set(ch, sub);
      backward.set(sub, ch);
    }
    mapped += sub;
  }
  let out = '';
  for (const ch of stemSteps(mapped)) out += backward.get(ch) ?? ch;
  return out;
}

function codePointLength(word: string): number {
  let n = 0;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

/**
 * `PorterStemmer().stem(word, to_lowercase)` of NLTK 3.8. As in NLTK, the irregular-word pool is
 * checked against the word as given and words of at most 2 characters are only lower-cased.
 */
export function porterStem(word: string, toLowercase = true): string {
  const lower = toLowercase ? word.toLowerCase() : word;
  if (POOL.has(word)) return POOL.get(lower) ?? lower;
  if (codePointLength(word) <= 2) return lower;
  return /[\ud800-\udfff]/.test(lower) ? stemByCodePoint(lower) : stemSteps(lower);
}
