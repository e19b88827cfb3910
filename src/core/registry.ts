// One registry pattern for every kind of named component (metrics, providers, tasks, judges,
// reporters): a constant map of built-ins plus `register()` for plug-ins. Unknown names fail
// with the closest known names.
import { AssayError } from './errors.js';
import { unknownNameMessage } from './suggest.js';

export class Registry<T> {
  readonly kind: string;
  private readonly entries = new Map<string, T>();

  constructor(kind: string, builtins: Readonly<Record<string, T>> = {}) {
    this.kind = kind;
    for (const [name, value] of Object.entries(builtins)) this.entries.set(name, value);
  }

  /** Adds a plug-in. Replacing an existing name must be explicit. */
  register(name: string, value: T, options: { replace?: boolean } = {}): void {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/.test(name)) {
      throw new AssayError('USAGE', `invalid ${this.kind} name "${name}" (letters, digits, _ . : - only)`);
    }
    if (this.entries.has(name) && !options.replace) {
      throw new AssayError('USAGE', `${this.kind} "${name}" is already registered (pass { replace: true } to override)`);
    }
    this.entries.set(name, value);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Looks a name up; throws UNKNOWN_NAME naming the closest valid names. */
  get(name: string): T {
    const value = this.entries.get(name);
    if (value === undefined) {
      throw new AssayError('UNKNOWN_NAME', unknownNameMessage(this.kind, name, this.names()));
    }
    return value;
  }

  names(): string[] {
    return [...this.entries.keys()].sort();
  }
}
