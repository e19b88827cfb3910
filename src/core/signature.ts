// The signature convention (after sacrebleu): every setting that changes a number is printed
// as `key:value` pairs joined by `|`, so a score can always be reproduced. Metrics that copy a
// reference implementation emit that implementation's exact signature string; assay adds its
// own fields (tool version, data hash, seed) beside it.
import { createHash } from 'node:crypto';
import { VERSION } from './version.js';

export type SignatureValue = string | number | boolean;

/** `{ nrefs: 1, case: 'mixed' }` → `nrefs:1|case:mixed`, keeping insertion order. */
export function formatSignature(fields: Readonly<Record<string, SignatureValue>>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}:${typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v)}`)
    .join('|');
}

/** Parses a signature string back into its fields (values stay strings). */
export function parseSignature(signature: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of signature.split('|')) {
    const i = part.indexOf(':');
    if (i > 0) out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}

/** Short content hash used in signatures: first 12 hex digits of SHA-256. */
export function contentHash(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 12);
}

/** assay's own suffix: `assay:0.1.0` (plus any extra fields). */
export function assaySignature(extra: Readonly<Record<string, SignatureValue>> = {}): string {
  return formatSignature({ ...extra, assay: VERSION });
}
