// Every built-in benchmark task and group, by harness name (the house registry pattern).
import { UsageError } from '../core/errors.js';
import { Registry } from '../core/registry.js';
import { unknownNameMessage } from '../core/suggest.js';
import { HARNESS_A_GROUPS, HARNESS_A_TASKS } from './harness-a.js';
import { HARNESS_B_GROUPS, HARNESS_B_TASKS } from './harness-b.js';
import type { BenchmarkGroup, BenchmarkTask } from './types.js';

export const benchmarkRegistry = new Registry<BenchmarkTask>('built-in task', Object.fromEntries([...HARNESS_A_TASKS, ...HARNESS_B_TASKS].map((t) => [t.name, t])));
export const benchmarkGroups = new Registry<BenchmarkGroup>('task group', Object.fromEntries([...HARNESS_A_GROUPS, ...HARNESS_B_GROUPS].map((g) => [g.name, g])));

/** The tasks a name stands for: a task, or a group's tasks (recursively), in order, without repeats. */
export function expandTaskName(name: string): BenchmarkTask[] {
  if (benchmarkRegistry.has(name)) return [benchmarkRegistry.get(name)];
  if (!benchmarkGroups.has(name)) {
    throw new UsageError(unknownNameMessage('built-in task or group', name, [...benchmarkRegistry.names(), ...benchmarkGroups.names()]));
  }
  const seen = new Set<string>();
  const out: BenchmarkTask[] = [];
  for (const member of benchmarkGroups.get(name).members) {
    for (const task of expandTaskName(member)) {
      if (seen.has(task.name)) continue;
      seen.add(task.name);
      out.push(task);
    }
  }
  return out;
}
