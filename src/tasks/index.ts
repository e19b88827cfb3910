// Task building blocks modelled on lm-evaluation-harness's ConfigurableTask; so far the Jinja
// template layer (lm_eval.utils.apply_template) and ast.literal_eval for rendered choices.
export { compileTemplate, pyLiteralEval, TemplateError } from './template.js';
export type { CompileOptions, CompiledTemplate, PyValue } from './template.js';
export { PyFloat, PyTuple, pyStr, pyRepr, pyIsDigit } from './py-values.js';
export { buildRequests, createRequestBuilder, TaskDocs, REQUEST_OUTPUT_TYPES } from './requests.js';
export type { BuildOptions, Doc, DocFunction, RequestOutputType, RequestRecord, TaskSpec, MultipleChoiceRecord, LoglikelihoodRecord, GenerateUntilRecord } from './requests.js';
export { createFewshotSampler, FEWSHOT_SAMPLERS } from './fewshot.js';
export type { FewshotOptions, FewshotSampler, FewshotSamplerName } from './fewshot.js';
export { FILTER_FUNCTIONS, OUTPUT_TYPES, loadTaskConfig, parseTaskConfig } from './task-config.js';
export type { DataFile, DatasetSource, FilterPipeline, FilterStep, MetricSpec, OutputType, TaskConfig } from './task-config.js';
