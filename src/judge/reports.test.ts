// Judge reports in the store file: saved with the identity's hash, the newest one per kind returned.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { judgeIdentityHash, latestJudgeReport, saveJudgeReport } from './reports.js';
import type { JudgeIdentity } from './types.js';

const identity: JudgeIdentity = { model: 'openai:gpt-4o-mini', kind: 'single', templateHash: 'abc', params: { temperature: 0, scaleMin: 1, scaleMax: 10 } };

describe('judge reports', () => {
  it('returns the newest report of the kind for exactly this identity', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'assay-reports-')), 'sub', 'assay.db');
    expect(latestJudgeReport(path, identity, 'validate')).toBeUndefined();
    expect(existsSync(path)).toBe(false);
    const first = saveJudgeReport(path, identity, 'validate', { kappa: 0.5 }, new Date('2026-01-01T00:00:00Z'));
    const second = saveJudgeReport(path, identity, 'validate', { kappa: 0.7 }, new Date('2026-01-02T00:00:00Z'));
    saveJudgeReport(path, identity, 'audit', { inconsistent: 1 }, new Date('2026-01-03T00:00:00Z'));
    expect(first.id).not.toBe(second.id);
    expect(latestJudgeReport(path, identity, 'validate')).toEqual({ ...second, report: { kappa: 0.7 } });
    expect(latestJudgeReport(path, identity, 'audit')?.report).toEqual({ inconsistent: 1 });
    // Key order does not change the identity; another temperature is another judge.
    const reordered: JudgeIdentity = { params: { scaleMax: 10, scaleMin: 1, temperature: 0 }, templateHash: 'abc', kind: 'single', model: 'openai:gpt-4o-mini' };
    expect(judgeIdentityHash(reordered)).toBe(first.identityHash);
    expect(latestJudgeReport(path, { ...identity, params: { ...identity.params, temperature: 1 } }, 'validate')).toBeUndefined();
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT kind, created_at FROM judge_reports ORDER BY created_at').all()).toEqual([
      { kind: 'validate', created_at: '2026-01-01T00:00:00.000Z' },
      { kind: 'validate', created_at: '2026-01-02T00:00:00.000Z' },
      { kind: 'audit', created_at: '2026-01-03T00:00:00.000Z' },
    ]);
    db.close();
  });
});
