// JSON assertions as promptfoo's json.ts: is-json (optionally with a schema), contains-json, and
// json-schema (is-json whose schema is required). Schemas are checked with ajv (draft-07), as promptfoo.
// Difference: contains-json finds objects by a string-aware brace scan parsed as strict JSON, where
// promptfoo tries every prefix as lenient YAML (so it also accepts comments and trailing commas).
import Ajv from 'ajv';
import YAML from 'yaml';
import type { AssertionHandler, AssertionOutcome, AssertionSpec } from './types.js';

type Validate = ((data: unknown) => boolean | PromiseLike<unknown>) & { errors?: unknown };

const ajv = new Ajv({ allErrors: false });
const compiled = new Map<string, Validate>();

/** The schema of a spec value: an object or boolean, or YAML/JSON text of one. */
function schemaOf(value: unknown): object | boolean {
  const schema: unknown = typeof value === 'string' ? YAML.parse(value) : value;
  if (typeof schema !== 'boolean' && (typeof schema !== 'object' || schema === null)) {
    throw new Error('a JSON schema must be an object or a boolean');
  }
  return schema as object | boolean;
}

function validator(value: unknown): Validate | string {
  try {
    const schema = schemaOf(value);
    const key = JSON.stringify(schema);
    let validate = compiled.get(key);
    if (validate === undefined) {
      validate = ajv.compile(schema) as Validate;
      compiled.set(key, validate);
    }
    return validate;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function validWith(validate: Validate, data: unknown): boolean {
  return validate(data) === true;
}

function errorsText(validate: Validate): string {
  return ajv.errorsText(validate.errors as Parameters<typeof ajv.errorsText>[0]);
}

const hasSchema = (value: unknown): boolean => value !== undefined && value !== null && value !== '';

function checkSchema(spec: AssertionSpec, required: boolean): string | undefined {
  if (!hasSchema(spec.value)) return required ? 'value is required: a JSON schema (object, or YAML/JSON text)' : undefined;
  if (typeof spec.value === 'string' && (spec.value.includes('{{') || spec.value.includes('{%'))) return undefined;
  const v = validator(spec.value);
  return typeof v === 'string' ? `invalid JSON schema: ${v}` : undefined;
}

function isJson(required: boolean): AssertionHandler {
  return {
    check: (spec) => checkSchema(spec, required),
    run({ value, output, inverse }): AssertionOutcome {
      let parsed: unknown;
      let isValid = false;
      try {
        parsed = JSON.parse(output);
        isValid = true;
      } catch {
        isValid = false;
      }
      if (isValid && hasSchema(value)) {
        const validate = validator(value);
        if (typeof validate === 'string') return { pass: false, score: 0, reason: `Invalid JSON schema: ${validate}`, error: true };
        const conforms = validWith(validate, parsed);
        const pass = conforms !== inverse;
        if (!pass) {
          const reason = inverse ? 'Output is JSON that conforms to the provided schema' : `JSON does not conform to the provided schema. Errors: ${errorsText(validate)}`;
          return { pass, score: 0, reason };
        }
        return { pass, score: 1, reason: 'Assertion passed' };
      }
      const pass = isValid !== inverse;
      return { pass, score: pass ? 1 : 0, reason: pass ? 'Assertion passed' : inverse ? 'Expected output to not be valid JSON' : 'Expected output to be valid JSON' };
    },
  };
}

/**
 * The JSON objects embedded in text, in order: from each `{`, the brace-balanced span (braces in
 * strings ignored) that parses as JSON; the scan resumes after an object it found.
 */
export function extractJsonObjects(text: string): unknown[] {
  const out: unknown[] = [];
  for (let start = text.indexOf('{'); start !== -1; ) {
    let depth = 0;
    let quoted = false;
    let escaped = false;
    let end = -1;
    for (let i = start; i < text.length; i++) {
      const ch = text[i];
      if (quoted) {
        if (escaped) escaped = false;
        else if (ch === '\\') escaped = true;
        else if (ch === '"') quoted = false;
      } else if (ch === '"') quoted = true;
      else if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) {
        end = i;
        break;
      }
    }
    let next = start + 1;
    if (end !== -1) {
      try {
        out.push(JSON.parse(text.slice(start, end + 1)));
        next = end + 1;
      } catch {
        // not JSON from this brace; try the next one inside it
      }
    }
    start = text.indexOf('{', next);
  }
  return out;
}

const containsJson: AssertionHandler = {
  check: (spec) => checkSchema(spec, false),
  run({ value, output, inverse }): AssertionOutcome {
    const objects = extractJsonObjects(output);
    let pass = inverse ? objects.length === 0 : objects.length > 0;
    let reason = inverse ? 'Expected output to not contain valid JSON' : 'Expected output to contain valid JSON';
    if (objects.length > 0 && hasSchema(value)) {
      const validate = validator(value);
      if (typeof validate === 'string') return { pass: false, score: 0, reason: `Invalid JSON schema: ${validate}`, error: true };
      for (const object of objects) {
        const conforms = validWith(validate, object);
        pass = conforms !== inverse;
        if (conforms) {
          if (inverse) reason = 'Output contains JSON conforming to the provided schema';
          break;
        }
        reason = `JSON does not conform to the provided schema. Errors: ${errorsText(validate)}`;
      }
    }
    return { pass, score: pass ? 1 : 0, reason: pass ? 'Assertion passed' : reason };
  },
};

export const JSON_ASSERTIONS = {
  'is-json': isJson(false),
  'json-schema': isJson(true),
  'contains-json': containsJson,
} satisfies Record<string, AssertionHandler>;
