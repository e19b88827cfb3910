// A suite file: one evaluation plan (models × tasks and the run options) that `assay run
// SUITE.yaml` carries out, after promptfoo's config and HELM's run specs; keys are checked
// strictly, with the nearest valid key suggested, and errors point at file:line:column.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, isMap, isScalar, parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { unknownNameMessage } from '../core/suggest.js';
import type { ProviderConfig } from '../providers/types.js';

const MODEL_OPTIONS = z.strictObject({
  id: z.string().min(1),
  base_url: z.string().optional(),
  api_key_env: z.string().optional(),
  concurrency: z.number().int().positive().optional(),
  timeout_ms: z.number().int().positive().optional(),
  max_retries: z.number().int().nonnegative().optional(),
  context_size: z.number().int().positive().optional(),
  threads: z.number().int().positive().optional(),
  batch_size: z.number().int().positive().optional(),
  models_dir: z.string().optional(),
});

const SUITE_SCHEMA = z.strictObject({
  description: z.string().optional(),
  models: z.array(z.union([z.string().min(1), MODEL_OPTIONS])).min(1),
  tasks: z.array(z.string().min(1)).min(1),
  limit: z.number().int().nonnegative().optional(),
  num_fewshot: z.number().int().nonnegative().optional(),
  fewshot_seed: z.number().int().optional(),
  seed: z.number().int().optional(),
  repeats: z.number().int().positive().optional(),
  max_tokens: z.number().int().positive().optional(),
  temperature: z.number().nonnegative().optional(),
  chat: z.boolean().optional(),
  bootstrap: z.number().int().nonnegative().optional(),
  ci: z.enum(['analytic', 'bootstrap']).optional(),
  tags: z.array(z.string().min(1)).optional(),
  data_dir: z.string().optional(),
});

export interface SuiteModel {
  id: string;
  config: ProviderConfig;
}

export interface Suite {
  file: string;
  description: string | null;
  models: SuiteModel[];
  /** Task files, absolute (relative paths are read beside the suite file), or `builtin:NAME`. */
  tasks: string[];
  /** Release files of built-in benchmarks (relative to the suite file). */
  dataDir?: string;
  limit?: number;
  numFewshot?: number;
  fewshotSeed?: number;
  seed?: number;
  repeats?: number;
  maxTokens?: number;
  temperature?: number;
  chat?: boolean;
  bootstrap?: number;
  ci?: 'analytic' | 'bootstrap';
  tags: string[];
}

const KEYS = Object.keys(SUITE_SCHEMA.shape);
const MODEL_KEYS = Object.keys(MODEL_OPTIONS.shape);

/** Reads and validates a suite file. */
export function loadSuite(file: string): Suite {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the suite file: ${(error as Error).message}`, { file }, error);
  }
  return parseSuite(text, file);
}

export function parseSuite(text: string, file: string): Suite {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = lines.linePos(e.pos[0]);
    throw new ConfigError(`YAML: ${e.message.split('\n')[0]}`, { file, line: pos.line, column: pos.col });
  }
  const raw: unknown = doc.toJS();
  const keys = (path: readonly PropertyKey[]) => path.map(String).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const position = (node: unknown) => {
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range === undefined) return { file };
    const pos = lines.linePos(range[0]);
    return { file, line: pos.line, column: pos.col };
  };
  const at = (path: readonly PropertyKey[]) => position(path.length === 0 ? doc.contents : doc.getIn(keys(path), true));
  // An unknown key points at the key itself.
  const keyAt = (path: readonly PropertyKey[], key: string) => {
    const map = path.length === 0 ? doc.contents : doc.getIn(keys(path), true);
    const pair = isMap(map) ? map.items.find((item) => isScalar(item.key) && item.key.value === key) : undefined;
    return position(pair?.key ?? map);
  };
  const parsed = SUITE_SCHEMA.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0]!;
      const inModel = issue.path.length >= 2 && issue.path[0] === 'models';
      throw new ConfigError(unknownNameMessage(inModel ? 'model option' : 'suite key', key, inModel ? MODEL_KEYS : KEYS), { ...keyAt(issue.path, key), field: [...issue.path, key].join('.') });
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new ConfigError('a suite file must be a YAML mapping with models: and tasks:', { file });
    }
    throw new ConfigError(`${issue.path.join('.') || 'suite'}: ${issue.message}`, { ...at(issue.path), field: issue.path.join('.') });
  }
  const s = parsed.data;
  const base = dirname(resolve(file));
  const models = s.models.map((m): SuiteModel => {
    if (typeof m === 'string') return { id: m, config: {} };
    const config: ProviderConfig = {};
    if (m.base_url !== undefined) config.baseUrl = m.base_url;
    if (m.api_key_env !== undefined) config.apiKeyEnv = m.api_key_env;
    if (m.concurrency !== undefined) config.concurrency = m.concurrency;
    if (m.timeout_ms !== undefined) config.timeoutMs = m.timeout_ms;
    if (m.max_retries !== undefined) config.maxRetries = m.max_retries;
    if (m.context_size !== undefined) config.contextSize = m.context_size;
    if (m.threads !== undefined) config.threads = m.threads;
    if (m.batch_size !== undefined) config.batchSize = m.batch_size;
    if (m.models_dir !== undefined) config.modelsDir = resolve(base, m.models_dir);
    return { id: m.id, config };
  });
  return {
    file: resolve(file),
    description: s.description ?? null,
    models,
    tasks: s.tasks.map((t) => (/\.ya?ml$/i.test(t) ? resolve(base, t) : `builtin:${t}`)),
    ...(s.data_dir === undefined ? {} : { dataDir: resolve(base, s.data_dir) }),
    ...(s.limit === undefined ? {} : { limit: s.limit }),
    ...(s.num_fewshot === undefined ? {} : { numFewshot: s.num_fewshot }),
    ...(s.fewshot_seed === undefined ? {} : { fewshotSeed: s.fewshot_seed }),
    ...(s.seed === undefined ? {} : { seed: s.seed }),
    ...(s.repeats === undefined ? {} : { repeats: s.repeats }),
    ...(s.max_tokens === undefined ? {} : { maxTokens: s.max_tokens }),
    ...(s.temperature === undefined ? {} : { temperature: s.temperature }),
    ...(s.chat === undefined ? {} : { chat: s.chat }),
    ...(s.bootstrap === undefined ? {} : { bootstrap: s.bootstrap }),
    ...(s.ci === undefined ? {} : { ci: s.ci }),
    tags: s.tags ?? [],
  };
}
