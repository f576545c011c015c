/**
 * What a send costs. MsGine's doc shows `"cost": 0.05, "currency": "USD"` for one SMS to Uganda and
 * nothing more, so msgsim charges as SMS APIs do: per recipient, per segment (src/engine/sms.ts), at
 * the destination country's price per segment (fixtures/msgine-prices.json).
 */
import { countryOfPhone } from '../../engine/contact-points.js';
import { countSmsSegments, type SmsEncoding } from '../../engine/sms.js';
import { MSGINE_PRICES, type PriceTable } from './fixtures.js';

export interface RecipientCharge {
  to: string;
  country?: string;
  cost: number;
}

export interface SendCharge {
  encoding: SmsEncoding;
  segments: number;
  recipients: RecipientCharge[];
  cost: number;
  currency: PriceTable['currency'];
}

/** Prices have at most 4 decimals; rounding each sum keeps float noise (0.1 + 0.2) out of answers. */
export function roundCost(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

export function priceSend(message: string, to: readonly string[], prices: PriceTable = MSGINE_PRICES): SendCharge {
  const { encoding, segments } = countSmsSegments(message);
  const recipients = to.map((number): RecipientCharge => {
    const country = countryOfPhone(number);
    const perSegment = (country !== undefined ? prices.perSegment[country] : undefined) ?? prices.default;
    return { to: number, ...(country !== undefined ? { country } : {}), cost: roundCost(perSegment * segments) };
  });
  const cost = roundCost(recipients.reduce((sum, r) => sum + r.cost, 0));
  return { encoding, segments, recipients, cost, currency: prices.currency };
}
