// HellaSwag, ARC (easy, challenge), TruthfulQA (mc1, mc2), WikiText, as lm-evaluation-harness
// @ 4e7e0d47 builds them (see each b-*.ts); the harness's `ai2_arc` tag as a group without a score.
import { ARC_CHALLENGE, ARC_EASY } from './b-arc.js';
import { HELLASWAG } from './b-hellaswag.js';
import { TRUTHFULQA_MC1, TRUTHFULQA_MC2 } from './b-truthfulqa.js';
import { WIKITEXT } from './b-wikitext.js';
import type { BenchmarkGroup, BenchmarkTask } from './types.js';

export const HARNESS_B_TASKS: BenchmarkTask[] = [HELLASWAG, ARC_EASY, ARC_CHALLENGE, TRUTHFULQA_MC1, TRUTHFULQA_MC2, WIKITEXT];

// `ai2_arc` is a harness tag, not a group: it names the tasks and reports each on its own, so it
// aggregates no metric. (The `truthfulqa` tag also holds truthfulqa_gen, which assay lacks, so it
// is not offered under that name.)
export const HARNESS_B_GROUPS: BenchmarkGroup[] = [{ name: 'ai2_arc', members: ['arc_easy', 'arc_challenge'], metrics: [] }];
