/**
 * Turns anything thrown on the request path (body-parser, the request validator, handlers) into the
 * one SimError type, carrying the field that was wrong; the provider then renders it in its envelope.
 */
import { SimError, isSimError } from '../engine/errors.js';
import type { Provider } from '../providers/provider.js';
import { RequestValidationError, type ValidationItem } from './request-validator.js';

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  /** http-errors' flag: the message is meant for the client (a 4xx it caused). */
  expose?: boolean;
  type?: string;
  message?: string;
  headers?: Record<string, string>;
}

const LOCATIONS = ['body', 'query', 'path', 'headers'] as const;
type Location = (typeof LOCATIONS)[number];

export function toSimError(error: unknown, provider: Provider): SimError {
  if (isSimError(error)) return error;
  if (!error || typeof error !== 'object') return internal();
  if (error instanceof RequestValidationError) return fromValidator(error, provider);
  const err = error as HttpLikeError;
  if (err.type) return fromBodyParser(err);
  return clientError(err) ?? internal();
}

/** body-parser's errors (they carry a `type`), as the control API and the providers both see them. */
export function fromBodyParser(err: HttpLikeError): SimError {
  switch (err.type) {
    case 'entity.parse.failed':
      return new SimError({ kind: 'invalid_json', message: `Request body is not valid JSON: ${err.message ?? ''}`.trim(), field: 'body' });
    case 'entity.too.large':
      return new SimError({ kind: 'payload_too_large', message: 'Request body is too large', field: 'body' });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new SimError({ kind: 'unsupported_media_type', message: err.message ?? 'Unsupported encoding', field: 'Content-Type' });
    default:
      return new SimError({ kind: 'invalid_request', message: err.message ?? 'Bad request', field: 'body' });
  }
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
  const parts = path.replace(/^\.?\/?/, '').split(/[/.]/).filter(Boolean);
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

/**
 * Other client errors raised while reading the request (a body labelled gzip that is not gzip: zlib's
 * Z_DATA_ERROR through body-parser, with status 400 and expose but no type) are 4xx, never 500.
 */
export function clientError(err: { status?: number; statusCode?: number; expose?: boolean; message?: string }): SimError | undefined {
  const status = err.status ?? err.statusCode;
  // express 5's router marks a path parameter it cannot percent-decode with status 400 but not expose
  // (router/lib/layer.js decodeParam); the control API names the parameter before routing, this is the net.
  if (err instanceof URIError && status === 400) return new SimError({ kind: 'invalid_request', message: 'A path segment is not valid percent-encoding (RFC 3986 §2.1)', field: 'path' });
  if (!err.expose || status === undefined || status < 400 || status > 499) return undefined;
  return new SimError({ kind: status === 415 ? 'unsupported_media_type' : status === 413 ? 'payload_too_large' : 'invalid_request', message: `The request body could not be read: ${err.message ?? 'bad request'}`, field: 'body' });
}

function internal(): SimError {
  return new SimError({ kind: 'internal', code: 'internal_error', message: 'Internal server error' });
}
