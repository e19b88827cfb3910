import { describe, expect, it } from 'vitest';
import { AssayError, formatSignature, levenshtein, parseSignature, Registry, Rng, unknownNameMessage } from './index.js';

describe('Rng (xoshiro128** seeded by SplitMix32)', () => {
  it('is reproducible for a seed and differs across seeds', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs);
  });
  it('draws unbiased integers below n', () => {
    const rng = new Rng(1);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30000; i++) counts[rng.intBelow(3)]++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(400);
    expect(() => rng.intBelow(0)).toThrow(RangeError);
  });
  it('gives floats in [0, 1)', () => {
    const rng = new Rng(3);
    let sum = 0;
    for (let i = 0; i < 10000; i++) {
      const x = rng.nextFloat();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    expect(Math.abs(sum / 10000 - 0.5)).toBeLessThan(0.02);
  });
  it('rejects a non-integer seed', () => {
    expect(() => new Rng(1.5)).toThrow(/seed must be an integer/);
  });
});

describe('Registry', () => {
  it('returns built-ins and plug-ins and suggests the closest name', () => {
    const r = new Registry('metric', { bleu: 1, chrf: 2 });
    r.register('ter', 3);
    expect(r.get('ter')).toBe(3);
    expect(r.names()).toEqual(['bleu', 'chrf', 'ter']);
    expect(() => r.get('blue')).toThrow('unknown metric "blue"; did you mean "bleu"? (valid: bleu, chrf, ter)');
    expect(() => r.register('bleu', 9)).toThrow(/already registered/);
    try {
      r.get('nope');
    } catch (e) {
      expect((e as AssayError).code).toBe('UNKNOWN_NAME');
    }
  });
});

describe('signature and suggestions', () => {
  it('formats and parses key:value pairs in order', () => {
    const sig = formatSignature({ nrefs: 1, case: 'mixed', eff: false });
    expect(sig).toBe('nrefs:1|case:mixed|eff:no');
    expect(parseSignature(sig)).toEqual({ nrefs: '1', case: 'mixed', eff: 'no' });
  });
  it('computes edit distance over code points', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('😀a', 'a')).toBe(1);
    expect(unknownNameMessage('x', 'zzz', ['a'])).toBe('unknown x "zzz" (valid: a)');
  });
});
