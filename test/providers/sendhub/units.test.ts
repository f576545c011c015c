/** Table-driven checks of the pieces behind the SendHub dialect: error bodies and time formats. */
import { describe, expect, it } from 'vitest';
import { SimError, type SimErrorKind } from '../../../src/engine/errors.js';
import { renderSendhubError } from '../../../src/providers/sendhub/errors.js';
import { naiveMicros, naiveSeconds, parseScheduledAt, spacedSeconds } from '../../../src/providers/sendhub/timestamps.js';

const CANNED = { error_message: 'Sorry, this request could not be processed. Please try again later.' };

describe('renderSendhubError covers every SimErrorKind', () => {
  // SendHub's own messages are kept; a malformed body is always Tastypie's sentence (wording.test.ts has the rest).
  const table: Array<[SimErrorKind, number, unknown]> = [
    ['unauthorized', 401, undefined],
    ['invalid_request', 400, { error: 'm' }],
    ['invalid_json', 400, { error: 'Request is not valid JSON.' }],
    ['forbidden', 403, { error: 'm' }],
    ['not_found', 404, { error: 'm' }],
    ['route_not_found', 404, { error: 'm' }],
    ['method_not_allowed', 405, { error: 'm' }],
    ['conflict', 409, { error: 'm' }],
    ['idempotency_mismatch', 422, { error: 'm' }],
    ['idempotency_in_flight', 409, { error: 'm' }],
    ['payload_too_large', 413, { error: 'm' }],
    ['unsupported_media_type', 415, { error: 'm' }],
    ['unprocessable', 422, { error: 'm' }],
    ['rate_limited', 429, { error: 'm' }],
    ['internal', 500, CANNED],
    ['bad_gateway', 502, CANNED],
    ['service_unavailable', 503, CANNED],
    ['gateway_timeout', 504, CANNED],
  ];

  it.each(table)('%s → %i %j', (kind, status, body) => {
    const rendered = renderSendhubError(new SimError({ kind, message: 'm' }));
    expect(rendered.status).toBe(status);
    expect(rendered.body).toEqual(body);
  });

  it('a 429 carries Retry-After', () => {
    expect(renderSendhubError(new SimError({ kind: 'rate_limited', message: 'm', retryAfter: 7 })).headers).toEqual({ 'Retry-After': '7' });
  });
});

describe('time formats', () => {
  it('created_at and sent: naive UTC with six fraction digits', () => {
    expect(naiveMicros('2012-02-17T15:36:36.639Z')).toBe('2012-02-17T15:36:36.639000');
    expect(naiveMicros('2024-04-08T10:30:00.000Z')).toBe('2024-04-08T10:30:00.000000');
  });

  it('scheduled_at to the second; the acknowledgment with a space', () => {
    expect(naiveSeconds('2011-02-17T22:30:00.000Z')).toBe('2011-02-17T22:30:00');
    expect(spacedSeconds('2011-02-17T22:30:00.000Z')).toBe('2011-02-17 22:30:00');
  });

  it.each([
    ['2011-02-17T14:30:00-0800', '2011-02-17T22:30:00.000Z'],
    ['2011-02-17T20:29:40-0800', '2011-02-18T04:29:40.000Z'],
    ['2024-04-09T09:15:30+0530', '2024-04-09T03:45:30.000Z'],
    ['2024-02-29T00:00:00+0000', '2024-02-29T00:00:00.000Z'],
    ['2024-12-31T23:59:59-0000', '2024-12-31T23:59:59.000Z'],
  ])('parses %s as %s', (text, iso) => {
    expect(parseScheduledAt(text)).toBe(iso);
  });

  it.each([
    '2011-02-17T14:30:00-08:00',
    '2011-02-17 14:30:00-0800',
    '2023-02-29T00:00:00+0000',
    '2011-13-01T00:00:00+0000',
    '2011-02-17T14:60:00+0000',
    '2011-02-17T14:30:00+2400',
    '0099-02-17T14:30:00+0000',
  ])('refuses %s', (text) => {
    expect(parseScheduledAt(text)).toBeUndefined();
  });
});
