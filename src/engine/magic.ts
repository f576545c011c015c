/**
 * Magic recipients: reserved phone numbers and addresses whose outcome is fixed, so a test can ask for
 * a failure, a 429 or a slow delivery without configuring anything (the idea of Twilio's test
 * credentials "magic numbers", which also live in +1 500 555 xxxx).
 *
 * This table is the source of truth for the README's "Magic recipients" table.
 * Providers decide how each outcome looks in their dialect; the engine only says what happens.
 */
import { SimError } from './errors.js';

export type MagicOutcome = 'deliver' | 'invalid' | 'fail' | 'undelivered' | 'read' | 'rate_limit' | 'server_error' | 'slow' | 'fallback';

export interface MagicRecipient {
  outcome: MagicOutcome;
  phone: string;
  email: string;
  description: string;
}

/** Simulated delay before a `slow` recipient's message is delivered. */
export const SLOW_DELIVERY_MS = 60_000;

/** The reserved domain: `.test` is reserved for testing by RFC 2606 §2, so no real mailbox is ever hit. */
export const MAGIC_EMAIL_DOMAIN = 'msgsim.test';

const ROWS: MagicRecipient[] = [
  {
    outcome: 'deliver',
    phone: '+15005550000',
    email: `delivered@${MAGIC_EMAIL_DOMAIN}`,
    description: 'Accepted, then sent, then delivered (what any ordinary valid recipient does).',
  },
  {
    outcome: 'invalid',
    phone: '+15005550001',
    email: `invalid@${MAGIC_EMAIL_DOMAIN}`,
    description: "Rejected at send as an invalid recipient (the provider's 400).",
  },
  {
    outcome: 'fail',
    phone: '+15005550002',
    email: `failed@${MAGIC_EMAIL_DOMAIN}`,
    description: 'Accepted, then failed (carrier rejected); failure webhook.',
  },
  {
    outcome: 'undelivered',
    phone: '+15005550003',
    email: `undelivered@${MAGIC_EMAIL_DOMAIN}`,
    description: 'Accepted and sent, never delivered (stays sent / undelivered).',
  },
  {
    outcome: 'read',
    phone: '+15005550004',
    email: `read@${MAGIC_EMAIL_DOMAIN}`,
    description: 'Accepted, delivered, then read.',
  },
  {
    outcome: 'rate_limit',
    phone: '+15005550005',
    email: `ratelimited@${MAGIC_EMAIL_DOMAIN}`,
    description: "Send answers the provider's 429 with Retry-After.",
  },
  {
    outcome: 'server_error',
    phone: '+15005550006',
    email: `error@${MAGIC_EMAIL_DOMAIN}`,
    description: "Send answers the provider's 500.",
  },
  {
    outcome: 'slow',
    phone: '+15005550007',
    email: `slow@${MAGIC_EMAIL_DOMAIN}`,
    description: `Delivery is slow (${SLOW_DELIVERY_MS / 1000} s on the clock).`,
  },
  {
    outcome: 'fallback',
    phone: '+15005550009',
    email: `fallback@${MAGIC_EMAIL_DOMAIN}`,
    description: 'The primary channel fails, so a fallback chain is exercised.',
  },
];

export const MAGIC_RECIPIENTS: readonly MagicRecipient[] = Object.freeze(ROWS.map((row) => Object.freeze(row)));

const BY_PHONE = new Map(MAGIC_RECIPIENTS.map((r) => [r.phone, r]));
const BY_EMAIL = new Map(MAGIC_RECIPIENTS.map((r) => [r.email.toLowerCase(), r]));

/**
 * The magic entry a recipient matches: phones exactly (E.164), emails case-insensitively (domains are
 * case-insensitive per RFC 5321 §2.4, and mailbox providers treat local parts so in practice).
 */
export function magicRecipient(recipient: string): MagicRecipient | undefined {
  return BY_PHONE.get(recipient) ?? BY_EMAIL.get(recipient.toLowerCase());
}

/** What happens to a message to `recipient`; 'deliver' for any ordinary recipient. */
export function magicOutcome(recipient: string): MagicOutcome {
  return magicRecipient(recipient)?.outcome ?? 'deliver';
}

export function isMagicRecipient(recipient: string): boolean {
  return magicRecipient(recipient) !== undefined;
}

/** A provider's own code and wording for a refusal; its renderer puts them in its envelope. */
export interface MagicRefusal {
  code?: string;
  message: string;
}

export interface MagicRateLimit extends MagicRefusal {
  /** Seconds, for Retry-After. */
  retryAfter: number;
  headers?: Record<string, string>;
}

/** How a provider answers the magic recipients that refuse a send (429 and 500). */
export interface MagicRefusals {
  /** A function where the answer depends on the moment (the end of a rate window). */
  rateLimited: MagicRateLimit | (() => MagicRateLimit);
  serverError: MagicRefusal;
}

/**
 * The magic recipients that answer at send time, before anything is stored: `invalid` → the provider's
 * 400 (built by `invalid`, which knows the field the recipient came in), `rate_limit` → 429 with
 * Retry-After, `server_error` → 500. Recipients are taken in order; the first that refuses answers.
 */
export function rejectBySendMagic(recipients: string | readonly string[], refusals: MagicRefusals, invalid: (recipient: string) => SimError): void {
  for (const recipient of typeof recipients === 'string' ? [recipients] : recipients) {
    switch (magicOutcome(recipient)) {
      case 'invalid':
        throw invalid(recipient);
      case 'rate_limit': {
        const { code, message, retryAfter, headers } = typeof refusals.rateLimited === 'function' ? refusals.rateLimited() : refusals.rateLimited;
        throw new SimError({ kind: 'rate_limited', code, message, retryAfter, headers });
      }
      case 'server_error':
        throw new SimError({ kind: 'internal', ...refusals.serverError });
      default:
    }
  }
}
