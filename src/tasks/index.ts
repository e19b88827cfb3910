// Task building blocks modelled on lm-evaluation-harness's ConfigurableTask; so far the Jinja
// template layer (lm_eval.utils.apply_template) and ast.literal_eval for rendered choices.
export { compileTemplate, pyLiteralEval, TemplateError } from './template.js';
export type { CompileOptions, CompiledTemplate, PyValue } from './template.js';
export { PyFloat, PyTuple, pyStr, pyRepr, pyIsDigit } from './py-values.js';
