// `assay rank`: a leaderboard from pairwise battles (JSONL lines {"model_a", "model_b",
// "winner"}), Bradley-Terry (default) or online Elo, with Chatbot Arena's bootstrap intervals
// and ranks. A thin shell over stats/ranking.ts.
import type { Command } from 'commander';
import { z } from 'zod';
import { InputError, UsageError } from '../../core/errors.js';
import { DEFAULT_SEED } from '../../core/rng.js';
import { unknownNameMessage } from '../../core/suggest.js';
import { readJsonlRecords } from '../../io/jsonl.js';
import type { Battle, Winner } from '../../stats/battles.js';
import { RANK_METHODS, type RankMethod, rankModels, type RankResult } from '../../stats/ranking.js';
import type { CliIO } from '../io.js';
import { parseCount } from './agreement.js';

/** Arena logs also say "tie (bothbad)"; it is a tie. */
const WINNER_VALUES: Record<string, Winner> = { model_a: 'model_a', model_b: 'model_b', tie: 'tie', 'tie (bothbad)': 'tie' };

const battleLine = z.object({
  model_a: z.string().min(1),
  model_b: z.string().min(1),
  winner: z.string(),
});

const BATTLE_SHAPE = {
  object: '{"model_a", "model_b", "winner"}',
  field: (name: string) => (name === 'winner' ? '"model_a", "model_b" or "tie"' : 'a non-empty model name'),
};

/** Reads a battles JSONL file; a malformed line is an InputError naming file:line and field. */
export async function readBattles(file: string): Promise<Battle[]> {
  const battles: Battle[] = [];
  for await (const { line, value } of readJsonlRecords(file, battleLine, BATTLE_SHAPE)) {
    const parsed = { data: value };
    const winner = WINNER_VALUES[parsed.data.winner];
    if (winner === undefined) throw new InputError(`winner "${parsed.data.winner}" is not "model_a", "model_b" or "tie"`, { file, line, field: 'winner' });
    if (parsed.data.model_a === parsed.data.model_b) throw new InputError(`model "${parsed.data.model_a}" plays itself`, { file, line, field: 'model_b' });
    battles.push({ model_a: parsed.data.model_a, model_b: parsed.data.model_b, winner });
  }
  if (battles.length === 0) throw new InputError('no battles in the file', { file });
  return battles;
}

function fmt(x: number | null): string {
  return x === null || !Number.isFinite(x) ? 'nan' : x.toFixed(1);
}

export function formatRankText(result: RankResult): string {
  const what = result.method === 'bt' ? `Bradley-Terry ratings (${result.anchor} = 1000)` : 'online Elo ratings (battles in file order)';
  let out = `${what}, ${result.n_battles} battles`;
  if (result.bootstrap > 0) {
    out += `; ${Math.round(result.confidence * 100)}% CI from ${result.bootstrap} bootstrap resamples of battles (seed ${result.seed}`;
    out += result.n_valid < result.bootstrap ? `, ${result.bootstrap - result.n_valid} without a finite MLE left out)` : ')';
  }
  out += '\n';
  const width = Math.max(5, ...result.ratings.map((r) => r.model.length));
  out += `${'rank'.padStart(4)}  ${'model'.padEnd(width)}  ${'rating'.padStart(8)}  ${'CI'.padEnd(20)}  battles\n`;
  for (const r of result.ratings) {
    const ci = r.ci_low === null ? '-' : `[${fmt(r.ci_low)}, ${fmt(r.ci_high)}]`;
    out += `${String(r.rank).padStart(4)}  ${r.model.padEnd(width)}  ${fmt(r.rating).padStart(8)}  ${ci.padEnd(20)}  ${r.battles}\n`;
  }
  out += `signature: ${result.signature}\n`;
  return out;
}

interface RankFlags {
  battles: string;
  method: string;
  bootstrap: string;
  seed: string;
  anchor?: string;
  format: string;
}

export function registerRank(program: Command, io: CliIO): void {
  program
    .command('rank')
    .description('rank models from pairwise battles: Bradley-Terry (Chatbot Arena) or online Elo, with bootstrap CIs')
    .requiredOption('--battles <file>', 'JSONL lines {"model_a", "model_b", "winner": "model_a" | "model_b" | "tie"}')
    .option('--method <method>', `${RANK_METHODS.join(' | ')}`, 'bt')
    .option('--bootstrap <n>', 'bootstrap resamples of battles for the CIs (0 = none)', '1000')
    .option('--seed <s>', 'seed of the bootstrap', String(DEFAULT_SEED))
    .option('--anchor <model>', 'bt: the model fixed at 1000 (default the first model in the file)')
    .option('-f, --format <format>', 'text | json', 'text')
    .action(async (flags: RankFlags) => {
      if (!(RANK_METHODS as readonly string[]).includes(flags.method)) throw new UsageError(unknownNameMessage('rating method', flags.method, RANK_METHODS));
      if (flags.format !== 'text' && flags.format !== 'json') throw new UsageError(unknownNameMessage('format', flags.format, ['text', 'json']));
      const bootstrap = parseCount('--bootstrap', flags.bootstrap, 1_000_000);
      const seed = parseCount('--seed', flags.seed, 0xffffffff);
      const battles = await readBattles(flags.battles);
      let result: RankResult;
      try {
        result = rankModels(battles, { method: flags.method as RankMethod, bootstrap, seed, anchor: flags.anchor });
      } catch (error) {
        // A property of the data (no finite Bradley-Terry MLE): name the file.
        if (error instanceof InputError && error.location === undefined) throw new InputError(error.message, { file: flags.battles });
        throw error;
      }
      io.out(flags.format === 'json' ? `${JSON.stringify(result)}\n` : formatRankText(result));
    });
}
