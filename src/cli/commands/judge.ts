// `assay judge validate|audit`: how far a judge agrees with people, and how biased it is
// (src/judge/validate.ts, src/judge/audit.ts). A thin shell: judge calls go through the response
// cache as `assay run`'s do, and each report is stored with the judge's identity (src/judge/reports.ts).
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { DEFAULT_SEED } from '../../core/rng.js';
import { type AuditReport, auditJudge, DEFAULT_REPEATS, readAuditItems } from '../../judge/audit.js';
import { createJudge } from '../../judge/judge.js';
import { saveJudgeReport } from '../../judge/reports.js';
import { JUDGE_KINDS, type JudgeKind, type JudgeSpec } from '../../judge/types.js';
import { DEFAULT_VALIDATION_RESAMPLES, type Estimate, readLabels, validateJudge, type ValidationReport } from '../../judge/validate.js';
import { ResponseCache, withCache } from '../../providers/cache.js';
import { createProvider } from '../../providers/registry.js';
import type { Provider, ProviderConfig } from '../../providers/types.js';
import { DEFAULT_STORE_PATH } from '../../store/sqlite.js';
import { parseFormat, parseIntegerFlag } from '../flags.js';
import type { CliIO } from '../io.js';
import { cachePath } from './cache.js';
import { storePath } from './runs.js';

interface CommonFlags {
  judge?: string;
  kind: string;
  template?: string;
  scale?: string;
  preset?: string;
  temperature?: string;
  store?: string;
  format: string;
  seed: string;
  bootstrap: string;
  cache: boolean;
  cacheFile?: string;
  baseUrl?: string;
}

function judgeSpec(flags: CommonFlags, temperature?: number): JudgeSpec {
  if (flags.judge === undefined) throw new UsageError('--judge PROVIDER:MODEL is required (e.g. openai:gpt-4o-mini)');
  const kind = parseFormat<JudgeKind>(flags.kind, JUDGE_KINDS, '--kind');
  const spec: JudgeSpec = { kind, model: flags.judge };
  if (flags.template !== undefined) spec.template = resolve(flags.template);
  if (flags.preset !== undefined) spec.preset = flags.preset;
  if (flags.scale !== undefined) {
    const parts = flags.scale.split(',').map((s) => Number(s.trim()));
    if (parts.length !== 2 || !parts.every(Number.isFinite) || !(parts[0] < parts[1])) throw new UsageError(`--scale must be MIN,MAX with MIN < MAX (e.g. 1,10), got "${flags.scale}"`);
    spec.scale = [parts[0], parts[1]];
  }
  const t = temperature ?? (flags.temperature === undefined ? undefined : Number(flags.temperature));
  if (t !== undefined) {
    if (!Number.isFinite(t) || t < 0) throw new UsageError(`--temperature must be a number >= 0, got "${flags.temperature}"`);
    spec.temperature = t;
  }
  return spec;
}

async function openJudgeProvider(flags: CommonFlags): Promise<{ provider: Provider; close: () => Promise<void> }> {
  const config: ProviderConfig = {};
  if (flags.baseUrl !== undefined) config.baseUrl = flags.baseUrl;
  const raw = await createProvider(flags.judge as string, config);
  const cache = flags.cache ? ResponseCache.open(cachePath(flags.cacheFile)) : undefined;
  return {
    provider: withCache(raw, cache, { noCache: !flags.cache }),
    close: async () => {
      await raw.close();
      cache?.close();
    },
  };
}

function common(command: Command): Command {
  return command
    .requiredOption('--judge <model>', 'judge model id, PROVIDER:MODEL (e.g. openai:gpt-4o-mini)')
    .option('--kind <kind>', `judge kind (${JUDGE_KINDS.join(', ')})`, 'single')
    .option('--template <file>', 'Jinja template replacing the built-in prompt of the kind')
    .option('--scale <min,max>', 'rating scale for single / reference / geval (default 1,10)')
    .option('--preset <name>', 'classify preset: closedqa or factuality')
    .option('--temperature <t>', 'judge sampling temperature (default 0)')
    .option('--store <path>', `store the report here (default: $ASSAY_STORE or ${DEFAULT_STORE_PATH})`)
    .option('--format <format>', 'text or json', 'text')
    .option('--seed <n>', 'bootstrap seed', String(DEFAULT_SEED))
    .option('--bootstrap <n>', 'bootstrap resamples over items (0: no intervals)', String(DEFAULT_VALIDATION_RESAMPLES))
    .option('--no-cache', 'neither read nor write the response cache')
    .option('--cache-file <path>', 'response cache file (default: $ASSAY_CACHE or .assay/cache.sqlite)')
    .option('--base-url <url>', 'server base URL for HTTP providers');
}

const num = (v: number | null, digits = 4): string => (v === null ? 'n/a' : v.toFixed(digits));

function estimateLine(name: string, e: Estimate | null): string {
  if (e === null) return '';
  const ci = e.low === null || e.high === null ? '' : `  95% CI [${num(e.low)}, ${num(e.high)}] (${e.method})`;
  return `${name.padEnd(30)} ${num(e.value).padStart(8)}${ci}  n=${e.n}${e.reason ? `  (${e.reason})` : ''}\n`;
}

function identityLine(r: { identity: ValidationReport['identity'] }): string {
  return `judge: ${r.identity.model}  kind=${r.identity.kind}  template=${r.identity.templateHash.slice(0, 12)}\n`;
}

export function formatValidation(r: ValidationReport, reportId: string): string {
  let out = identityLine(r);
  out += `items: ${r.n}  scored: ${r.scored}  unscored: ${r.unscored}${r.noHumanMajority > 0 ? `  no human majority: ${r.noHumanMajority}` : ''}\n`;
  for (const [reason, count] of Object.entries(r.unscoredReasons)) out += `  unscored x${count}: ${reason}\n`;
  out += estimateLine(`cohen kappa${r.cohenKappa.weights ? ` (${r.cohenKappa.weights})` : ''}`, r.cohenKappa);
  out += estimateLine(`krippendorff alpha (${r.krippendorffAlpha.level})`, r.krippendorffAlpha);
  out += estimateLine('spearman', r.spearman);
  out += estimateLine('kendall tau-b', r.kendallTauB);
  out += estimateLine('accuracy vs majority', r.accuracy);
  out += `bootstrap: ${r.resamples} resamples, seed ${r.seed}\nreport: ${reportId}\n`;
  return out;
}

export function formatAudit(r: AuditReport, reportId: string): string {
  let out = identityLine(r);
  out += `items: ${r.n}\n`;
  if (r.position) {
    out += `position bias (${r.position.n} pairs, both orders; ${r.position.unscored} unscored)\n`;
    out += estimateLine('  inconsistent', r.position.inconsistent);
    out += estimateLine('  first-position wins', r.position.firstPosition);
  }
  out += `verbosity bias (padding: ${r.verbosity.padding.length} characters of neutral filler; ${r.verbosity.unscored} unscored)\n`;
  out += estimateLine('  spearman(score, length)', r.verbosity.lengthCorrelation);
  out += estimateLine(r.kind === 'pairwise' ? '  padded win shift' : '  padded score shift', r.verbosity.paddingShift);
  out += estimateLine('  padded win rate', r.verbosity.paddedWinRate);
  if (r.consistency) {
    out += `self-consistency (${r.consistency.repeats} repeats at temperature ${r.consistency.temperature}; ${r.consistency.incomplete} incomplete)\n`;
    out += estimateLine('  agreeing items', r.consistency.agreement);
    out += estimateLine('  mean score sd', r.consistency.meanScoreSd);
  }
  out += `bootstrap: ${r.resamples} resamples, seed ${r.seed}\nreport: ${reportId}\n`;
  return out;
}

function numbers(flags: CommonFlags): { seed: number; resamples: number; format: 'text' | 'json' } {
  return {
    seed: parseIntegerFlag('--seed', flags.seed, 0, 0xffffffff),
    resamples: parseIntegerFlag('--bootstrap', flags.bootstrap, 0, 1_000_000),
    format: parseFormat(flags.format, ['text', 'json'] as const),
  };
}

export function registerJudge(program: Command, io: CliIO): void {
  const judge = program.command('judge').description("know a judge's quality: agreement with human labels, position / verbosity bias, self-consistency");

  common(judge.command('validate').description('run the judge on human-labelled items and report kappa, alpha, Spearman / Kendall and accuracy with 95% CIs'))
    .requiredOption('--labels <file>', 'JSONL: {"question", "answer", "reference"?, "answerB"?, "human": label | [labels]}')
    .action(async (flags: CommonFlags & { labels: string }) => {
      const { seed, resamples, format } = numbers(flags);
      const spec = judgeSpec(flags);
      const items = await readLabels(flags.labels, spec.kind);
      const opened = await openJudgeProvider(flags);
      try {
        const report = await validateJudge(createJudge(spec, opened.provider), items, { seed, resamples });
        const stored = saveJudgeReport(storePath(flags.store), report.identity, 'validate', report);
        io.out(format === 'json' ? `${JSON.stringify({ id: stored.id, identityHash: stored.identityHash, ...report }, null, 2)}\n` : formatValidation(report, stored.id));
      } finally {
        await opened.close();
      }
    });

  common(judge.command('audit').description('position bias (pairwise, both orders), verbosity bias (length correlation, padding shift), self-consistency over repeats'))
    .requiredOption('--items <file>', 'JSONL: {"question", "answer", "reference"?, "answerB"? (pairwise)}')
    .option('--repeats <n>', 'repeats for self-consistency (0: skip)', String(DEFAULT_REPEATS))
    .option('--repeat-temperature <t>', 'sampling temperature of the repeats (> 0)', '1')
    .action(async (flags: CommonFlags & { items: string; repeats: string; repeatTemperature: string }) => {
      const { seed, resamples, format } = numbers(flags);
      const repeats = parseIntegerFlag('--repeats', flags.repeats, 0, 1000);
      if (repeats === 1) throw new UsageError('--repeats must be 0 (skip self-consistency) or at least 2');
      const repeatTemperature = Number(flags.repeatTemperature);
      if (!(repeatTemperature > 0)) throw new UsageError(`--repeat-temperature must be a number > 0, got "${flags.repeatTemperature}"`);
      const spec = judgeSpec(flags);
      const items = await readAuditItems(flags.items, spec.kind);
      const opened = await openJudgeProvider(flags);
      try {
        const main = createJudge(spec, opened.provider);
        const repeatJudge = repeats === 0 ? undefined : createJudge({ ...spec, temperature: repeatTemperature }, opened.provider);
        const report = await auditJudge(main, items, { seed, resamples, repeats: Math.max(repeats, 2), repeatJudge });
        const stored = saveJudgeReport(storePath(flags.store), report.identity, 'audit', report);
        io.out(format === 'json' ? `${JSON.stringify({ id: stored.id, identityHash: stored.identityHash, ...report }, null, 2)}\n` : formatAudit(report, stored.id));
      } finally {
        await opened.close();
      }
    });
}
