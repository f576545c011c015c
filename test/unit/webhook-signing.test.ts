import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/engine/random.js';
import { generateWebhookSecret, hmacSha256Hex, standardWebhooksSigner, verifyStandardWebhook } from '../../src/engine/webhook-signing.js';

// The test vector published with the Standard Webhooks specification (standardwebhooks.com); matching it
// means any of that specification's receiver libraries accepts msgsim's deliveries.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  eventId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  rawBody: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('hmacSha256Hex', () => {
  it('matches RFC 4231 test case 2', () => {
    expect(hmacSha256Hex('Jefe', 'what do ya want for nothing?')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });
});

describe('standardWebhooksSigner', () => {
  it('reproduces the Standard Webhooks test vector', () => {
    expect(standardWebhooksSigner(VECTOR)).toEqual({
      'webhook-id': VECTOR.eventId,
      'webhook-timestamp': String(VECTOR.timestamp),
      'webhook-signature': VECTOR.signature,
    });
  });

  it('keys with the utf8 bytes of a secret without the whsec_ prefix', () => {
    const headers = standardWebhooksSigner({ ...VECTOR, secret: 'plain-secret' });
    const expected = createHmac('sha256', Buffer.from('plain-secret', 'utf8'))
      .update(`${VECTOR.eventId}.${VECTOR.timestamp}.${VECTOR.rawBody}`)
      .digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
    expect(verifyStandardWebhook('plain-secret', headers, VECTOR.rawBody)).toBe(true);
  });
});

describe('verifyStandardWebhook', () => {
  const headers = {
    'webhook-id': VECTOR.eventId,
    'webhook-timestamp': String(VECTOR.timestamp),
    'webhook-signature': VECTOR.signature,
  };

  it('accepts the test vector', () => {
    expect(verifyStandardWebhook(VECTOR.secret, headers, VECTOR.rawBody)).toBe(true);
  });

  it('rejects a tampered body, id or timestamp, and a wrong secret', () => {
    expect(verifyStandardWebhook(VECTOR.secret, headers, '{"test": 2432232315}')).toBe(false);
    expect(verifyStandardWebhook(VECTOR.secret, { ...headers, 'webhook-id': 'msg_other' }, VECTOR.rawBody)).toBe(false);
    expect(verifyStandardWebhook(VECTOR.secret, { ...headers, 'webhook-timestamp': '1614265331' }, VECTOR.rawBody)).toBe(false);
    expect(verifyStandardWebhook('whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', headers, VECTOR.rawBody)).toBe(false);
  });

  it('rejects missing headers, other versions and malformed signatures', () => {
    const { 'webhook-id': _id, ...withoutId } = headers;
    expect(verifyStandardWebhook(VECTOR.secret, withoutId, VECTOR.rawBody)).toBe(false);
    expect(verifyStandardWebhook(VECTOR.secret, { ...headers, 'webhook-signature': VECTOR.signature.replace('v1,', 'v2,') }, VECTOR.rawBody)).toBe(false);
    expect(verifyStandardWebhook(VECTOR.secret, { ...headers, 'webhook-signature': 'garbage' }, VECTOR.rawBody)).toBe(false);
    expect(verifyStandardWebhook(VECTOR.secret, { ...headers, 'webhook-timestamp': 'soon' }, VECTOR.rawBody)).toBe(false);
  });

  it('reads header names case-insensitively', () => {
    const mixed = {
      'Webhook-Id': headers['webhook-id'],
      'WEBHOOK-TIMESTAMP': headers['webhook-timestamp'],
      'Webhook-Signature': headers['webhook-signature'],
    };
    expect(verifyStandardWebhook(VECTOR.secret, mixed, VECTOR.rawBody)).toBe(true);
  });

  it('accepts any one of several space-delimited signatures (key rotation)', () => {
    const rotated = { ...headers, 'webhook-signature': `v1,bm90LXRoZS1zaWduYXR1cmU= ${VECTOR.signature}` };
    expect(verifyStandardWebhook(VECTOR.secret, rotated, VECTOR.rawBody)).toBe(true);
  });

  it('checks the timestamp tolerance only when given the current time', () => {
    const inWindow = { nowSeconds: VECTOR.timestamp + 299 };
    const late = { nowSeconds: VECTOR.timestamp + 301 };
    expect(verifyStandardWebhook(VECTOR.secret, headers, VECTOR.rawBody, inWindow)).toBe(true);
    expect(verifyStandardWebhook(VECTOR.secret, headers, VECTOR.rawBody, late)).toBe(false);
    expect(verifyStandardWebhook(VECTOR.secret, headers, VECTOR.rawBody, { ...late, toleranceSeconds: 600 })).toBe(true);
  });
});

describe('generateWebhookSecret', () => {
  it('is whsec_ + base64 of 24 bytes, deterministic per seed', () => {
    const first = generateWebhookSecret(new SeededRandom(7));
    expect(first).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(first.slice('whsec_'.length), 'base64')).toHaveLength(24);
    expect(generateWebhookSecret(new SeededRandom(7))).toBe(first);

    const random = new SeededRandom(7);
    expect(generateWebhookSecret(random)).toBe(first);
    expect(generateWebhookSecret(random)).not.toBe(first);
  });

  it('produces secrets the signer and verifier agree on', () => {
    const secret = generateWebhookSecret(new SeededRandom(42));
    const input = { secret, rawBody: '{"a":1}', eventId: 'evt_1', timestamp: 1712572200 };
    expect(verifyStandardWebhook(secret, standardWebhooksSigner(input), input.rawBody)).toBe(true);
  });
});
