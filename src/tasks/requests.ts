// The requests lm-evaluation-harness builds in plain-text mode (lm_eval/api/task.py
// ConfigurableTask: doc_to_text/doc_to_target/doc_to_choice, fewshot_context, construct_requests).
import { ConfigError } from '../core/errors.js';
import { createFewshotSampler, type FewshotSamplerName } from './fewshot.js';
import { pyLiteralEval } from './py-literal.js';
import { PyFloat, isInt, pyIsDigit, pyStr, toPy, type PyValue } from './py-values.js';
import { compileTemplate, type CompiledTemplate } from './template.js';

export type Doc = Readonly<Record<string, unknown>>;
/** A Python hook (`!function utils.x` in a task YAML), written in TypeScript. */
export type DocFunction = (doc: Doc) => PyValue;

export const REQUEST_OUTPUT_TYPES = ['multiple_choice', 'loglikelihood', 'generate_until'] as const;
export type RequestOutputType = (typeof REQUEST_OUTPUT_TYPES)[number];

/** The parts of a harness task YAML that decide its requests. A string spec is a doc field name
 * when the doc has that field, otherwise a Jinja template. */
export interface TaskSpec {
  name: string;
  outputType: RequestOutputType;
  docToText: string | number | DocFunction;
  docToTarget: string | number | readonly PyValue[] | DocFunction;
  /** A dict spec gives its values, as `list(doc_to_choice.values())`. */
  docToChoice?: string | readonly string[] | Readonly<Record<string, string>> | DocFunction;
  /** A template rendered over the eval doc and prepended to every context, even at 0-shot. */
  description?: string;
  /** Default " ". */
  targetDelimiter?: string;
  /** Default "\n\n". */
  fewshotDelimiter?: string;
  /** generate_until only: `generation_kwargs.until`; default `[fewshotDelimiter]`. */
  until?: readonly string[];
  /** `fewshot_config.doc_to_text/doc_to_target/doc_to_choice`: used for the few-shot examples only. */
  fewshot?: Partial<Pick<TaskSpec, 'docToText' | 'docToTarget' | 'docToChoice'>>;
}

export interface MultipleChoiceRecord {
  doc_id: number;
  /** A list (one context per choice) for multiple-input tasks such as winogrande. */
  context: string | string[];
  continuations: string[];
  gold: number | number[];
}
export interface LoglikelihoodRecord {
  doc_id: number;
  context: string;
  continuation: string;
}
export interface GenerateUntilRecord {
  doc_id: number;
  context: string;
  until: string[];
}
export type RequestRecord = MultipleChoiceRecord | LoglikelihoodRecord | GenerateUntilRecord;

export interface BuildOptions {
  /** Default 0. */
  numFewshot?: number;
  /** The few-shot split's docs; required when numFewshot > 0. */
  fewshotDocs?: readonly Doc[];
  /** Default "default" (the random ContextSampler). */
  sampler?: FewshotSamplerName;
  /** Default 1234, the harness evaluator's fewshot seed. */
  seed?: number;
  /** Whether the few-shot split is the eval split (then the eval doc is excluded). Default false. */
  sameSplit?: boolean;
}

/** ConfigurableTask's doc_to_text / doc_to_target / doc_to_choice over one task spec. */
export class TaskDocs {
  private readonly templates = new Map<string, CompiledTemplate>();

  constructor(readonly spec: TaskSpec) {
    if (!(REQUEST_OUTPUT_TYPES as readonly string[]).includes(spec.outputType)) {
      throw new ConfigError(`task "${spec.name}": unknown output_type "${spec.outputType}"; valid: ${REQUEST_OUTPUT_TYPES.join(', ')}`);
    }
    if (spec.outputType === 'multiple_choice' && spec.docToChoice === undefined) {
      throw new ConfigError(`task "${spec.name}": output_type multiple_choice needs doc_to_choice`);
    }
  }

  get targetDelimiter(): string {
    return this.spec.targetDelimiter ?? ' ';
  }

  get fewshotDelimiter(): string {
    return this.spec.fewshotDelimiter ?? '\n\n';
  }

  render(field: string, source: string, doc: Doc): string {
    let t = this.templates.get(field);
    if (t === undefined) {
      t = compileTemplate(source, { name: `${this.spec.name}.${field}` });
      this.templates.set(field, t);
    }
    return t.render(doc);
  }

  text(doc: Doc): PyValue {
    const spec = this.spec.docToText;
    if (typeof spec === 'number') return spec;
    if (typeof spec === 'function') return spec(doc);
    if (Object.hasOwn(doc, spec)) return toPy(doc[spec], spec);
    const out = this.render('doc_to_text', spec, doc);
    return pyIsDigit(out) && this.spec.docToChoice !== undefined ? pyLiteralEval(out) : out;
  }

  target(doc: Doc): PyValue {
    const spec = this.spec.docToTarget;
    if (typeof spec === 'number') return spec;
    if (typeof spec === 'function') return spec(doc);
    if (typeof spec !== 'string') return [...spec];
    if (Object.hasOwn(doc, spec)) return toPy(doc[spec], spec);
    const out = this.render('doc_to_target', spec, doc);
    if (pyIsDigit(out) && this.spec.docToChoice !== undefined) return pyLiteralEval(out);
    if (out.length >= 2 && out.startsWith('[') && out.endsWith(']')) {
      try {
        return pyLiteralEval(out);
      } catch {
        return out;
      }
    }
    return out;
  }

  /** The choices, or undefined for a task without doc_to_choice. */
  choices(doc: Doc): PyValue[] | undefined {
    const spec = this.spec.docToChoice;
    if (spec === undefined) return undefined;
    let out: PyValue;
    if (typeof spec === 'function') out = spec(doc);
    else if (Array.isArray(spec)) out = [...(spec as readonly string[])];
    else if (typeof spec !== 'string') out = Object.values(spec);
    else if (Object.hasOwn(doc, spec)) out = toPy(doc[spec], spec);
    else out = pyLiteralEval(this.render('doc_to_choice', spec, doc));
    if (!Array.isArray(out)) throw new ConfigError(`task "${this.spec.name}": doc_to_choice gave ${pyStr(out)}, expected a list`);
    return out;
  }

  /** One few-shot example (samplers.ContextSampler.get_context): the question (or choices[q] for
   * an int), then `target_delimiter + answer + fewshot_delimiter` unless the target is "". The
   * answer is the first element of a list target, choices[target] for an int target when the
   * task has choices, else the target as text. */
  example(doc: Doc): string {
    const q = this.text(doc);
    let out = '';
    if (typeof q === 'string') out += q;
    else if (isInt(q)) out += pyStr(index(this.choices(doc) ?? [], q, this.spec.name, 'doc_to_text'));
    const a = this.target(doc);
    if (a === '') return out;
    let answer: string;
    if (Array.isArray(a)) answer = pyStr(a[0] ?? null);
    else if (typeof a === 'string' || this.spec.docToChoice === undefined) answer = pyStr(a);
    else answer = pyStr(index(this.choices(doc)!, a, this.spec.name, 'doc_to_target'));
    return out + this.targetDelimiter + answer + this.fewshotDelimiter;
  }
}

function index(choices: PyValue[], i: PyValue, task: string, field: string): PyValue {
  if (!isInt(i) || Number(i) < 0 || Number(i) >= choices.length) {
    throw new ConfigError(`task "${task}": ${field} gave ${pyStr(i)}, not an index into ${choices.length} choices`);
  }
  return choices[Number(i)]!;
}

function goldIndex(target: PyValue, choices: PyValue[], task: string, docId: number): number {
  if (typeof target === 'string') {
    const i = choices.indexOf(target);
    if (i < 0) throw new ConfigError(`task "${task}" doc ${docId}: target "${target}" is not one of the choices`);
    return i;
  }
  if (isInt(target)) return Number(target);
  if (target instanceof PyFloat) throw new ConfigError(`task "${task}" doc ${docId}: target ${pyStr(target)} is a float, expected an int index or a choice`);
  throw new ConfigError(`task "${task}" doc ${docId}: target ${pyStr(target)} is not an int index or a choice`);
}

function single(context: string | string[], task: string): string {
  if (typeof context !== 'string') throw new ConfigError(`task "${task}": doc_to_text gave a list; only multiple_choice tasks take one context per choice`);
  return context;
}

/** The requests of every eval doc, in doc order (`doc_id` = position in `docs`). */
export function buildRequests(spec: TaskSpec, docs: readonly Doc[], options: BuildOptions = {}): RequestRecord[] {
  const build = createRequestBuilder(spec, docs[0], options);
  return docs.map((doc, docId) => build(doc, docId));
}

/**
 * The request of one eval doc at a time, for runners that stream docs: call it in doc order (the
 * random few-shot sampler draws in sequence, as the harness's does). `firstDoc` decides, as
 * ConfigurableTask.__init__ does, whether the task has one context per choice.
 */
export function createRequestBuilder(spec: TaskSpec, firstDoc: Doc | undefined, options: BuildOptions = {}): (doc: Doc, docId: number) => RequestRecord {
  const task = new TaskDocs(spec);
  const shots = spec.fewshot === undefined ? task : new TaskDocs({ ...spec, ...spec.fewshot, name: `${spec.name}.fewshot_config` });
  const k = options.numFewshot ?? 0;
  if (k > 0 && options.fewshotDocs === undefined) throw new ConfigError(`task "${spec.name}": num_fewshot ${k} needs a few-shot split`);
  const sampler = createFewshotSampler({
    pool: options.fewshotDocs ?? [],
    sampler: options.sampler ?? 'default',
    seed: options.seed,
    sameSplit: options.sameSplit ?? false,
  });
  // ConfigurableTask.__init__: doc_to_text giving an int on the first doc marks a multiple-input task.
  const multipleInput = firstDoc !== undefined && spec.docToChoice !== undefined && isInt(task.text(firstDoc));
  return (doc, docId) => {
    const description = spec.description === undefined ? '' : task.render('description', spec.description, doc);
    const prefix = description + sampler.examples(k, doc).map((ex) => shots.example(ex)).join('');
    const text = task.text(doc);
    // fewshot_context: a str question is appended, a list gives one context each, an int picks a choice.
    const question = (): string | string[] => {
      if (Array.isArray(text)) return text.map((t) => prefix + pyStr(t));
      if (isInt(text) && spec.docToChoice !== undefined) return prefix + pyStr(index(task.choices(doc)!, text, spec.name, 'doc_to_text'));
      return prefix + pyStr(text);
    };
    switch (spec.outputType) {
      case 'multiple_choice': {
        const choices = task.choices(doc)!;
        if (multipleInput) {
          const continuation = task.targetDelimiter + pyStr(task.target(doc));
          return {
            doc_id: docId,
            context: choices.map((c) => prefix + pyStr(c)),
            continuations: choices.map(() => continuation),
            gold: goldIndex(text, choices, spec.name, docId),
          };
        }
        const target = task.target(doc);
        return {
          doc_id: docId,
          context: question(),
          continuations: choices.map((c) => task.targetDelimiter + pyStr(c)),
          gold: Array.isArray(target) ? target.map((t) => goldIndex(t, choices, spec.name, docId)) : goldIndex(target, choices, spec.name, docId),
        };
      }
      case 'loglikelihood':
        return { doc_id: docId, context: single(question(), spec.name), continuation: pyStr(task.target(doc)) };
      case 'generate_until':
        return { doc_id: docId, context: single(question(), spec.name), until: [...(spec.until ?? [task.fewshotDelimiter])] };
    }
  };
}
