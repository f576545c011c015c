/**
 * Recipient validation shared by every provider: E.164 phone numbers and email addresses.
 *
 * Phones are checked with libphonenumber-js's "max" metadata (Google libphonenumber's full rules,
 * including number-type patterns), because "min" only checks lengths and would accept numbers the real
 * providers reject. Emails use a pragmatic subset of RFC 5321/5322 (dot-atom local part, LDH domain):
 * what real APIs accept, without quoted strings, comments or address literals.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** ITU-T E.164: '+', a country code not starting with 0, at most 15 digits in all (8 at least here). */
const E164_SHAPE = /^\+[1-9][0-9]{7,14}$/;
/** +1 500 555 000X: the magic numbers (magic.ts) and their neighbours are always valid. */
const MAGIC_PHONE = /^\+1500555000[0-9]$/;

/** Full-metadata parsing was ~6 % of a send (bench finding 7), and the verdict depends on the string alone. */
const E164_MEMO_LIMIT = 10_000;
const e164Verdicts = new Map<string, boolean>();

/**
 * Strictly `+` and 8..15 digits (no spaces, dashes or national prefixes), valid per libphonenumber-js,
 * and already in canonical form (so "+4407911123456", which libphonenumber would quietly repair, is refused).
 */
export function isE164(input: string): boolean {
  if (!E164_SHAPE.test(input)) return false;
  if (MAGIC_PHONE.test(input)) return true;
  let valid = e164Verdicts.get(input);
  if (valid === undefined) {
    const parsed = parsePhoneNumberFromString(input);
    valid = parsed !== undefined && parsed.isValid() && parsed.number === input;
    // Cleared rather than LRU-evicted: the bound only has to cap memory, and CI sends reuse a few numbers.
    if (e164Verdicts.size >= E164_MEMO_LIMIT) e164Verdicts.clear();
    e164Verdicts.set(input, valid);
  }
  return valid;
}

/** ISO 3166-1 alpha-2 region of an E.164 number ('IN' for +919876543210); undefined for non-geographic or malformed. */
export function countryOfPhone(e164: string): string | undefined {
  if (!E164_SHAPE.test(e164)) return undefined;
  return parsePhoneNumberFromString(e164)?.country;
}

const MAX_EMAIL_LENGTH = 254; // RFC 5321 §4.5.3.1.3 path limit (256) minus the angle brackets
const MAX_LOCAL_LENGTH = 64; // RFC 5321 §4.5.3.1.1
/** RFC 5322 §3.2.3 atext, in dot-atom form: no leading, trailing or consecutive dots. */
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
/** RFC 1035 §2.3.1 LDH label (RFC 1123 allows a leading digit), 1..63 characters. */
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
/** Top-level domain: letters only (no all-numeric TLDs exist), or an IDNA A-label such as xn--p1ai. */
const TOP_LEVEL_DOMAIN = /^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

export function isEmail(input: string): boolean {
  if (input.length > MAX_EMAIL_LENGTH) return false;
  const at = input.indexOf('@');
  if (at < 0 || at !== input.lastIndexOf('@')) return false;
  const local = input.slice(0, at);
  const domain = input.slice(at + 1);
  if (local.length === 0 || local.length > MAX_LOCAL_LENGTH || !LOCAL_PART.test(local)) return false;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label))) return false;
  return TOP_LEVEL_DOMAIN.test(labels[labels.length - 1] ?? '');
}
