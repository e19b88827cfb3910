import { describe, expect, it } from 'vitest';
import { isAssayError } from '../core/errors.js';
import { formatModelId, parseModelId } from './model-id.js';

describe('parseModelId', () => {
  const cases: Array<[string, ReturnType<typeof parseModelId>]> = [
    ['llama:stories260K.gguf', { provider: 'llama', model: 'stories260K.gguf' }],
    ['llama:./models/x y.gguf', { provider: 'llama', model: './models/x y.gguf' }],
    ['llama:C:\\models\\x.gguf', { provider: 'llama', model: 'C:\\models\\x.gguf' }],
    ['openai:gpt-4o-mini', { provider: 'openai', model: 'gpt-4o-mini' }],
    ['ollama:llama3.2:1b', { provider: 'ollama', model: 'llama3.2:1b' }],
    ['anthropic:claude-3-5-haiku-20241022', { provider: 'anthropic', model: 'claude-3-5-haiku-20241022' }],
    ['openai-compatible:Qwen/Qwen2.5-7B@http://localhost:8000/v1', { provider: 'openai-compatible', model: 'Qwen/Qwen2.5-7B', baseUrl: 'http://localhost:8000/v1' }],
    ['openai-compatible:org@team/model@https://h.example/v1', { provider: 'openai-compatible', model: 'org@team/model', baseUrl: 'https://h.example/v1' }],
    ['  openai:gpt-4o  ', { provider: 'openai', model: 'gpt-4o' }],
  ];
  for (const [id, ref] of cases) {
    it(`parses ${id.trim()}`, () => {
      expect(parseModelId(id)).toEqual(ref);
      expect(parseModelId(formatModelId(ref))).toEqual(ref);
    });
  }

  const bad: Array<[string, string]> = [
    ['gpt-4o', 'model id "gpt-4o" must be PROVIDER:MODEL (e.g. openai:gpt-4o-mini, llama:stories260K.gguf, openai-compatible:MODEL@http://localhost:8000/v1)'],
    [':gpt-4o', 'model id ":gpt-4o" must be PROVIDER:MODEL (e.g. openai:gpt-4o-mini, llama:stories260K.gguf, openai-compatible:MODEL@http://localhost:8000/v1)'],
    ['openai:', 'model id "openai:" names no model after "openai:" (expected openai:MODEL)'],
    ['open ai:x', 'model id "open ai:x": provider "open ai" may contain only letters, digits, _ . -'],
    ['openai-compatible:m@http://', 'model id "openai-compatible:m@http://": "http://" after @ is not a valid URL (expected e.g. http://localhost:8000/v1)'],
  ];
  for (const [id, message] of bad) {
    it(`rejects ${JSON.stringify(id)} with a USAGE error`, () => {
      let error: unknown;
      try {
        parseModelId(id);
      } catch (e) {
        error = e;
      }
      expect(isAssayError(error) ? [error.code, error.message] : error).toEqual(['USAGE', message]);
    });
  }
});
