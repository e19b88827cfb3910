// Assertion test suites (promptfoo-style prompts × providers × tests): load and check a suite,
// run it (Wilson CIs, pass@k / pass^k, flakiness), report it as text, JSON or JUnit XML.
export { isAssertionSuite, loadAssertionSuite, type AssertionSuite, type SuitePrompt, type SuiteProvider, type SuiteTest } from './config.js';
export { mapProviderId, type GenerationParams, type MappedProvider } from './provider-ids.js';
export { assertionFromString, loadTestFile } from './test-files.js';
export { runSuite, summarizeRuns, type CellReport, type NamedMetric, type SuiteReport, type SuiteRunOptions, type TestRun, type TestSummary } from './runner.js';
export { formatSuiteJson, formatSuiteJunit, formatSuiteText, xmlEscape } from './report.js';
