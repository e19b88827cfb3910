// Assertions on model outputs (promptfoo's assertion types, run in-process or in an isolated
// worker for `javascript`), their aggregation per test, and statistics over repeats.
export * from './types.js';
export * from './registry.js';
export { extractJsonObjects } from './json.js';
export { JAVASCRIPT_DEFAULTS, ScriptPool, javascriptAssertion, runScript, scriptBody, scriptPool } from './javascript.js';
export type { JavascriptLimits, ScriptOutcome } from './javascript.js';
export { perplexityOf, similarityOutcome } from './scores.js';
export { GRADED_DEFAULT_THRESHOLDS } from './graded.js';
export { levenshteinUtf16, parseCommaSeparatedValues } from './text.js';
export * from './repeat.js';
export { judgeGrader, verdictOutcome, type AssertionJudges } from './grader.js';
export { generationContext, providerEmbedder } from './provider-context.js';
