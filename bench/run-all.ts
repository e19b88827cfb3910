// `npm run bench`: every benchmark in bench/, one after the other, each in its own process so
// peak-memory readings do not mix. Timing never fails anything; each prints its own table.
//   npm run bench [-- name ...]   (names: metrics significance agreement llama-loglikelihood mc-shared-context http-provider engine)
import { spawnSync } from 'node:child_process';

const ALL = ['metrics', 'significance', 'agreement', 'llama-loglikelihood', 'mc-shared-context', 'http-provider', 'engine'];
const chosen = process.argv.slice(2).filter((a) => ALL.includes(a));

for (const name of chosen.length > 0 ? chosen : ALL) {
  console.log(`\n## bench/${name}.ts\n`);
  const p = spawnSync(process.execPath, ['--import', 'tsx', `bench/${name}.ts`], { stdio: 'inherit' });
  if (p.status !== 0) console.log(`(bench/${name}.ts exited with ${p.status})`);
}
