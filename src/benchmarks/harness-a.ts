// MMLU (57 subjects and its groups), GSM8K, LAMBADA (OpenAI), PIQA, BoolQ, WinoGrande.
import type { BenchmarkGroup, BenchmarkTask } from './types.js';

export const HARNESS_A_TASKS: BenchmarkTask[] = [];
export const HARNESS_A_GROUPS: BenchmarkGroup[] = [];
