// Reports of a suite run: a text table per prompt × provider, JSON (the SuiteReport itself), and
// JUnit XML for CI systems (the de-facto Ant/Jenkins schema that GitLab and GitHub readers take:
// testsuites > testsuite per prompt × provider > testcase per test, <failure>/<error> with messages).
import { escapeText } from '../core/terminal.js';
import type { CellReport, SuiteReport, TestSummary } from './runner.js';

const REASON_WIDTH = 80;

function fmt(x: number): string {
  return x.toFixed(4);
}

function truncate(text: string, width: number): string {
  const chars = Array.from(text);
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join('')}…`;
}

/** The last failing reason of a test (an errored request's reason first). */
function failureReason(t: TestSummary): string {
  const errored = t.runs.find((r) => r.error !== null);
  if (errored !== undefined) return `error: ${errored.error}`;
  const failed = [...t.runs].reverse().find((r) => r.outcome !== null && !r.outcome.pass);
  return failed?.outcome?.reason ?? '';
}

function cellTitle(cell: CellReport): string {
  return `prompt ${cell.prompt + 1} (${escapeText(truncate(cell.promptLabel, 40))}) × ${escapeText(cell.providerLabel)}`;
}

function table(header: string[], rows: string[][], right: ReadonlySet<number>): string[] {
  const widths = header.map((h, i) => Math.max(Array.from(h).length, ...rows.map((r) => Array.from(r[i]!).length)));
  const pad = (c: string, i: number) => (right.has(i) ? c.padStart(widths[i]! + c.length - Array.from(c).length) : c.padEnd(widths[i]! + c.length - Array.from(c).length));
  return [header, ...rows].map((cells) => cells.map(pad).join('  ').trimEnd());
}

/** Tests as rows per prompt × provider, then each pass rate with its Wilson 95% CI. */
export function formatSuiteText(report: SuiteReport): string {
  const out: string[] = [`suite ${report.suite}${report.description === null ? '' : `: ${escapeText(report.description)}`}  (repeat ${report.repeat})`];
  const repeated = report.repeat > 1;
  for (const cell of report.cells) {
    out.push('', `${cellTitle(cell)}${cell.runId === null ? '' : `  run ${cell.runId}`}`);
    const header = repeated ? ['test', 'result', 'passes', 'score', `pass@${report.repeat}`, `pass^${report.repeat}`, 'flaky', 'reason'] : ['test', 'result', 'score', 'reason'];
    const rows = cell.tests.map((t) => {
      const scores = t.runs.filter((r) => r.outcome !== null).map((r) => r.outcome!.score);
      const score = scores.length === 0 ? '-' : fmt(scores.reduce((s, x) => s + x, 0) / scores.length);
      const result = t.errors > 0 ? 'ERROR' : t.pass ? 'PASS' : 'FAIL';
      const reason = t.pass ? '' : escapeText(truncate(failureReason(t), REASON_WIDTH));
      const name = escapeText(truncate(t.description, 40));
      if (!repeated) return [name, result, score, reason];
      const k = t.n - 1;
      return [name, result, `${t.passes}/${t.runs.length}`, score, k >= 0 ? fmt(t.passAtK[k]!) : '-', k >= 0 ? fmt(t.passHatK[k]!) : '-', t.flakiness === null ? '-' : fmt(t.flakiness.rate), reason];
    });
    out.push(...table(header, rows, new Set(repeated ? [2, 3, 4, 5, 6] : [2])));
  }
  out.push('', 'pass rates (Wilson 95% CI; errored requests are counted apart)');
  const rows = report.cells.map((c) => [
    `prompt ${c.prompt + 1}`,
    escapeText(c.providerLabel),
    String(c.passed),
    String(c.passed + c.failed),
    c.passRate === null ? '-' : fmt(c.passRate),
    c.ci === null ? '-' : `[${fmt(c.ci.low)}, ${fmt(c.ci.high)}]`,
    String(c.errors),
  ]);
  out.push(...table(['prompt', 'provider', 'passed', 'n', 'pass rate', '95% CI', 'errors'], rows, new Set([2, 3, 4, 6])));
  const named = report.cells.flatMap((c) => Object.entries(c.named).map(([name, m]) => [`prompt ${c.prompt + 1}`, escapeText(c.providerLabel), escapeText(name), fmt(m.mean), m.ciLow === null || m.ciHigh === null ? '-' : `[${fmt(m.ciLow)}, ${fmt(m.ciHigh)}]`, String(m.n)]));
  if (named.length > 0) out.push('', 'named metrics (mean, t 95% CI)', ...table(['prompt', 'provider', 'metric', 'mean', '95% CI', 'n'], named, new Set([3, 5])));
  return `${out.join('\n')}\n`;
}

/** The report as JSON (test runs with their assertion results). */
export function formatSuiteJson(report: SuiteReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** XML 1.0 attribute/text escaping; characters XML cannot carry at all become U+FFFD. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

function testcase(t: TestSummary, classname: string): string[] {
  const head = `    <testcase name="${xmlEscape(t.description)}" classname="${xmlEscape(classname)}"`;
  if (t.pass) return [`${head}/>`];
  const lines = [`${head}>`];
  const errored = t.runs.filter((r) => r.error !== null);
  if (errored.length > 0) lines.push(`      <error message="${xmlEscape(errored[0]!.error!)}" type="request">${errored.length} of ${t.runs.length} requests failed</error>`);
  const failed = t.runs.filter((r) => r.outcome !== null && !r.outcome.pass);
  if (failed.length > 0) {
    const detail = failed.map((r) => `repeat ${r.repeat + 1}: ${r.outcome!.reason}`).join('\n');
    lines.push(`      <failure message="${xmlEscape(failed.at(-1)!.outcome!.reason)}" type="assertion">${xmlEscape(`${failed.length} of ${t.runs.length} runs failed\n${detail}`)}</failure>`);
  }
  lines.push('    </testcase>');
  return lines;
}

/** JUnit XML: one testsuite per prompt × provider with its pass rate and Wilson CI as properties. */
export function formatSuiteJunit(report: SuiteReport): string {
  const count = (f: (t: TestSummary) => boolean) => report.cells.reduce((s, c) => s + c.tests.filter(f).length, 0);
  const tests = count(() => true);
  const errors = count((t) => t.errors > 0);
  const failures = count((t) => t.errors === 0 && !t.pass);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="${xmlEscape(report.suite)}" tests="${tests}" failures="${failures}" errors="${errors}">`];
  for (const cell of report.cells) {
    const name = `prompt ${cell.prompt + 1} × ${cell.providerLabel}`;
    const cellErrors = cell.tests.filter((t) => t.errors > 0).length;
    const cellFailures = cell.tests.filter((t) => t.errors === 0 && !t.pass).length;
    out.push(`  <testsuite name="${xmlEscape(name)}" tests="${cell.tests.length}" failures="${cellFailures}" errors="${cellErrors}">`);
    const props: [string, string][] = [
      ['provider', cell.providerId],
      ['prompt', cell.promptLabel],
      ['repeat', String(report.repeat)],
      ['passed', String(cell.passed)],
      ['n', String(cell.passed + cell.failed)],
      ['pass_rate', cell.passRate === null ? '' : String(cell.passRate)],
      ['pass_rate_ci_low', cell.ci === null ? '' : String(cell.ci.low)],
      ['pass_rate_ci_high', cell.ci === null ? '' : String(cell.ci.high)],
      ['pass_rate_ci_method', 'wilson 95%'],
    ];
    out.push('    <properties>', ...props.map(([k, v]) => `      <property name="${k}" value="${xmlEscape(v)}"/>`), '    </properties>');
    for (const t of cell.tests) out.push(...testcase(t, `${report.suite}.${cell.providerLabel}`));
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
