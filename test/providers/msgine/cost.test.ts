/**
 * Cost = Σ over recipients of segments × the destination's price per segment (fixtures/msgine-prices.json),
 * rounded to 4 decimals. The table is read here too, so the test states prices by country, not magic numbers.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../../src/paths.js';
import { msgineSim } from './helpers.js';

const PRICES = JSON.parse(readFileSync(fixturePath('msgine-prices.json'), 'utf8')) as { default: number; perSegment: Record<string, number> };
const price = (country: string): number => PRICES.perSegment[country]!;
const round4 = (n: number): number => Math.round(n * 10_000) / 10_000;

const UG = '+256701234567';
const KE = '+254712345678';
const US = '+14155550100';
const IN = '+919876543210';
/** Brazil is not in the table: it costs the default. */
const BR = '+5511912345678';

describe('cost', () => {
  it('the table prices Uganda at 0.05 per segment and defaults unknown countries', () => {
    expect(price('UG')).toBe(0.05);
    expect(PRICES.perSegment.BR).toBeUndefined();
    expect(PRICES.default).toBeGreaterThan(0);
  });

  it.each([
    { what: "the doc's example: Uganda, 1 GSM-7 segment", to: UG, message: 'Hello from MsGine!', segments: 1, encoding: 'GSM-7', expected: price('UG') },
    { what: '160 GSM-7 characters are still one segment', to: UG, message: 'a'.repeat(160), segments: 1, encoding: 'GSM-7', expected: price('UG') },
    { what: '161 GSM-7 characters are two segments', to: UG, message: 'a'.repeat(161), segments: 2, encoding: 'GSM-7', expected: 2 * price('UG') },
    {
      what: '459 GSM-7 characters are three segments of 153',
      to: UG,
      message: 'a'.repeat(459),
      segments: 3,
      encoding: 'GSM-7',
      expected: round4(3 * price('UG')),
    },
    {
      what: 'extension characters count double: 80 × € is one segment',
      to: UG,
      message: '€'.repeat(80),
      segments: 1,
      encoding: 'GSM-7',
      expected: price('UG'),
    },
    {
      what: 'one emoji makes it UCS-2: 71 code units are two segments',
      to: UG,
      message: `${'a'.repeat(69)}😀`,
      segments: 2,
      encoding: 'UCS-2',
      expected: 2 * price('UG'),
    },
    { what: '70 UCS-2 code units are one segment', to: UG, message: `${'a'.repeat(68)}😀`, segments: 1, encoding: 'UCS-2', expected: price('UG') },
    { what: 'Kenya', to: KE, message: 'Hi', segments: 1, encoding: 'GSM-7', expected: price('KE') },
    { what: 'US, three segments, rounded to 4 decimals', to: US, message: 'a'.repeat(400), segments: 3, encoding: 'GSM-7', expected: round4(3 * price('US')) },
    {
      what: 'a country not in the table costs the default (á makes it UCS-2)',
      to: BR,
      message: 'Olá',
      segments: 1,
      encoding: 'UCS-2',
      expected: PRICES.default,
    },
    { what: 'a magic number (+1 500) prices as US', to: '+15005550002', message: 'Hi', segments: 1, encoding: 'GSM-7', expected: price('US') },
  ])('$what', async ({ to, message, segments, encoding, expected }) => {
    const { api } = await msgineSim();
    const sent = await api.post('/messages/sms', { to, message });
    expect(sent.status, sent.text).toBe(201);
    expect(sent.body.cost).toBe(expected);
    expect(sent.body.currency).toBe('USD');
    const got = (await api.get(`/messages/${sent.body.id}`)).body;
    expect(got).toMatchObject({ cost: expected, segments, encoding });
    expect(got.recipients[0].cost).toBe(expected);
  });

  it('a list is charged per recipient at each destination price, with a breakdown on GET', async () => {
    const { api } = await msgineSim();
    const message = 'a'.repeat(200); // two GSM-7 segments
    const sent = await api.post('/messages/sms', { to: [UG, KE, US, IN, BR], message });
    const each = { UG: 2 * price('UG'), KE: 2 * price('KE'), US: round4(2 * price('US')), IN: round4(2 * price('IN')), BR: 2 * PRICES.default };
    const total = round4(Object.values(each).reduce((a, b) => a + b, 0));
    expect(sent.body.cost).toBe(total);
    const got = (await api.get(`/messages/${sent.body.id}`)).body;
    expect(got.segments).toBe(2);
    expect(got.recipients.map((r: { to: string; country?: string; cost: number }) => [r.to, r.country, r.cost])).toEqual([
      [UG, 'UG', each.UG],
      [KE, 'KE', each.KE],
      [US, 'US', each.US],
      [IN, 'IN', each.IN],
      [BR, 'BR', each.BR],
    ]);
  });

  it('costs are exact to 4 decimals (no float noise)', async () => {
    const { api } = await msgineSim();
    const sent = await api.post('/messages/sms', { to: [US, '+14155550101', '+14155550102'], message: 'Hi' });
    expect(sent.body.cost).toBe(round4(3 * price('US')));
    expect(String(sent.body.cost).split('.')[1]?.length ?? 0).toBeLessThanOrEqual(4);
  });
});
