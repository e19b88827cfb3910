// createJudge: one judge model behind the Provider interface, as FastChat's llm_judge runs
// MT-Bench (single, reference-guided and pairwise with both orders), G-Eval scores and OpenAI
// evals' model-graded classification. Every call goes through the caller's Provider, so its
// cache, retries and cost accounting apply; a failed call or an unreadable output is an
// `unscored` verdict with the reason, never a score.
import { ConfigError, InputError, UsageError } from '../core/errors.js';
import type { ChatMessage, GenerateRequest, GenerateResult, OutputConstraint, Provider, Settled } from '../providers/types.js';
import { expectedScore, sampleMean, scoreTokens } from './geval.js';
import { type Parsed, parseChoice, parsePairVerdict, parseRating } from './parse.js';
import { classifyPreset, type JudgeTemplate, loadJudgeTemplate } from './templates.js';
import { type GradeOptions, type Judge, type JudgeIdentity, type JudgeInput, JUDGE_KINDS, type JudgeSpec, type PairVerdict, type PairWinner, type Verdict } from './types.js';

const DEFAULT_SCALE: [number, number] = [1, 10];
const DEFAULT_SAMPLES = 5;
/** Output budget when the spec gives none: room to explain, or a few tokens for a bare score/choice. */
const DEFAULT_MAX_TOKENS_EXPLAIN = 512;
const DEFAULT_MAX_TOKENS_SHORT = 16;
const MAX_TOP_LOGPROBS = 20;
/** Tokens left for the JSON around a grammar-bounded explanation (keys, rating, braces). */
const JSON_OVERHEAD_TOKENS = 48;

interface Resolved {
  kind: JudgeSpec['kind'];
  scale: [number, number];
  choices: Record<string, number>;
  reasoning: boolean;
  samples: number;
  swap: boolean;
  temperature: number;
  maxTokens: number;
  structured: boolean;
  needs: ReadonlyArray<'reference' | 'criteria' | 'answerB'>;
  /** geval: read the score position's top-logprobs (else sample). */
  logprobs: boolean;
}

function resolve(spec: JudgeSpec, provider: Provider): Resolved {
  if (!JUDGE_KINDS.includes(spec.kind)) throw new ConfigError(`unknown judge kind "${String(spec.kind)}" (valid: ${JUDGE_KINDS.join(', ')})`, { field: 'kind' });
  const scale = spec.scale ?? DEFAULT_SCALE;
  if (!Array.isArray(scale) || scale.length !== 2 || !scale.every(Number.isFinite) || !(scale[0] < scale[1])) {
    throw new ConfigError(`scale must be [min, max] with min < max, got ${JSON.stringify(scale)}`, { field: 'scale' });
  }
  if (spec.kind === 'geval' && scoreTokens(scale).length < 2) throw new ConfigError(`a geval scale needs at least two whole numbers, got ${JSON.stringify(scale)}`, { field: 'scale' });
  const preset = spec.kind === 'classify' && spec.preset !== undefined ? classifyPreset(spec.preset) : undefined;
  if (spec.preset !== undefined && spec.kind !== 'classify') throw new ConfigError(`preset "${spec.preset}" applies to classify judges only, not ${spec.kind}`, { field: 'preset' });
  const choices = spec.choices ?? preset?.choices ?? {};
  if (spec.kind === 'classify') {
    const names = Object.keys(choices);
    if (names.length < 2) throw new ConfigError('a classify judge needs at least two choices, e.g. {"Y": 1, "N": 0}', { field: 'choices' });
    for (const [name, score] of Object.entries(choices)) {
      if (name.trim() === '' || name !== name.trim()) throw new ConfigError(`choice ${JSON.stringify(name)} must be non-empty text without surrounding spaces`, { field: 'choices' });
      if (!Number.isFinite(score)) throw new ConfigError(`choice "${name}" must map to a finite score, got ${String(score)}`, { field: 'choices' });
    }
  }
  const samples = spec.samples ?? DEFAULT_SAMPLES;
  if (!Number.isInteger(samples) || samples < 1) throw new ConfigError(`samples must be a positive integer, got ${String(samples)}`, { field: 'samples' });
  const temperature = spec.temperature ?? 0;
  if (!(temperature >= 0)) throw new ConfigError(`temperature must be >= 0, got ${String(temperature)}`, { field: 'temperature' });
  const reasoning = spec.reasoning ?? preset?.reasoning ?? false;
  const short = spec.kind === 'geval' || (spec.kind === 'classify' && !reasoning);
  const maxTokens = spec.maxTokens ?? (short ? DEFAULT_MAX_TOKENS_SHORT : DEFAULT_MAX_TOKENS_EXPLAIN);
  if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new ConfigError(`maxTokens must be a positive integer, got ${String(maxTokens)}`, { field: 'maxTokens' });
  // G-Eval reads the score token's own distribution, which a grammar would distort: never structured.
  const structured = spec.kind !== 'geval' && (spec.structured ?? true) && provider.capabilities.constraint.jsonSchema;
  const needs: Resolved['needs'] =
    spec.kind === 'reference' ? ['reference'] : spec.kind === 'pairwise' ? ['answerB'] : spec.kind === 'classify' && spec.template === undefined ? (preset?.needs ?? []) : [];
  return {
    kind: spec.kind,
    scale: [scale[0], scale[1]],
    choices,
    reasoning,
    samples,
    swap: spec.swap ?? true,
    temperature,
    maxTokens,
    structured,
    needs,
    logprobs: spec.kind === 'geval' && provider.capabilities.topLogprobs > 0,
  };
}

function identityOf(spec: JudgeSpec, r: Resolved, template: JudgeTemplate): JudgeIdentity {
  const params: JudgeIdentity['params'] = { template: template.origin, temperature: r.temperature, maxTokens: r.maxTokens, structured: r.structured };
  if (r.kind === 'single' || r.kind === 'reference' || r.kind === 'geval') {
    params.scaleMin = r.scale[0];
    params.scaleMax = r.scale[1];
  }
  if (r.kind === 'geval') {
    params.method = r.logprobs ? 'logprob-weighted' : 'sample-mean';
    params.samples = r.logprobs ? null : r.samples;
  }
  if (r.kind === 'pairwise') params.swap = r.swap;
  if (r.kind === 'classify') {
    params.preset = spec.preset ?? null;
    params.reasoning = r.reasoning;
    params.choices = JSON.stringify(r.choices);
  }
  return { model: spec.model, kind: r.kind, templateHash: template.hash, params };
}

/** JSON schema of the structured answer (OpenAI strict mode: every key required, no extras). */
function schemaFor(r: Resolved, provider: Provider): Record<string, unknown> | undefined {
  if (!r.structured) return undefined;
  // A grammar backend writes the free text token by token: bound it so the JSON closes within maxTokens.
  const explanation: Record<string, unknown> = { type: 'string' };
  if (provider.capabilities.constraint.grammar) explanation.maxLength = Math.max(0, r.maxTokens - JSON_OVERHEAD_TOKENS);
  const object = (properties: Record<string, unknown>) => ({ type: 'object', properties, required: Object.keys(properties), additionalProperties: false });
  if (r.kind === 'single' || r.kind === 'reference') {
    const whole = scoreTokens(r.scale);
    const rating = Number.isInteger(r.scale[0]) && Number.isInteger(r.scale[1]) ? { type: 'integer', enum: whole } : { type: 'number' };
    return object({ explanation, rating });
  }
  if (r.kind === 'pairwise') return object({ explanation, verdict: { type: 'string', enum: ['A', 'B', 'C'] } });
  if (r.kind === 'classify') {
    const choice = { type: 'string', enum: Object.keys(r.choices) };
    return r.reasoning ? object({ reasons: explanation, choice }) : object({ choice });
  }
  return undefined;
}

function checkInputs(inputs: readonly JudgeInput[], r: Resolved): void {
  inputs.forEach((input, i) => {
    for (const field of ['question', 'answer'] as const) {
      if (typeof input[field] !== 'string') throw new InputError(`judge input ${i + 1}: "${field}" must be text, got ${input[field] === undefined ? 'nothing' : typeof input[field]}`, { field });
    }
    for (const field of r.needs) {
      if (typeof input[field] !== 'string') {
        throw new InputError(`judge input ${i + 1}: a ${r.kind} judge needs "${field}" (${field === 'answerB' ? 'the second answer' : field === 'reference' ? 'the reference answer' : 'the criterion'}), and this input has none`, { field });
      }
    }
  });
}

function failureReason(settled: Settled<GenerateResult>): string {
  return settled.ok ? '' : `judge request failed (${settled.error.code}): ${settled.error.message}`;
}

function cutNote(result: GenerateResult): string {
  return result.finishReason === 'length' ? ' (the output was cut at maxTokens)' : '';
}

export function createJudge(spec: JudgeSpec, provider: Provider): Judge {
  const r = resolve(spec, provider);
  const template = loadJudgeTemplate(spec.kind, spec.template, spec.preset);
  const identity = identityOf(spec, r, template);
  const constraint: OutputConstraint | undefined = (() => {
    const schema = schemaFor(r, provider);
    return schema === undefined ? undefined : { type: 'json_schema', schema, name: `judge_${r.kind}` };
  })();

  const render = (input: JudgeInput, swapped = false): string | ChatMessage[] => {
    const vars: Record<string, unknown> = {
      question: input.question,
      answer: input.answer,
      scale_min: r.scale[0],
      scale_max: r.scale[1],
      choices: Object.keys(r.choices),
      choices_text: Object.keys(r.choices).join(', '),
      reasoning: r.reasoning,
      structured: r.structured,
    };
    if (input.reference !== undefined) vars.reference = input.reference;
    if (input.criteria !== undefined) vars.criteria = input.criteria;
    if (input.answerB !== undefined) {
      vars.answer_a = swapped ? input.answerB : input.answer;
      vars.answer_b = swapped ? input.answer : input.answerB;
    }
    const text = template.compiled.render(vars);
    return provider.capabilities.chat ? [{ role: 'user', content: text }] : text;
  };

  const request = (prompt: string | ChatMessage[], extra: Partial<GenerateRequest> = {}): GenerateRequest => {
    const req: GenerateRequest = { prompt, maxTokens: r.maxTokens, temperature: r.temperature, ...extra };
    if (constraint !== undefined) req.constraint = constraint;
    return req;
  };

  /** single / reference / classify: one request per input. */
  const oneShot = (result: GenerateResult): Verdict => {
    const raw = [result.text];
    if (r.kind === 'classify') {
      const parsed = parseChoice(result.text, Object.keys(r.choices), r.reasoning);
      if (!parsed.ok) return { status: 'unscored', reason: parsed.reason + cutNote(result), raw };
      return { status: 'scored', score: r.choices[parsed.value], method: 'choice', choice: parsed.value, raw };
    }
    const parsed = parseRating(result.text, r.scale);
    if (!parsed.ok) return { status: 'unscored', reason: parsed.reason + cutNote(result), raw };
    return { status: 'scored', score: parsed.value, method: 'rating', raw };
  };

  const gevalLogprob = (result: GenerateResult): Verdict => {
    const raw = [result.text];
    if (!result.logprobs || result.logprobs.length === 0) return { status: 'unscored', reason: 'the backend returned no logprobs for the score', raw };
    const parsed = expectedScore(result.logprobs, r.scale);
    if (!parsed.ok) return { status: 'unscored', reason: parsed.reason + cutNote(result), raw };
    return { status: 'scored', score: parsed.value.score, method: 'logprob-weighted', distribution: parsed.value.distribution, raw };
  };

  const gevalSamples = (results: ReadonlyArray<Settled<GenerateResult>>): Verdict => {
    const raw = results.map((s) => (s.ok ? s.value.text : ''));
    const ratings: number[] = [];
    const reasons: string[] = [];
    results.forEach((s, i) => {
      if (!s.ok) return void reasons.push(`sample ${i + 1}: ${failureReason(s)}`);
      const parsed: Parsed<number> = parseRating(s.value.text, r.scale, 'score');
      if (parsed.ok) ratings.push(parsed.value);
      else reasons.push(`sample ${i + 1}: ${parsed.reason}`);
    });
    if (ratings.length === 0) return { status: 'unscored', reason: `no sample gave a score: ${reasons.join('; ')}`, raw };
    const { score, distribution } = sampleMean(ratings);
    return { status: 'scored', score, method: 'sample-mean', distribution, raw };
  };

  return {
    identity,

    async grade(inputs, options: GradeOptions = {}) {
      if (r.kind === 'pairwise') throw new UsageError('a pairwise judge compares two answers: call compare(), not grade()');
      checkInputs(inputs, r);
      const perInput = r.kind === 'geval' && !r.logprobs ? r.samples : 1;
      const requests: GenerateRequest[] = [];
      for (const input of inputs) {
        const prompt = render(input);
        if (r.kind !== 'geval') requests.push(request(prompt));
        else if (r.logprobs) requests.push(request(prompt, { logprobs: true, topLogprobs: Math.min(MAX_TOP_LOGPROBS, provider.capabilities.topLogprobs) }));
        // G-Eval's own estimate: n samples at temperature 1, each with its own seed so a response cache keeps them apart.
        else for (let s = 0; s < r.samples; s++) requests.push(request(prompt, { temperature: 1, seed: s }));
      }
      const settled = requests.length === 0 ? [] : await provider.generate(requests, { signal: options.signal });
      return inputs.map((_, i): Verdict => {
        const mine = settled.slice(i * perInput, (i + 1) * perInput);
        if (r.kind === 'geval' && !r.logprobs) return gevalSamples(mine);
        const s = mine[0];
        if (!s.ok) return { status: 'unscored', reason: failureReason(s), raw: [] };
        return r.kind === 'geval' ? gevalLogprob(s.value) : oneShot(s.value);
      });
    },

    async compare(inputs, options: GradeOptions = {}) {
      if (r.kind !== 'pairwise') throw new UsageError(`a ${r.kind} judge grades one answer: call grade(), not compare()`);
      checkInputs(inputs, r);
      const orders = r.swap ? 2 : 1;
      const requests: GenerateRequest[] = [];
      for (const input of inputs) {
        requests.push(request(render(input, false)));
        if (r.swap) requests.push(request(render(input, true)));
      }
      const settled = requests.length === 0 ? [] : await provider.generate(requests, { signal: options.signal });
      return inputs.map((_, i): PairVerdict => {
        const mine = settled.slice(i * orders, (i + 1) * orders);
        const raw = mine.map((s) => (s.ok ? s.value.text : ''));
        const verdicts: PairWinner[] = [];
        for (let o = 0; o < mine.length; o++) {
          const s = mine[o];
          const which = r.swap ? ` (order ${o + 1}${o === 1 ? ', answers swapped' : ''})` : '';
          if (!s.ok) return { status: 'unscored', reason: `${failureReason(s)}${which}`, raw };
          const parsed = parsePairVerdict(s.value.text);
          if (!parsed.ok) return { status: 'unscored', reason: `${parsed.reason}${cutNote(s.value)}${which}`, raw };
          // Order 2 showed answerB as "A": map its verdict back to the original positions.
          verdicts.push(o === 0 || parsed.value === 'tie' ? parsed.value : parsed.value === 'A' ? 'B' : 'A');
        }
        const consistent = verdicts.every((v) => v === verdicts[0]);
        return { status: 'scored', winner: consistent ? verdicts[0] : 'tie', consistent, raw, orders: verdicts };
      });
    },
  };
}
