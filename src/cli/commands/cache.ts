// `assay cache stats|clear [--cache PATH]`: look into or empty the SQLite response cache
// (src/providers/cache.ts). A thin shell: it never creates a cache that does not exist.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_CACHE_PATH, ResponseCache, type CacheStats } from '../../providers/cache.js';
import type { CliIO } from '../io.js';

/** The cache path: --cache, else ASSAY_CACHE, else .assay/cache.sqlite. */
export function cachePath(flag: string | undefined): string {
  return flag ?? process.env.ASSAY_CACHE ?? DEFAULT_CACHE_PATH;
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

export function formatCacheStats(stats: CacheStats): string {
  const lines = [`cache: ${stats.path}`, `entries: ${stats.entries} (${kib(stats.bytes)})`];
  if (stats.byProvider.length > 0) {
    const width = Math.max(8, ...stats.byProvider.map((r) => r.provider.length));
    lines.push(`${'provider'.padEnd(width)}  ${'kind'.padEnd(20)}  entries`);
    for (const row of stats.byProvider) lines.push(`${row.provider.padEnd(width)}  ${row.kind.padEnd(20)}  ${String(row.entries).padStart(7)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function registerCache(program: Command, io: CliIO): void {
  const cache = program.command('cache').description('inspect or clear the response cache (SQLite; --no-cache on a run bypasses it)');
  cache
    .command('stats')
    .description('entries and size of the response cache, by provider and request kind')
    .option('--cache <path>', `cache file (default: $ASSAY_CACHE or ${DEFAULT_CACHE_PATH})`)
    .option('--json', 'print the statistics as JSON')
    .action((options: { cache?: string; json?: boolean }) => {
      const path = cachePath(options.cache);
      let stats: CacheStats = { path, entries: 0, bytes: 0, byProvider: [] };
      if (existsSync(path)) {
        const opened = ResponseCache.open(path);
        try {
          stats = opened.stats();
        } finally {
          opened.close();
        }
      } else if (!options.json) {
        io.out(`no response cache at ${path}\n`);
        return;
      }
      io.out(options.json ? `${JSON.stringify(stats)}\n` : formatCacheStats(stats));
    });
  cache
    .command('clear')
    .description('delete every cached response (or one provider\'s)')
    .option('--cache <path>', `cache file (default: $ASSAY_CACHE or ${DEFAULT_CACHE_PATH})`)
    .option('--provider <id>', 'only this provider id, e.g. openai:gpt-4o-mini')
    .action((options: { cache?: string; provider?: string }) => {
      const path = cachePath(options.cache);
      if (!existsSync(path)) {
        io.out(`no response cache at ${path}; nothing to clear\n`);
        return;
      }
      const opened = ResponseCache.open(path);
      try {
        const removed = opened.clear(options.provider);
        io.out(`cleared ${removed} cached response${removed === 1 ? '' : 's'}${options.provider === undefined ? '' : ` of ${options.provider}`} from ${path}\n`);
      } finally {
        opened.close();
      }
    });
}
