// The built-in reference metrics by name, plus register() for plug-ins (the one registry pattern).
import { Registry } from '../core/registry.js';
import { bleu } from './bleu.js';
import { chrf } from './chrf.js';
import { rouge } from './rouge.js';
import { squad } from './squad.js';
import { ter } from './ter.js';
import type { CorpusMetric, MetricResult } from './types.js';

/**
 * A metric with its options type erased, as the registry stores it: options come from flags or
 * config as plain values and each metric's resolveOptions validates them.
 */
export type AnyCorpusMetric = CorpusMetric<unknown, MetricResult>;

export const BUILTIN_METRICS = { bleu, chrf, ter, rouge, squad } as const;

export type BuiltinMetricName = keyof typeof BUILTIN_METRICS;

export const metricRegistry = new Registry<AnyCorpusMetric>('metric', BUILTIN_METRICS);
