// Tests read reference vectors and fixtures from ../shared (beside the repository, also in CI),
// or from ASSAY_SHARED_DIR. The shipped tool never reads it.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_DIR = process.env.ASSAY_SHARED_DIR ?? resolve(REPO_ROOT, '../shared');

export function sharedPath(...parts: string[]): string {
  return resolve(SHARED_DIR, ...parts);
}

/** Parses a JSON Lines reference file from shared/. */
export function readJsonl<T = unknown>(...parts: string[]): T[] {
  return readFileSync(sharedPath(...parts), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/** Relative closeness check used with reference floats: |a-b| <= rel * max(|a|,|b|) (or abs for ~0). */
export function closeTo(actual: number, expected: number, rel = 1e-9, abs = 1e-12): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= Math.max(abs, rel * Math.max(Math.abs(actual), Math.abs(expected)));
}

/** ../shared/reference/lm-eval-prompts: each file → [task, num_fewshot], as that README's table gives them. */
export const LM_EVAL_PROMPT_FILES: Readonly<Record<string, readonly [string, number]>> = {
  'mmlu_abstract_algebra.jsonl': ['mmlu_abstract_algebra', 0],
  'mmlu_high_school_geography.jsonl': ['mmlu_high_school_geography', 0],
  'mmlu_college_medicine.jsonl': ['mmlu_college_medicine', 0],
  'mmlu_abstract_algebra_5shot.jsonl': ['mmlu_abstract_algebra', 5],
  'mmlu_high_school_geography_5shot.jsonl': ['mmlu_high_school_geography', 5],
  'mmlu_college_medicine_5shot.jsonl': ['mmlu_college_medicine', 5],
  'winogrande.jsonl': ['winogrande', 0],
  'piqa.jsonl': ['piqa', 0],
  'boolq.jsonl': ['boolq', 0],
  'lambada_openai.jsonl': ['lambada_openai', 0],
  'gsm8k_5shot.jsonl': ['gsm8k', 5],
  'gsm8k_0shot.jsonl': ['gsm8k', 0],
};
