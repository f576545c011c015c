/**
 * SMS segment counting, for providers that price per segment.
 *
 * 3GPP TS 23.038 §6.2.1: text that fits the GSM 7-bit default alphabet (plus its extension table,
 * whose characters are sent as ESC + char and so take two septets) is sent as GSM-7; anything else is
 * sent as UCS-2, two bytes per UTF-16 code unit. One SMS carries 140 bytes: 160 septets or 70 code
 * units. A longer text is split into parts that each lose 6 bytes to the concatenation header
 * (TS 23.040 §9.2.3.24.1), leaving 153 septets or 67 code units per part. As real SMSCs do, a part
 * never ends between an escape and its character, nor between the two halves of a surrogate pair, so
 * such a character moves whole to the next part (Twilio's segment calculator counts the same way).
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegmentation {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) the text takes in all. */
  units: number;
  /** Parts the text is sent as; 0 for an empty text. */
  segments: number;
}

/** Capacity of one SMS, and of each part of a concatenated one, per encoding. */
export const SMS_LIMITS: Readonly<Record<SmsEncoding, { single: number; multipart: number }>> = {
  'GSM-7': { single: 160, multipart: 153 },
  'UCS-2': { single: 70, multipart: 67 },
};

/**
 * The GSM 7-bit default alphabet (TS 23.038 §6.2.1, table 6.2.1.1) in code order, without 0x1B
 * (the escape). 0x09 is Ç as in the standard and in Unicode's GSM0338 mapping.
 */
const GSM_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' + '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** The default extension table (table 6.2.1.1.1): form feed ^ { } \ [ ~ ] | €, two septets each. */
const GSM_EXTENSION = '\f^{}\\[~]|€';

const BASIC = new Set(GSM_BASIC);
const EXTENSION = new Set(GSM_EXTENSION);

/** True when every character of `text` can be sent in GSM-7 (basic or extension table). */
export function isGsm7(text: string): boolean {
  for (const char of text) {
    if (!BASIC.has(char) && !EXTENSION.has(char)) return false;
  }
  return true;
}

/** How `text` is sent: its encoding, its size in that encoding and the number of SMS parts. */
export function countSmsSegments(text: string): SmsSegmentation {
  const encoding: SmsEncoding = isGsm7(text) ? 'GSM-7' : 'UCS-2';
  // Iterating a string yields code points, so a surrogate pair arrives as one character of width 2.
  const widths: number[] = [];
  for (const char of text) widths.push(encoding === 'GSM-7' ? (EXTENSION.has(char) ? 2 : 1) : char.length);
  const units = widths.reduce((sum, width) => sum + width, 0);
  const limits = SMS_LIMITS[encoding];
  if (units === 0) return { encoding, units, segments: 0 };
  if (units <= limits.single) return { encoding, units, segments: 1 };
  return { encoding, units, segments: packParts(widths, limits.multipart) };
}

/** Greedy packing: a character that does not fit in what is left of a part starts the next one. */
function packParts(widths: readonly number[], capacity: number): number {
  let parts = 1;
  let used = 0;
  for (const width of widths) {
    if (used + width > capacity) {
      parts++;
      used = 0;
    }
    used += width;
  }
  return parts;
}
