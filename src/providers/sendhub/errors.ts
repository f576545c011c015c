/**
 * SendHub's error bodies, which are Django Tastypie's (django-tastypie, tastypie/resources.py and
 * tastypie/authentication.py):
 *   - 401: ApiKeyAuthentication returns a bare `HttpUnauthorized()`, so the body is empty;
 *   - a `BadRequest` becomes `{"error": "<message>"}` (Resource.wrap_view), the envelope msgsim uses
 *     for every other 4xx too, so a client always has a message to show;
 *   - an unexpected exception becomes `{"error_message": TASTYPIE_CANNED_ERROR}` when DEBUG is off
 *     (Resource._handle_500), the body msgsim gives every 5xx.
 * The message is SendHub's own or, for a check msgsim's shared layers made, reworded (wording.ts).
 */
import { SimError, type SimErrorKind } from '../../engine/errors.js';
import type { MagicRefusals } from '../../engine/magic.js';
import type { RenderedError } from '../provider.js';
import { sendhubMessage } from './wording.js';

/** Tastypie's default TASTYPIE_CANNED_ERROR. */
export const CANNED_ERROR = 'Sorry, this request could not be processed. Please try again later.';

type Envelope = 'empty' | 'error' | 'error_message';

/** Exhaustive on purpose: a new SimErrorKind must be given a SendHub body here. */
const ENVELOPE: Record<SimErrorKind, Envelope> = {
  unauthorized: 'empty',
  invalid_request: 'error',
  invalid_json: 'error',
  forbidden: 'error',
  not_found: 'error',
  route_not_found: 'error',
  method_not_allowed: 'error',
  conflict: 'error',
  idempotency_mismatch: 'error',
  idempotency_in_flight: 'error',
  payload_too_large: 'error',
  unsupported_media_type: 'error',
  unprocessable: 'error',
  rate_limited: 'error',
  internal: 'error_message',
  bad_gateway: 'error_message',
  service_unavailable: 'error_message',
  gateway_timeout: 'error_message',
};

export function renderSendhubError(error: SimError): RenderedError {
  const headers = error.retryAfter !== undefined ? { headers: { 'Retry-After': String(error.retryAfter) } } : {};
  switch (ENVELOPE[error.kind]) {
    case 'empty':
      return { status: error.status, body: undefined, ...headers };
    case 'error_message':
      return { status: error.status, body: { error_message: CANNED_ERROR }, ...headers };
    default:
      return { status: error.status, body: { error: sendhubMessage(error) }, ...headers };
  }
}

/**
 * The body of the 301 a GET without its trailing slash gets. Django's APPEND_SLASH answers it with an
 * empty body; msgsim gives it the `{"error": ...}` every other non-2xx but 401 has, so a client that
 * does not follow redirects still reads why, as it does for the 404 a POST without the slash gets.
 */
export function redirectBody(location: string) {
  return { error: `Moved permanently to ${location.split('?')[0]}: this API's paths end with a slash (Django's APPEND_SLASH).` };
}

/** Shorthands for the errors handlers throw. */
export const sendhubError = {
  invalid: (message: string, field?: string, value?: unknown) =>
    new SimError({ kind: 'invalid_request', message, ...(field ? { field } : {}), ...(value !== undefined ? { value } : {}) }),
  notFound: (message: string, field: string, value: unknown) => new SimError({ kind: 'not_found', message, field, value }),
  /** The body is empty whatever the reason; `reason` is for msgsim's own logs and tests. */
  unauthorized: (reason: string) => new SimError({ kind: 'unauthorized', message: reason, field: 'api_key' }),
};

/** SendHub's 429 and 500 for the magic recipients that refuse a send (engine/magic.ts); Retry-After as Msghub's. */
export const MAGIC_REFUSALS: MagicRefusals = {
  rateLimited: { message: 'Too many requests; retry later.', retryAfter: 30 },
  serverError: { message: 'Simulated server error (magic recipient +15005550006)' },
};
