// promptfoo provider ids and provider `config` mapped to assay model ids (src/providers) and
// generation parameters. One table of promptfoo's `provider:mode:model` forms; any other id is an
// assay model id, parsed once by the provider registry when the suite runs.
import { ConfigError, type SourceLocation } from '../core/errors.js';
import { parseModelId } from '../providers/model-id.js';
import type { ProviderConfig } from '../providers/types.js';

export interface GenerationParams {
  temperature: number;
  maxTokens?: number;
  stop?: string[];
  topP?: number;
  seed?: number;
}

export interface MappedProvider {
  /** The assay model id the suite runs. */
  id: string;
  /** The id as the suite wrote it, when it was a promptfoo form that was mapped. */
  promptfooId?: string;
  /** Send the prompt as a user chat message (promptfoo's chat providers), else as text. */
  chat: boolean;
  config: ProviderConfig;
  params: GenerationParams;
}

/** Per promptfoo provider: its `:mode:` segments (chat or text), and the mode of a bare `provider:model`. */
const PROMPTFOO_MODES: Readonly<Record<string, { modes: Readonly<Record<string, boolean>>; bare: boolean; baseUrlEnv?: string }>> = {
  openai: { modes: { chat: true, completion: false }, bare: true, baseUrlEnv: 'OPENAI_BASE_URL' },
  anthropic: { modes: { messages: true }, bare: true },
  ollama: { modes: { chat: true, completion: false }, bare: false },
};

/** Provider `config` keys read (promptfoo's names); every other key is reported as ignored. */
const CONFIG_KEYS = ['temperature', 'max_tokens', 'stop', 'top_p', 'seed', 'apiBaseUrl', 'apiKeyEnvar', 'concurrency', 'timeout'] as const;

function num(value: unknown, key: string, where: SourceLocation, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new ConfigError(`config.${key} must be a ${integer ? 'non-negative integer' : 'number >= 0'}, got ${JSON.stringify(value)}`, where);
  }
  return value;
}

function str(value: unknown, key: string, where: SourceLocation): string {
  if (typeof value !== 'string' || value === '') throw new ConfigError(`config.${key} must be a non-empty string, got ${JSON.stringify(value)}`, where);
  return value;
}

/**
 * `openai:chat:gpt-4o` → `openai:gpt-4o` (chat); `openai:completion:x` → `openai:x` (text);
 * `openai:gpt-4o` → chat; `anthropic:messages:claude-…` → `anthropic:claude-…` (chat);
 * `ollama:chat:llama3` → `ollama:llama3` (chat); `ollama:llama3` → text. Others pass through.
 */
export function mapProviderId(id: string, config: Record<string, unknown>, where: SourceLocation, ignore: (key: string) => void): MappedProvider {
  const ref = parseModelId(id);
  const table = PROMPTFOO_MODES[ref.provider];
  let model = ref.model;
  let chat = false;
  let mapped = false;
  if (table !== undefined) {
    const colon = model.indexOf(':');
    const mode = colon > 0 ? model.slice(0, colon) : undefined;
    if (mode !== undefined && Object.hasOwn(table.modes, mode)) {
      chat = table.modes[mode]!;
      model = model.slice(colon + 1);
      mapped = true;
    } else {
      chat = table.bare;
      mapped = chat;
    }
  }
  const providerConfig: ProviderConfig = {};
  const params: GenerationParams = { temperature: 0 };
  for (const [key, value] of Object.entries(config)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      ignore(key);
      continue;
    }
    switch (key as (typeof CONFIG_KEYS)[number]) {
      case 'temperature':
        params.temperature = num(value, key, where, false);
        break;
      case 'max_tokens':
        params.maxTokens = num(value, key, where, true);
        break;
      case 'top_p':
        params.topP = num(value, key, where, false);
        break;
      case 'seed':
        params.seed = num(value, key, where, true);
        break;
      case 'stop':
        if (typeof value === 'string') params.stop = [value];
        else if (Array.isArray(value) && value.every((s): s is string => typeof s === 'string')) params.stop = value;
        else throw new ConfigError(`config.stop must be a string or a list of strings, got ${JSON.stringify(value)}`, where);
        break;
      case 'apiBaseUrl':
        providerConfig.baseUrl = str(value, key, where);
        break;
      case 'apiKeyEnvar':
        providerConfig.apiKeyEnv = str(value, key, where);
        break;
      case 'concurrency':
        providerConfig.concurrency = num(value, key, where, true);
        break;
      case 'timeout':
        providerConfig.timeoutMs = num(value, key, where, true);
        break;
    }
  }
  // promptfoo's openai provider honours OPENAI_BASE_URL; so does its id here.
  const envUrl = table?.baseUrlEnv === undefined ? undefined : process.env[table.baseUrlEnv];
  if (mapped && providerConfig.baseUrl === undefined && ref.baseUrl === undefined && envUrl !== undefined && envUrl !== '') providerConfig.baseUrl = envUrl;
  const assayId = `${ref.provider}:${model}${ref.baseUrl === undefined ? '' : `@${ref.baseUrl}`}`;
  return { id: assayId, ...(assayId === id.trim() ? {} : { promptfooId: id }), chat, config: providerConfig, params };
}
