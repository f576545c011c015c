/**
 * Turns anything thrown on the request path (body-parser, the request validator, handlers) into the
 * one SimError type, carrying the field that was wrong; the provider then renders it in its envelope.
 * A validator's refusal is worded once here, in plain sentences (validation-wording.ts), or in the
 * provider's own words where its doc has them (Provider.validationError).
 */
import { SimError, isSimError } from '../engine/errors.js';
import type { Provider } from '../providers/provider.js';
import { readingError } from '../web/client-errors.js';
import { RequestValidationError } from './request-validator.js';
import { plainWording } from './validation-wording.js';

const LOCATIONS = ['body', 'query', 'path', 'headers'] as const;
type Location = (typeof LOCATIONS)[number];

export function toSimError(error: unknown, provider: Provider): SimError {
  if (isSimError(error)) return error;
  if (error instanceof RequestValidationError) return fromValidator(error, provider);
  return readingError(error) ?? internal();
}

function fromValidator(err: RequestValidationError, provider: Provider): SimError {
  const first = err.errors[0] ?? { path: '', message: err.message, keyword: '' };
  const { location, field, segments } = parsePath(first.path);
  const value = location && err.parts ? lookup(err.parts[location], segments) : undefined;
  const problem = { field, location, keyword: first.keyword, value, message: plainWording(first, field) };
  const own = provider.validationError?.(problem);
  return new SimError({
    kind: 'invalid_request',
    ...(own?.code ? { code: own.code } : {}),
    message: own?.message ?? problem.message,
    ...(field ? { field } : {}),
    value,
  });
}

/** '/body/tags/0' → location body, field 'tags[0]'. */
function parsePath(path: string): { location?: Location; field?: string; segments: string[] } {
  const parts = path
    .replace(/^\.?\/?/, '')
    .split(/[/.]/)
    .filter(Boolean);
  const head = parts[0] === 'request' ? parts.slice(1) : parts;
  const location = LOCATIONS.find((l) => l === head[0]);
  const segments = location ? head.slice(1) : head;
  const field = segments.reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
  return { ...(location ? { location } : {}), ...(field ? { field } : {}), segments };
}

function lookup(root: unknown, segments: string[]): unknown {
  let value: unknown = root;
  for (const segment of segments) {
    if (!value || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

function internal(): SimError {
  return new SimError({ kind: 'internal', code: 'internal_error', message: 'Internal server error' });
}
