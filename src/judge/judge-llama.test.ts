// The structured-output path for real: stories260K as the judge, its JSON schema compiled to a
// llama grammar by node-llama-cpp. The rating is whatever the tiny model writes; what is checked
// is that the grammar held (the raw output is JSON of the schema's shape) and the rating parsed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProvider } from '../providers/registry.js';
import type { Provider } from '../providers/types.js';
import { sharedPath } from '../../test/support/shared.js';
import { createJudge } from './index.js';

const MODEL = sharedPath('models', 'stories260K.gguf');

describe('a judge on the local tiny model (llama grammar)', () => {
  let provider: Provider;
  beforeAll(async () => {
    provider = await createProvider(`llama:${MODEL}`, { threads: 1, contextSize: 512 });
  });
  afterAll(async () => {
    await provider?.close();
  });

  it('single grading under the JSON schema gives an integer rating in the scale', async () => {
    const judge = createJudge({ kind: 'single', model: `llama:${MODEL}`, maxTokens: 160 }, provider);
    expect(judge.identity.params.structured).toBe(true);
    const verdicts = await judge.grade([
      { question: 'What did the cat do?', answer: 'The cat sat on the mat and played with a ball.' },
      { question: 'Who is Lily?', answer: 'Lily is a little girl who likes to play in the park.' },
    ]);
    for (const v of verdicts) {
      expect(v.status).toBe('scored');
      if (v.status !== 'scored') continue;
      expect(v.method).toBe('rating');
      expect(Number.isInteger(v.score) && v.score >= 1 && v.score <= 10).toBe(true);
      const json = JSON.parse(v.raw[0]) as Record<string, unknown>;
      expect(Object.keys(json)).toEqual(['explanation', 'rating']);
      expect(json.rating).toBe(v.score);
      expect(typeof json.explanation === 'string' && json.explanation.length <= 112).toBe(true);
    }
  });

  it('classify (closedqa) under the JSON schema gives one of the choices', async () => {
    const judge = createJudge({ kind: 'classify', preset: 'closedqa', model: `llama:${MODEL}`, maxTokens: 120 }, provider);
    const [v] = await judge.grade([{ question: 'Name an animal.', answer: 'A dog.', criteria: 'names an animal' }]);
    expect(v.status).toBe('scored');
    if (v.status !== 'scored') return;
    const json = JSON.parse(v.raw[0]) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['reasons', 'choice']);
    expect(v.choice).toBe(json.choice);
    expect(v.score).toBe(json.choice === 'Y' ? 1 : 0);
  });
});
