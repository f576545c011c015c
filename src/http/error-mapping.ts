/**
 * Turns anything thrown on the request path (body-parser, the request validator, handlers) into the
 * one SimError type, carrying the field that was wrong; the provider then renders it in its envelope.
 */
import { SimError, isSimError } from '../engine/errors.js';
import type { Provider } from '../providers/provider.js';
import { readingError } from '../web/client-errors.js';
import { RequestValidationError, type ValidationItem } from './request-validator.js';

const LOCATIONS = ['body', 'query', 'path', 'headers'] as const;
type Location = (typeof LOCATIONS)[number];

export function toSimError(error: unknown, provider: Provider): SimError {
  if (isSimError(error)) return error;
  if (error instanceof RequestValidationError) return fromValidator(error, provider);
  return readingError(error) ?? internal();
}

function fromValidator(err: RequestValidationError, provider: Provider): SimError {
  const first = err.errors[0] ?? { path: '', message: err.message, errorCode: '' };
  const { location, field, segments } = parsePath(first.path);
  const code = location && field ? provider.validationErrorCode?.(field, location) : undefined;
  return new SimError({
    kind: 'invalid_request',
    ...(code ? { code } : {}),
    message: describe(first, field),
    ...(field ? { field } : {}),
    value: location && err.parts ? lookup(err.parts[location], segments) : undefined,
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

/** Ajv's wording, made to name the field once: "limit must be <= 100", "Unknown field 'extra'". */
function describe(item: ValidationItem, field: string | undefined): string {
  const { message } = item;
  if (item.errorCode === 'additionalProperties.openapi.validation' && field) return `Unknown field '${field}'`;
  if (!field || message.includes(`'${field}'`)) return message;
  return `${field} ${message}`;
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
