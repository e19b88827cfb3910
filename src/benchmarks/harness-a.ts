// MMLU (57 subjects and its groups), GSM8K, LAMBADA (OpenAI), PIQA, BoolQ, WinoGrande, as
// lm-evaluation-harness @ 4e7e0d47 defines them (one a-*.ts module per benchmark).
import { MMLU_GROUPS, MMLU_TASKS } from './a-mmlu.js';
import { BOOLQ } from './a-boolq.js';
import { GSM8K } from './a-gsm8k.js';
import { LAMBADA_OPENAI } from './a-lambada.js';
import { PIQA } from './a-piqa.js';
import { WINOGRANDE } from './a-winogrande.js';
import type { BenchmarkGroup, BenchmarkTask } from './types.js';

export const HARNESS_A_TASKS: BenchmarkTask[] = [...MMLU_TASKS, GSM8K, LAMBADA_OPENAI, PIQA, BOOLQ, WINOGRANDE];
export const HARNESS_A_GROUPS: BenchmarkGroup[] = [...MMLU_GROUPS];
