// Error classes with stable codes (the zod/vitest convention): callers and the CLI branch on
// `code`, never on message text. Bad input is an AssayError; anything else is a bug.

/** Every stable error code, with the exit status the CLI uses for it. */
export const ERROR_CODES = {
  /** A flag, option or argument is invalid (unknown name, bad value, missing). */
  USAGE: 2,
  /** An input file or record is malformed (line counts, UTF-8, JSON, CSV). */
  INPUT: 2,
  /** A configuration or task file is invalid. */
  CONFIG: 2,
  /** A registry lookup failed: no component of that kind has the name. */
  UNKNOWN_NAME: 2,
  /** A file could not be read or written. */
  IO: 2,
  /** A model provider failed in a way that is not the input's fault. */
  PROVIDER: 3,
  /** A capability was requested from a component that does not have it. */
  UNSUPPORTED: 2,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Where in a file a problem is; printed as `file:line:column`. */
export interface SourceLocation {
  file?: string;
  line?: number;
  column?: number;
  field?: string;
}

export function formatLocation(loc: SourceLocation): string {
  let out = loc.file ?? '';
  if (loc.line !== undefined) out += `${out ? ':' : 'line '}${loc.line}`;
  if (loc.column !== undefined) out += `:${loc.column}`;
  if (loc.field !== undefined) out += `${out ? ' ' : ''}field "${loc.field}"`;
  return out;
}

/** Base class of every error assay raises on purpose. */
export class AssayError extends Error {
  readonly code: ErrorCode;
  readonly location: SourceLocation | undefined;

  constructor(code: ErrorCode, message: string, options: { location?: SourceLocation; cause?: unknown } = {}) {
    const where = options.location ? formatLocation(options.location) : '';
    super(where ? `${where}: ${message}` : message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AssayError';
    this.code = code;
    this.location = options.location;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code];
  }
}

export class UsageError extends AssayError {
  constructor(message: string) {
    super('USAGE', message);
    this.name = 'UsageError';
  }
}

export class InputError extends AssayError {
  constructor(message: string, location?: SourceLocation, cause?: unknown) {
    super('INPUT', message, { location, cause });
    this.name = 'InputError';
  }
}

export class ConfigError extends AssayError {
  constructor(message: string, location?: SourceLocation, cause?: unknown) {
    super('CONFIG', message, { location, cause });
    this.name = 'ConfigError';
  }
}

export function isAssayError(error: unknown): error is AssayError {
  return error instanceof AssayError;
}
