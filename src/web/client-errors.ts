/**
 * Errors raised while reading a request, before any handler runs (body-parser, express's router), as
 * one SimError: the provider routes and the control API both answer them, each in its own envelope.
 */
import { SimError } from '../engine/errors.js';

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  /** http-errors' flag: the message is meant for the client (a 4xx it caused). */
  expose?: boolean;
  type?: string;
  message?: string;
  headers?: Record<string, string>;
}

/** The SimError for an error thrown while reading a request; undefined when it is none of those (a 500). */
export function readingError(error: unknown): SimError | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const err = error as HttpLikeError;
  return typeof err.type === 'string' ? fromBodyParser(err) : clientError(err);
}

/** body-parser's errors (they carry a `type`). */
function fromBodyParser(err: HttpLikeError): SimError {
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

/**
 * Other client errors raised while reading the request (a body labelled gzip that is not gzip: zlib's
 * Z_DATA_ERROR through body-parser, with status 400 and expose but no type) are 4xx, never 500.
 */
function clientError(err: { status?: number; statusCode?: number; expose?: boolean; message?: string }): SimError | undefined {
  const status = err.status ?? err.statusCode;
  // express 5's router marks a path parameter it cannot percent-decode with status 400 but not expose
  // (router/lib/layer.js decodeParam); the control API names the parameter before routing, this is the net.
  if (err instanceof URIError && status === 400)
    return new SimError({ kind: 'invalid_request', message: 'A path segment is not valid percent-encoding (RFC 3986 §2.1)', field: 'path' });
  if (!err.expose || status === undefined || status < 400 || status > 499) return undefined;
  return new SimError({
    kind: status === 415 ? 'unsupported_media_type' : status === 413 ? 'payload_too_large' : 'invalid_request',
    message: `The request body could not be read: ${err.message ?? 'bad request'}`,
    field: 'body',
  });
}
