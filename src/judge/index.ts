// The judge package's public surface: createJudge (single, reference, pairwise, geval, classify),
// panels, pairwise summaries and battles, the output parsers and the built-in templates;
// validation against human labels, bias audits and their stored reports.
export * from './types.js';
export { createJudge } from './judge.js';
export { gradeWithPanel, combineVerdicts, panelAgreement, PANEL_COMBINES, type PanelCombine, type PanelResult, type PanelAgreement } from './panel.js';
export { pairwiseSummary, pairwiseBattles, type PairwiseSummary, type PairwiseItem, type PairOutcome } from './pairwise.js';
export { parseRating, parsePairVerdict, parseChoice, extractJsonObject, type Parsed } from './parse.js';
export { expectedScore, sampleMean, scoreTokens, type ScoreDistribution } from './geval.js';
export { BUILTIN_TEMPLATES, CLASSIFY_PRESETS, TEMPLATE_VARIABLES, loadJudgeTemplate, type ClassifyPreset, type JudgeTemplate } from './templates.js';
export { validateJudge, summarizeValidation, readLabels as readJudgeLabels, type ValidationReport, type ValidationOptions, type LabelledItem, type HumanLabel, type Estimate as JudgeEstimate } from './validate.js';
export { auditJudge, readAuditItems, positionBias, NEUTRAL_PADDING, type AuditReport, type AuditOptions, type PositionBias, type VerbosityBias, type SelfConsistency } from './audit.js';
export { saveJudgeReport, latestJudgeReport, judgeIdentityHash, type StoredJudgeReport, type JudgeReportKind } from './reports.js';
