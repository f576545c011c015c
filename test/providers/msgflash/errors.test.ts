/** renderMsgflashError: every SimError kind in MsgFlash's envelope, with UPPER_SNAKE codes. */
import { describe, expect, it } from 'vitest';
import { SimError, type SimErrorKind } from '../../../src/engine/errors.js';
import { renderMsgflashError } from '../../../src/providers/msgflash/errors.js';

const KINDS: Array<[SimErrorKind, number, string]> = [
  ['invalid_request', 400, 'VALIDATION_ERROR'],
  ['invalid_json', 400, 'INVALID_JSON'],
  ['unauthorized', 401, 'UNAUTHORIZED'],
  ['forbidden', 403, 'TEAM_KEY_NOT_ALLOWED'],
  ['not_found', 404, 'NOT_FOUND'],
  ['route_not_found', 404, 'NOT_FOUND'],
  ['method_not_allowed', 405, 'METHOD_NOT_ALLOWED'],
  ['conflict', 409, 'CONFLICT'],
  ['idempotency_mismatch', 422, 'UNPROCESSABLE_ENTITY'],
  ['idempotency_in_flight', 409, 'CONFLICT'],
  ['payload_too_large', 413, 'PAYLOAD_TOO_LARGE'],
  ['unsupported_media_type', 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ['unprocessable', 422, 'UNPROCESSABLE_ENTITY'],
  ['rate_limited', 429, 'API_RATE_LIMIT_EXCEEDED'],
  ['internal', 500, 'INTERNAL_ERROR'],
  ['bad_gateway', 502, 'BAD_GATEWAY'],
  ['service_unavailable', 503, 'SERVICE_UNAVAILABLE'],
  ['gateway_timeout', 504, 'GATEWAY_TIMEOUT'],
];

describe('renderMsgflashError', () => {
  it.each(KINDS)('%s → %i %s', (kind, status, code) => {
    const rendered = renderMsgflashError(new SimError({ kind, message: 'Something' }));
    expect(rendered.status).toBe(status);
    expect(rendered.body).toEqual({ error: { code, message: kind === 'rate_limited' ? 'Too many API requests' : 'Something' } });
  });

  it('details carry field and value; Retry-After comes from retryAfter', () => {
    const rendered = renderMsgflashError(
      new SimError({ kind: 'rate_limited', code: 'MONTHLY_API_QUOTA_EXCEEDED', message: 'x', field: 'x-api-key', value: null, retryAfter: 42 }),
    );
    expect(rendered).toEqual({
      status: 429,
      body: { error: { code: 'MONTHLY_API_QUOTA_EXCEEDED', message: 'Monthly API request quota exceeded', details: { field: 'x-api-key', value: null } } },
      headers: { 'Retry-After': '42' },
    });
  });

  it("a shared layer's lower-case code gives way to the kind's MsgFlash code", () => {
    const rendered = renderMsgflashError(new SimError({ kind: 'internal', code: 'internal_error', message: 'Internal server error' }));
    expect(rendered.body).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'Internal server error' } });
  });
});
