// HellaSwag, ARC (easy, challenge), TruthfulQA (mc1, mc2), WikiText.
import type { BenchmarkGroup, BenchmarkTask } from './types.js';

export const HARNESS_B_TASKS: BenchmarkTask[] = [];
export const HARNESS_B_GROUPS: BenchmarkGroup[] = [];
