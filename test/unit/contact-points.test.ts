import { describe, expect, it } from 'vitest';
import { countryOfPhone, isE164, isEmail } from '../../src/engine/contact-points.js';

describe('isE164', () => {
  it.each([
    { input: '+919876543210', valid: true, why: 'Indian mobile' },
    { input: '+14155552671', valid: true, why: 'US number' },
    { input: '+14155550123', valid: true, why: 'US 555-01xx (libphonenumber accepts it)' },
    { input: '+447911123456', valid: true, why: 'UK-range mobile' },
    { input: '+442071838750', valid: true, why: 'London landline' },
    { input: '+4930123456', valid: true, why: 'Berlin, short German number' },
    { input: '+5511912345678', valid: true, why: 'Brazilian mobile, 13 digits' },
    { input: '+971501234567', valid: true, why: 'UAE mobile' },
    { input: '+80012345678', valid: true, why: 'international freephone' },
    { input: '+15005550001', valid: true, why: 'magic number' },
    { input: '+15005550009', valid: true, why: 'magic number' },
    { input: '+15005550008', valid: true, why: 'magic range' },
    { input: '919876543210', valid: false, why: 'no plus' },
    { input: '+91 98765 43210', valid: false, why: 'spaces' },
    { input: '+91-98765-43210', valid: false, why: 'dashes' },
    { input: '+1 (415) 555-2671', valid: false, why: 'formatted' },
    { input: '+1234', valid: false, why: 'too short' },
    { input: '+1234567', valid: false, why: '7 digits' },
    { input: '+1234567890123456', valid: false, why: '16 digits' },
    { input: '+0123456789', valid: false, why: 'country code 0' },
    { input: '+4407911123456', valid: false, why: 'national trunk prefix kept' },
    { input: '+97150123456', valid: false, why: 'UAE mobile one digit short' },
    { input: '+10005550000', valid: false, why: 'NANP area code 000' },
    { input: '+19999999999', valid: false, why: 'unassigned NANP area code' },
    { input: '+15005550001 ', valid: false, why: 'trailing space' },
    { input: '＋919876543210', valid: false, why: 'full-width plus' },
    { input: '+९१९८७६५४३२१०', valid: false, why: 'Devanagari digits' },
    { input: '', valid: false, why: 'empty' },
  ])('$input → $valid ($why)', ({ input, valid }) => {
    expect(isE164(input)).toBe(valid);
  });

  it('gives the same verdicts from its memo, also after the memo has been cleared for being full', () => {
    const inputs = ['+919876543210', '+4407911123456', '+19999999999', '+447911123456'];
    const first = inputs.map(isE164);
    // More distinct well-shaped numbers than the memo holds (10,000), so it is cleared at least once.
    for (let i = 0; i < 10_050; i++) isE164(`+4479111${String(i).padStart(5, '0')}`);
    expect(inputs.map(isE164)).toEqual(first);
    expect(first).toEqual([true, false, false, true]);
  });
});

describe('countryOfPhone', () => {
  it.each([
    { input: '+919876543210', country: 'IN' },
    { input: '+14155552671', country: 'US' },
    { input: '+16135550123', country: 'CA' },
    { input: '+442071838750', country: 'GB' },
    { input: '+4930123456', country: 'DE' },
    { input: '+5511912345678', country: 'BR' },
    { input: '+15005550002', country: 'US' },
    { input: '+80012345678', country: undefined },
    { input: '919876543210', country: undefined },
    { input: '+91 98765 43210', country: undefined },
    { input: '+1234', country: undefined },
  ])('$input → $country', ({ input, country }) => {
    expect(countryOfPhone(input)).toBe(country);
  });
});

describe('isEmail', () => {
  it.each([
    { input: 'user@example.com', valid: true },
    { input: 'first.last+tag@sub.example.co.uk', valid: true },
    { input: "o'brien@example.ie", valid: true },
    { input: "!#$%&'*+/=?^_`{|}~-@example.org", valid: true },
    { input: 'failed@msgsim.test', valid: true },
    { input: 'FAILED@MSGSIM.TEST', valid: true },
    { input: 'a@b.co', valid: true },
    { input: 'user@123.example.com', valid: true },
    { input: 'user@xn--80ak6aa92e.xn--p1ai', valid: true },
    { input: `${'a'.repeat(64)}@example.com`, valid: true },
    { input: `a@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(60)}`, valid: true },
    { input: '', valid: false },
    { input: 'plainaddress', valid: false },
    { input: '@example.com', valid: false },
    { input: 'user@', valid: false },
    { input: 'a@b@example.com', valid: false },
    { input: '.user@example.com', valid: false },
    { input: 'user.@example.com', valid: false },
    { input: 'us..er@example.com', valid: false },
    { input: `${'a'.repeat(65)}@example.com`, valid: false },
    { input: `a@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(61)}`, valid: false },
    { input: 'user@localhost', valid: false },
    { input: 'user@example.c', valid: false },
    { input: 'user@example.123', valid: false },
    { input: 'user@-example.com', valid: false },
    { input: 'user@example-.com', valid: false },
    { input: 'user@exa_mple.com', valid: false },
    { input: 'user@example..com', valid: false },
    { input: 'user@example.com.', valid: false },
    { input: `user@${'b'.repeat(64)}.com`, valid: false },
    { input: 'us er@example.com', valid: false },
    { input: 'user@exa mple.com', valid: false },
    { input: ' user@example.com', valid: false },
    { input: 'user@example.com\n', valid: false },
    { input: '"quoted"@example.com', valid: false },
    { input: 'user@[192.168.0.1]', valid: false },
    { input: 'üser@example.com', valid: false },
    { input: 'user@exämple.com', valid: false },
  ])('$input → $valid', ({ input, valid }) => {
    expect(isEmail(input)).toBe(valid);
  });
});
