// Row shapes of the SQLite results store and the checks at its edges: zod schemas for the JSON
// columns (read back and checked, as inspect_ai checks its log schema) and the per-sample check
// an append runs inside its transaction.
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { SAMPLE_STATUSES, type RunStatus, type Sample } from './types.js';

export const jsonSchema = z.json();
export const provenanceSchema = z.object({
  model: z.string(),
  modelParams: z.record(z.string(), jsonSchema),
  tasks: z.array(
    z.object({
      task: z.string(),
      taskFileHash: z.string(),
      dataHash: z.string(),
      templateHash: z.string(),
      fewshotSeed: z.number().int().nullable(),
    }),
  ),
  seed: z.number().int().nullable(),
  toolVersion: z.string(),
  gitCommit: z.string().nullable(),
  plan: jsonSchema.optional(),
  judges: z.array(jsonSchema).optional(),
});
export const itemsSchema = z.record(z.string(), jsonSchema);
export const totalsSchema = z.object({
  samples: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  cached: z.number().int().nonnegative(),
  inputTokens: z.number().nonnegative(),
  outputTokens: z.number().nonnegative(),
  costUsd: z.number().nonnegative(),
});

export interface RunRow {
  id: string;
  created_at: string;
  finished_at: string | null;
  status: RunStatus;
  model: string;
  provenance: string;
  totals: string | null;
}

export interface SampleRow {
  id: number;
  task: string;
  doc_id: number;
  repeat: number;
  inputs: string;
  prompt: string;
  raw_response: string | null;
  filtered_answer: string | null;
  status: Sample['status'];
  error_reason: string | null;
  latency_ms: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number | null;
  cached: number;
  items: string | null;
}

export interface AggregateRow {
  task: string;
  metric: string;
  filter: string;
  value: number | null;
  n: number;
  stderr: number | null;
  ci_low: number | null;
  ci_high: number | null;
  method: string | null;
  seed: number | null;
}

export const RUN_COLUMNS = 'r.id, r.created_at, r.finished_at, r.status, r.model, r.provenance, r.totals';

/** SQLite stores NaN as NULL; a metric value or aggregate that was NaN reads back as NaN. */
export const orNaN = (value: number | null): number => (value === null ? Number.NaN : value);

export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

/** Checks one sample of a batch; run inside the batch transaction so a bad row rolls back the rest. */
export function checkSample(sample: Sample, index: number): void {
  const field = (name: string) => ({ field: `samples[${index}].${name}` });
  if (typeof sample.task !== 'string' || sample.task === '') throw new InputError('task must be a non-empty string', field('task'));
  if (!Number.isSafeInteger(sample.docId) || sample.docId < 0) throw new InputError(`docId must be an integer >= 0, not ${sample.docId}`, field('docId'));
  if (!Number.isSafeInteger(sample.repeat) || sample.repeat < 0) throw new InputError(`repeat must be an integer >= 0, not ${sample.repeat}`, field('repeat'));
  if (!SAMPLE_STATUSES.includes(sample.status)) throw new InputError(`status must be "scored" or "error", not "${String(sample.status)}"`, field('status'));
  if (sample.status === 'error' && !sample.errorReason) throw new InputError('an errored sample needs an errorReason', field('errorReason'));
  for (const [metric, value] of Object.entries(sample.scores)) {
    if (typeof value !== 'number') throw new InputError(`score "${metric}" must be a number, not ${typeof value}`, field(`scores.${metric}`));
  }
  if (sample.inputs === undefined) throw new InputError('inputs must be JSON (null for none)', field('inputs'));
}
