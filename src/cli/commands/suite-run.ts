// `assay run SUITE.yaml` for assertion suites: flags to options, the response cache and results
// store opened and closed, the report printed (and written with --output), io.status = 1 on failure.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { cachePath } from './cache.js';
import { storePath } from './runs.js';
import { parseFormat, parseIntegerFlag } from '../flags.js';
import type { CliIO } from '../io.js';
import { UsageError } from '../../core/errors.js';
import { ResponseCache } from '../../providers/cache.js';
import { createProvider } from '../../providers/registry.js';
import type { ProviderConfig } from '../../providers/types.js';
import { SQLiteStore } from '../../store/sqlite.js';
import { isAssertionSuite, loadAssertionSuite } from '../../suites/config.js';
import { formatSuiteJson, formatSuiteJunit, formatSuiteText } from '../../suites/report.js';
import { runSuite, type SuiteReport } from '../../suites/runner.js';

/** Whether a file parses as YAML that looks like an assertion suite (false when it does not parse). */
export function isAssertionSuiteFile(file: string): boolean {
  try {
    return isAssertionSuite(parseYaml(readFileSync(file, 'utf8')));
  } catch {
    return false;
  }
}

/** The `assay run` flags an assertion suite reads. */
export interface SuiteFlags {
  model?: string;
  tasks?: string;
  repeat?: string;
  repeats?: string;
  format: string;
  output?: string;
  cache: boolean;
  cacheFile?: string;
  store?: string;
  concurrency?: string;
  baseUrl?: string;
  filterPattern?: string;
}

const FORMATS = ['text', 'json', 'junit'] as const;
type SuiteFormat = (typeof FORMATS)[number];

function render(report: SuiteReport, format: SuiteFormat): string {
  return format === 'json' ? formatSuiteJson(report) : format === 'junit' ? formatSuiteJunit(report) : formatSuiteText(report);
}

/** `--output FILE`: the format its extension names (.xml JUnit, .json JSON), else text. */
function outputFormat(file: string): SuiteFormat {
  const ext = extname(file).toLowerCase();
  return ext === '.xml' ? 'junit' : ext === '.json' ? 'json' : 'text';
}

/** Runs an assertion suite for `assay run`; sets io.status = 1 when a test fails. */
export async function runAssertionSuite(file: string, flags: SuiteFlags, io: CliIO): Promise<void> {
  const format = parseFormat(flags.format, FORMATS);
  if (flags.model !== undefined || flags.tasks !== undefined) throw new UsageError(`${file} is an assertion suite: its providers and tests are in the file; --model and --tasks are for evaluation suites`);
  const repeatFlag = flags.repeat ?? flags.repeats;
  const repeat = repeatFlag === undefined ? undefined : parseIntegerFlag('--repeat', repeatFlag, 1, 10_000);
  const concurrency = flags.concurrency === undefined ? undefined : parseIntegerFlag('--concurrency', flags.concurrency, 1, 10_000);
  let filter: RegExp | undefined;
  if (flags.filterPattern !== undefined) {
    try {
      filter = new RegExp(flags.filterPattern);
    } catch (error) {
      throw new UsageError(`--filter-pattern is not a valid regular expression: ${(error as Error).message}`);
    }
  }
  const suite = await loadAssertionSuite(file);
  if (suite.ignored.length > 0) io.err(`assay: warning: ${file}: ignored (not supported by assay): ${suite.ignored.join(', ')}\n`);
  const cache = flags.cache ? ResponseCache.open(cachePath(flags.cacheFile)) : undefined;
  const store = SQLiteStore.open(storePath(flags.store));
  try {
    const report = await runSuite(suite, {
      open: (p) => {
        const config: ProviderConfig = { ...('config' in p ? p.config : {}) };
        const inFlight = concurrency ?? config.concurrency ?? suite.concurrency;
        if (inFlight !== undefined) config.concurrency = inFlight;
        if (flags.baseUrl !== undefined) config.baseUrl = flags.baseUrl;
        return createProvider(p.id, config);
      },
      store,
      ...(cache === undefined ? {} : { cache }),
      ...(repeat === undefined ? {} : { repeat }),
      ...(filter === undefined ? {} : { filter }),
    });
    io.out(render(report, format));
    if (flags.output !== undefined) {
      mkdirSync(dirname(flags.output), { recursive: true });
      writeFileSync(flags.output, render(report, outputFormat(flags.output)));
    }
    if (!report.pass) io.status = 1;
  } finally {
    cache?.close();
    await store.close();
  }
}
