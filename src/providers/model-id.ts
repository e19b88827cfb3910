// Model ids (`provider:model[@base-url]`), parsed once into a ModelRef at the edge, after
// inspect_ai's `provider/model` names; the provider part is resolved by the provider registry
// (one lookup, never a chain of prefix tests).
import { UsageError } from '../core/errors.js';

export interface ModelRef {
  /** Provider name as written, e.g. `openai-compatible` (the registry resolves it). */
  provider: string;
  /** Model name or GGUF path, e.g. `gpt-4o-mini`, `./models/x.gguf`, `stories260K.gguf`. */
  model: string;
  /** Base URL given inline with `@http(s)://...`. */
  baseUrl?: string;
}

const PROVIDER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const INLINE_URL = /@(https?:\/\/.*)$/;

/**
 * Parses `provider:model` or `provider:model@http(s)://host/path`. The model part keeps any
 * further colons (`ollama:llama3:8b`, `llama:C:\models\x.gguf`).
 */
export function parseModelId(id: string): ModelRef {
  const trimmed = id.trim();
  const colon = trimmed.indexOf(':');
  if (colon <= 0) {
    throw new UsageError(`model id "${id}" must be PROVIDER:MODEL (e.g. openai:gpt-4o-mini, llama:stories260K.gguf, openai-compatible:MODEL@http://localhost:8000/v1)`);
  }
  const provider = trimmed.slice(0, colon);
  if (!PROVIDER_NAME.test(provider)) {
    throw new UsageError(`model id "${id}": provider "${provider}" may contain only letters, digits, _ . -`);
  }
  let model = trimmed.slice(colon + 1);
  let baseUrl: string | undefined;
  const inline = INLINE_URL.exec(model);
  if (inline) {
    baseUrl = inline[1];
    model = model.slice(0, inline.index);
    try {
      new URL(baseUrl);
    } catch {
      throw new UsageError(`model id "${id}": "${baseUrl}" after @ is not a valid URL (expected e.g. http://localhost:8000/v1)`);
    }
  }
  if (model === '') {
    throw new UsageError(`model id "${id}" names no model after "${provider}:" (expected ${provider}:MODEL)`);
  }
  return baseUrl === undefined ? { provider, model } : { provider, model, baseUrl };
}

/** The canonical string of a ModelRef; `parseModelId(formatModelId(r))` gives `r` back. */
export function formatModelId(ref: ModelRef): string {
  return `${ref.provider}:${ref.model}${ref.baseUrl === undefined ? '' : `@${ref.baseUrl}`}`;
}
