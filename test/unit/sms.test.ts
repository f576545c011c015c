/** SMS segment counting (src/engine/sms.ts): GSM-7 vs UCS-2, single vs concatenated, and what never splits. */
import { describe, expect, it } from 'vitest';
import { SMS_LIMITS, countSmsSegments, isGsm7 } from '../../src/engine/sms.js';

const EMOJI = '😀'; // U+1F600: one code point, two UTF-16 code units

describe('isGsm7', () => {
  it('accepts the whole default alphabet and extension table (TS 23.038)', () => {
    const basic = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
    expect([...basic]).toHaveLength(127); // 128 code points minus the escape
    expect(isGsm7(basic)).toBe(true);
    expect(isGsm7('\f^{}\\[~]|€')).toBe(true);
  });

  it.each(['ç', 'á', 'Ω̃', '`', '\t', 'ё', '中', EMOJI, 'ï', '\u00a0'])('refuses %j', (char) => {
    expect(isGsm7(`abc${char}`)).toBe(false);
  });
});

describe('countSmsSegments', () => {
  it.each([
    { what: 'empty', text: '', encoding: 'GSM-7', units: 0, segments: 0 },
    { what: "the doc's example", text: 'Hello from MsGine!', encoding: 'GSM-7', units: 18, segments: 1 },
    { what: '160 GSM-7 characters', text: 'a'.repeat(160), encoding: 'GSM-7', units: 160, segments: 1 },
    { what: '161 GSM-7 characters', text: 'a'.repeat(161), encoding: 'GSM-7', units: 161, segments: 2 },
    { what: '306 GSM-7 characters (2 × 153)', text: 'a'.repeat(306), encoding: 'GSM-7', units: 306, segments: 2 },
    { what: '307 GSM-7 characters', text: 'a'.repeat(307), encoding: 'GSM-7', units: 307, segments: 3 },
    { what: '1600 GSM-7 characters', text: 'a'.repeat(1600), encoding: 'GSM-7', units: 1600, segments: 11 },
    { what: 'extension characters count two septets', text: '€'.repeat(80), encoding: 'GSM-7', units: 160, segments: 1 },
    { what: '159 + one extension character', text: `${'a'.repeat(159)}{`, encoding: 'GSM-7', units: 161, segments: 2 },
    { what: 'an escape pair is never split: 152 + € moves whole', text: `${'a'.repeat(152)}€${'a'.repeat(10)}`, encoding: 'GSM-7', units: 164, segments: 2 },
    {
      what: '153 + € + 153 needs three parts because € cannot straddle',
      text: `${'a'.repeat(152)}€${'a'.repeat(152)}`,
      encoding: 'GSM-7',
      units: 306,
      segments: 3,
    },
    { what: 'accented letters of the basic table stay GSM-7', text: 'Café à Zürich, señor', encoding: 'GSM-7', units: 20, segments: 1 },
    { what: 'one non-GSM character switches to UCS-2', text: `${'a'.repeat(69)}ç`, encoding: 'UCS-2', units: 70, segments: 1 },
    { what: '71 UCS-2 code units', text: `${'a'.repeat(70)}ç`, encoding: 'UCS-2', units: 71, segments: 2 },
    { what: '134 UCS-2 code units (2 × 67)', text: `ç${'a'.repeat(133)}`, encoding: 'UCS-2', units: 134, segments: 2 },
    { what: '135 UCS-2 code units', text: `ç${'a'.repeat(134)}`, encoding: 'UCS-2', units: 135, segments: 3 },
    { what: 'an emoji is two code units', text: EMOJI.repeat(35), encoding: 'UCS-2', units: 70, segments: 1 },
    { what: '36 emoji', text: EMOJI.repeat(36), encoding: 'UCS-2', units: 72, segments: 2 },
    {
      what: 'a surrogate pair never straddles parts: 66 + emoji + 66 needs three',
      text: `${'ç'.repeat(66)}${EMOJI}${'a'.repeat(66)}`,
      encoding: 'UCS-2',
      units: 134,
      segments: 3,
    },
    { what: '67 emoji need three parts (33 whole pairs per part)', text: EMOJI.repeat(67), encoding: 'UCS-2', units: 134, segments: 3 },
    { what: 'Cyrillic', text: 'Привет, мир!', encoding: 'UCS-2', units: 12, segments: 1 },
  ])('$what → $encoding, $units units, $segments segment(s)', ({ text, encoding, units, segments }) => {
    expect(countSmsSegments(text)).toEqual({ encoding, units, segments });
  });

  it('uses 160/153 septets for GSM-7 and 70/67 code units for UCS-2', () => {
    expect(SMS_LIMITS).toEqual({ 'GSM-7': { single: 160, multipart: 153 }, 'UCS-2': { single: 70, multipart: 67 } });
  });
});
