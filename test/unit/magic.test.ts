import { describe, expect, it } from 'vitest';
import { Clock } from '../../src/engine/clock.js';
import { isE164 } from '../../src/engine/contact-points.js';
import {
  MAGIC_RECIPIENTS,
  SLOW_DELIVERY_MS,
  isMagicRecipient,
  magicOutcome,
  magicRecipient,
} from '../../src/engine/magic.js';

describe('magic recipients', () => {
  // The table of ARCHITECTURE.md "Magic recipients", plus the explicit 'deliver' row.
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
