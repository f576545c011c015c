import { describe, expect, it } from 'vitest';
import { Clock } from '../../src/engine/clock.js';
import { isE164 } from '../../src/engine/contact-points.js';
import { SimError } from '../../src/engine/errors.js';
import {
  MAGIC_RECIPIENTS,
  SLOW_DELIVERY_MS,
  isMagicRecipient,
  magicOutcome,
  magicRecipient,
  rejectBySendMagic,
  type MagicRefusals,
} from '../../src/engine/magic.js';

describe('magic recipients', () => {
  // The README's "Magic recipients" table, plus the explicit 'deliver' row.
  it.each([
    { phone: '+15005550000', email: 'delivered@msgsim.test', outcome: 'deliver' },
    { phone: '+15005550001', email: 'invalid@msgsim.test', outcome: 'invalid' },
    { phone: '+15005550002', email: 'failed@msgsim.test', outcome: 'fail' },
    { phone: '+15005550003', email: 'undelivered@msgsim.test', outcome: 'undelivered' },
    { phone: '+15005550004', email: 'read@msgsim.test', outcome: 'read' },
    { phone: '+15005550005', email: 'ratelimited@msgsim.test', outcome: 'rate_limit' },
    { phone: '+15005550006', email: 'error@msgsim.test', outcome: 'server_error' },
    { phone: '+15005550007', email: 'slow@msgsim.test', outcome: 'slow' },
    { phone: '+15005550009', email: 'fallback@msgsim.test', outcome: 'fallback' },
  ])('$phone and $email → $outcome', ({ phone, email, outcome }) => {
    expect(magicOutcome(phone)).toBe(outcome);
    expect(magicOutcome(email)).toBe(outcome);
    expect(magicOutcome(email.toUpperCase())).toBe(outcome);
    expect(isMagicRecipient(phone)).toBe(true);
    expect(isMagicRecipient(email)).toBe(true);
    expect(magicRecipient(phone)).toMatchObject({ phone, email, outcome });
    expect(isE164(phone)).toBe(true);
  });

  it.each([
    '+919876543210',
    '+14155552671',
    '+15005550008', // the gap in the table is an ordinary number
    '+150055500011',
    '15005550002',
    '+1 500 555 0002',
    'failed@msgsim.test.example',
    'failed@example.com',
    'failed@other.test',
    ' failed@msgsim.test',
    '',
  ])('%j is an ordinary recipient → deliver', (recipient) => {
    expect(magicOutcome(recipient)).toBe('deliver');
    expect(isMagicRecipient(recipient)).toBe(false);
    expect(magicRecipient(recipient)).toBeUndefined();
  });

  it('the table has one row per outcome, unique phones and emails, each described', () => {
    const outcomes = MAGIC_RECIPIENTS.map((r) => r.outcome);
    expect(new Set(outcomes).size).toBe(outcomes.length);
    expect(new Set(MAGIC_RECIPIENTS.map((r) => r.phone)).size).toBe(outcomes.length);
    expect(new Set(MAGIC_RECIPIENTS.map((r) => r.email)).size).toBe(outcomes.length);
    for (const r of MAGIC_RECIPIENTS) {
      expect(r.description.length).toBeGreaterThan(10);
      expect(r.email).toMatch(/^[a-z]+@msgsim\.test$/);
    }
  });

  it('the table cannot be changed at run time', () => {
    expect(Object.isFrozen(MAGIC_RECIPIENTS)).toBe(true);
    expect(MAGIC_RECIPIENTS.every((r) => Object.isFrozen(r))).toBe(true);
  });

  it('slow delivery takes 60 s of simulated time', () => {
    const clock = new Clock({ mode: 'manual', start: Date.parse('2024-04-08T10:30:00Z') });
    let deliveredAt: string | undefined;
    clock.schedule(SLOW_DELIVERY_MS, () => (deliveredAt = clock.iso()));
    clock.advance(SLOW_DELIVERY_MS - 1);
    expect(deliveredAt).toBeUndefined();
    clock.advance(1);
    expect(deliveredAt).toBe('2024-04-08T10:31:00.000Z');
  });
});

describe('rejectBySendMagic: the magic recipients that refuse a send, in the words a provider passes in', () => {
  const REFUSALS: MagicRefusals = {
    rateLimited: { code: 'too_fast', message: 'Slow down', retryAfter: 7 },
    serverError: { code: 'oops', message: 'Something broke' },
  };
  const invalid = (recipient: string) => new SimError({ kind: 'invalid_request', code: 'bad_number', message: 'Bad number', field: 'to', value: recipient });
  const refusal = (recipients: string | string[], refusals = REFUSALS): SimError | undefined => {
    try {
      rejectBySendMagic(recipients, refusals, invalid);
      return undefined;
    } catch (error) {
      return error as SimError;
    }
  };

  it.each(['+15005550000', '+15005550002', '+15005550003', '+15005550004', '+15005550007', '+15005550009', '+14155552671', 'someone@example.com'])(
    '%s is not refused at send time',
    (recipient) => {
      expect(refusal(recipient)).toBeUndefined();
    },
  );

  it("invalid: the provider's own 400", () => {
    expect(refusal('invalid@msgsim.test')).toMatchObject({ status: 400, code: 'bad_number', field: 'to', value: 'invalid@msgsim.test' });
  });

  it("rate_limit: 429 with the provider's code, wording and Retry-After seconds", () => {
    expect(refusal('+15005550005')).toMatchObject({ kind: 'rate_limited', status: 429, code: 'too_fast', message: 'Slow down', retryAfter: 7, headers: {} });
  });

  it("server_error: 500 with the provider's code and wording", () => {
    expect(refusal('error@msgsim.test')).toMatchObject({ kind: 'internal', status: 500, code: 'oops', message: 'Something broke' });
  });

  it('a 429 that depends on the moment is computed only when a rate-limit recipient is met', () => {
    let asked = 0;
    const refusals: MagicRefusals = {
      ...REFUSALS,
      rateLimited: () => ({ message: 'Window used up', retryAfter: ++asked * 10, headers: { 'X-RateLimit-Remaining': '0' } }),
    };
    expect(refusal(['+15005550000', '+15005550006'], refusals)).toMatchObject({ status: 500 });
    expect(asked).toBe(0);
    expect(refusal('+15005550005', refusals)).toMatchObject({ status: 429, code: undefined, retryAfter: 10, headers: { 'X-RateLimit-Remaining': '0' } });
  });

  it('recipients are taken in order: the first that refuses answers', () => {
    expect(refusal(['+15005550000', '+15005550005', '+15005550001'])).toMatchObject({ status: 429 });
    expect(refusal(['+15005550006', '+15005550005'])).toMatchObject({ status: 500 });
    expect(refusal(['+15005550001', '+15005550006'])).toMatchObject({ status: 400 });
  });
});
