// Deterministic synthetic parallel corpora for benchmarks: references drawn from a Zipf-like
// vocabulary with punctuation, numbers and some non-ASCII words; hypotheses are light edits of a
// reference (drop, insert, swap, replace, case change), as MT/summarization outputs look.
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Rng } from '../src/core/rng.js';

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'zen', 'dar', 'pel', 'qua', 'ber', 'sto', 'lin', 'gra'];
const EXTRA = ['café', 'Zürich', 'naïve', 'Łódź', '東京', 'don\'t', 'it\'s', 'state-of-the-art', '1,000.50', '3.14', '$5', '10%', '&amp;'];

function vocabulary(rng: Rng, size: number): string[] {
  const words = new Set<string>(['the', 'a', 'of', 'to', 'and', 'in', 'is', 'that', 'for', 'it', 'with', 'as', 'was', 'on']);
  while (words.size < size) {
    const n = 1 + rng.intBelow(3);
    let w = '';
    for (let i = 0; i < n; i++) w += SYLLABLES[rng.intBelow(SYLLABLES.length)];
    words.add(rng.intBelow(20) === 0 ? w + ['ing', 'ed', 'ation', 'ness', 'ly', 'ies'][rng.intBelow(6)] : w);
  }
  return [...words];
}

export interface SyntheticCorpus {
  hypFile: string;
  refFiles: string[];
  pairsFile: string;
  segments: number;
}

/** Writes hyp.txt, ref1..ref3.txt (ref k empty-string-free, parallel) and pairs.jsonl under dir. */
export async function writeCorpus(dir: string, segments: number, seed = 20240611, maxRefs = 3): Promise<SyntheticCorpus> {
  const rng = new Rng(seed);
  const vocab = vocabulary(rng, 5000);
  const zipf = (): string => {
    // Inverse-CDF draw from ~1/rank.
    const u = rng.nextFloat();
    return vocab[Math.min(vocab.length - 1, Math.floor(Math.exp(u * Math.log(vocab.length + 1))) - 1)];
  };
  const sentence = (): string[] => {
    const len = 5 + rng.intBelow(30);
    const words: string[] = [];
    for (let i = 0; i < len; i++) words.push(rng.intBelow(40) === 0 ? EXTRA[rng.intBelow(EXTRA.length)] : zipf());
    words[0] = words[0][0].toUpperCase() + words[0].slice(1);
    if (rng.intBelow(4) === 0) words.splice(1 + rng.intBelow(len - 1), 0, ',');
    return words;
  };
  const edit = (words: string[], steps: number): string[] => {
    const out = [...words];
    for (let s = 0; s < steps && out.length > 1; s++) {
      const i = rng.intBelow(out.length);
      switch (rng.intBelow(5)) {
        case 0: out.splice(i, 1); break;
        case 1: out.splice(i, 0, zipf()); break;
        case 2: if (i + 1 < out.length) [out[i], out[i + 1]] = [out[i + 1], out[i]]; break;
        case 3: out[i] = zipf(); break;
        default: out[i] = out[i].toUpperCase();
      }
    }
    return out;
  };
  await mkdir(dir, { recursive: true });
  const open = (name: string) => createWriteStream(`${dir}/${name}`);
  const hyp = open('hyp.txt');
  const refs = Array.from({ length: maxRefs }, (_, k) => open(`ref${k + 1}.txt`));
  const pairs = open('pairs.jsonl');
  const write = (stream: ReturnType<typeof open>, text: string) =>
    stream.write(text) ? Promise.resolve() : new Promise<void>((r) => stream.once('drain', () => r()));
  for (let i = 0; i < segments; i++) {
    const base = sentence();
    const refTexts = [base.join(' ') + ' .'];
    for (let k = 1; k < maxRefs; k++) refTexts.push(edit(base, 1 + rng.intBelow(2)).join(' ') + ' .');
    const nrefs = 1 + rng.intBelow(maxRefs);
    const h = edit(base, rng.intBelow(8)).join(' ') + (rng.intBelow(3) === 0 ? '' : ' .');
    await write(hyp, h + '\n');
    for (let k = 0; k < maxRefs; k++) await write(refs[k], refTexts[k] + '\n');
    await write(pairs, JSON.stringify({ hyp: h, refs: refTexts.slice(0, nrefs) }) + '\n');
  }
  await Promise.all([hyp, ...refs, pairs].map((s) => new Promise<void>((r) => s.end(() => r()))));
  return { hypFile: `${dir}/hyp.txt`, refFiles: refs.map((_, k) => `${dir}/ref${k + 1}.txt`), pairsFile: `${dir}/pairs.jsonl`, segments };
}

export function ensureDir(file: string): Promise<string | undefined> {
  return mkdir(dirname(file), { recursive: true });
}
