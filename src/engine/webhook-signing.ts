/**
 * Webhook signing schemes, kept apart from delivery so each provider picks its own signer.
 *
 * The default scheme is Standard Webhooks (https://www.standardwebhooks.com, spec v1.0.0, "Signature
 * scheme"): three headers, `webhook-id`, `webhook-timestamp` (unix seconds) and `webhook-signature`, whose
 * value is a space-delimited list of `<version>,<signature>`; `v1` is base64 HMAC-SHA256 over
 * `${id}.${timestamp}.${body}` keyed with the base64-decoded part of a `whsec_…` secret. Providers whose
 * docs describe another scheme (e.g. a hex HMAC of the raw body) write their own `WebhookSigner` using
 * `hmacSha256Hex`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SeededRandom } from './random.js';

export interface SignInput {
  secret: string;
  /** The exact bytes sent as the request body: signatures are over raw bytes, never re-serialised JSON. */
  rawBody: string;
  /** Stable across retries, so receivers can dedupe (Standard Webhooks `webhook-id`). */
  eventId: string;
  /** Unix seconds on the simulated clock, so signatures match what a manual-clock test expects. */
  timestamp: number;
}

/** Returns the headers to add to one delivery attempt. */
export type WebhookSigner = (input: SignInput) => Record<string, string>;

const SECRET_PREFIX = 'whsec_';

/**
 * Standard Webhooks recommends secrets of 24 to 64 random bytes; 24 is what Svix issues
 * (`whsec_` + 32 base64 characters), so generated secrets look like the real thing.
 */
const SECRET_BYTES = 24;

/**
 * Standard Webhooks' reference libraries reject timestamps more than 5 minutes away from the
 * receiver's clock (replay protection); verification uses the same window when given a time.
 */
const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

/** Hex HMAC-SHA256 with a UTF-8 key (the `sha256=<hex>` style many providers document). */
export function hmacSha256Hex(secret: string, data: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(data, 'utf8').digest('hex');
}

/**
 * The HMAC key of a Standard Webhooks secret: the base64 after `whsec_`. A secret without the prefix is
 * used as UTF-8 bytes, so providers that hand out plain secrets can still use this scheme.
 */
function standardWebhooksKey(secret: string): Buffer {
  if (secret.startsWith(SECRET_PREFIX)) return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  return Buffer.from(secret, 'utf8');
}

function standardWebhooksSignature(secret: string, eventId: string, timestamp: number | string, rawBody: string): string {
  return createHmac('sha256', standardWebhooksKey(secret)).update(`${eventId}.${timestamp}.${rawBody}`, 'utf8').digest('base64');
}

export const standardWebhooksSigner: WebhookSigner = ({ secret, rawBody, eventId, timestamp }) => ({
  'webhook-id': eventId,
  'webhook-timestamp': String(timestamp),
  'webhook-signature': `v1,${standardWebhooksSignature(secret, eventId, timestamp, rawBody)}`,
});

export interface VerifyOptions {
  /**
   * The receiver's current time in unix seconds. When given, a timestamp further than `toleranceSeconds`
   * from it is rejected; when omitted the timestamp is not checked (the engine has no wall clock to
   * compare with, and a manual-clock test may verify a delivery long after it was signed).
   */
  nowSeconds?: number;
  toleranceSeconds?: number;
}

/**
 * Verifies a Standard Webhooks request as a receiver would: header names are case-insensitive, the
 * signature header may carry several space-delimited signatures (key rotation) and any matching `v1`
 * one is enough; comparison is constant-time.
 */
export function verifyStandardWebhook(secret: string, headers: Record<string, string>, rawBody: string, options: VerifyOptions = {}): boolean {
  const lower = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  const id = lower.get('webhook-id');
  const timestamp = lower.get('webhook-timestamp');
  const signatures = lower.get('webhook-signature');
  if (!id || !timestamp || !signatures || !/^\d+$/.test(timestamp)) return false;

  if (options.nowSeconds !== undefined) {
    const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
    if (Math.abs(options.nowSeconds - Number(timestamp)) > tolerance) return false;
  }

  const expected = Buffer.from(standardWebhooksSignature(secret, id, timestamp, rawBody), 'utf8');
  return signatures.split(' ').some((entry) => {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') return false;
    const candidate = Buffer.from(entry.slice(comma + 1), 'utf8');
    return candidate.length === expected.length && timingSafeEqual(candidate, expected);
  });
}

/** `whsec_` + base64 of 24 seeded random bytes: deterministic for a given seed, like every other id. */
export function generateWebhookSecret(random: SeededRandom): string {
  const bytes = Buffer.alloc(SECRET_BYTES);
  for (let i = 0; i < SECRET_BYTES; i++) bytes[i] = random.int(256);
  return `${SECRET_PREFIX}${bytes.toString('base64')}`;
}
