// The README's quick start, end to end: its command runs the example suite on the real tiny
// model and prints exactly the table the README shows (run id and git commit aside).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferIO } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import { REPO_ROOT, sharedPath } from './support/shared.js';

const normalize = (text: string): string => text.replace(/run [0-9A-Z]{26}/g, 'run RUN_ID').replace(/\|git:(?:[0-9a-f]{12}|none)\|/g, '|git:COMMIT|');

describe('README quick start', () => {
  it('runs the example suite on stories260K and prints the README table', async () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const command = /^npm ci && npm run build && ASSAY_MODELS_DIR=(\S+) npx assay (run \S+)$/m.exec(readme);
    expect(command?.[1]).toBe('../shared/models');
    const args = command![2]!.split(' ');
    expect(args).toEqual(['run', 'examples/stories/suite.yaml']);
    const shown = /```\n(run [0-9A-Z]{26} [^`]+)```/.exec(readme)?.[1];
    expect(shown).toBeDefined();

    const dir = mkdtempSync(join(tmpdir(), 'assay-quickstart-'));
    const before = process.env.ASSAY_MODELS_DIR;
    process.env.ASSAY_MODELS_DIR = sharedPath('models');
    try {
      const io = bufferIO();
      const code = await main(['run', join(REPO_ROOT, args[1]!), '--store', join(dir, 'assay.db'), '--cache-file', join(dir, 'cache.sqlite'), '--no-progress'], io);
      expect(io.stderr).toBe('');
      expect(code).toBe(0);
      expect(normalize(io.stdout)).toBe(normalize(shown!));
    } finally {
      if (before === undefined) delete process.env.ASSAY_MODELS_DIR;
      else process.env.ASSAY_MODELS_DIR = before;
    }
  }, 120_000);
});
