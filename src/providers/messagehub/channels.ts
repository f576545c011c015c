/**
 * The doc's seven channel codes and the address each takes: "Recipient phone number or platform ID".
 * Phone channels take E.164; Kakao (AlimTalk through NHN Cloud, "Korea via NHN Cloud BSP") reaches
 * Korean numbers only and Zalo (ZNS) Vietnamese ones; Telegram takes a bot chat id and LINE a
 * Messaging API id. Magic recipients (+1 500 555 000X) are valid on every phone channel.
 */
import { countryOfPhone, isE164 } from '../../engine/contact-points.js';
import { isMagicRecipient } from '../../engine/magic.js';
import { HubCode, hubError } from './errors.js';

export const CHANNELS = ['whatsapp', 'telegram', 'line', 'kakao', 'viber', 'zalo', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Telegram Bot API chat_id: an integer, negative for groups and channels (-100… supergroups). */
const TELEGRAM_CHAT_ID = /^-?[1-9][0-9]{0,15}$/;
/** LINE Messaging API ids: U + 32 hex for a user, C… for a group, R… for a room. */
const LINE_ID = /^[UCR][0-9a-f]{32}$/;

/** The country a phone channel is limited to, if any. */
const COUNTRY: Partial<Record<Channel, { region: string; code: string }>> = {
  kakao: { region: 'KR', code: '+82' },
  zalo: { region: 'VN', code: '+84' },
};

/** Why `to` is not an address of `channel`, or undefined when it is. */
export function recipientProblem(channel: Channel, to: string): string | undefined {
  switch (channel) {
    case 'telegram':
      return TELEGRAM_CHAT_ID.test(to) ? undefined : 'telegram needs a numeric chat id (e.g. 123456789 or -1001234567890)';
    case 'line':
      return LINE_ID.test(to) ? undefined : 'line needs a LINE user id: U followed by 32 hex digits (C… for a group, R… for a room)';
    default: {
      if (!isE164(to)) return `${channel} needs a phone number in E.164 format (e.g. +919876543210)`;
      const country = COUNTRY[channel];
      if (country && !isMagicRecipient(to) && countryOfPhone(to) !== country.region) {
        return `${channel} reaches ${country.region} numbers only (${country.code}…)`;
      }
      return undefined;
    }
  }
}

/** Throws 400 INVALID_RECIPIENT naming `field` when `to` cannot be reached on `channel`. */
export function checkRecipient(channel: Channel, to: string, field: string): void {
  const problem = recipientProblem(channel, to);
  if (problem) throw hubError.invalid(HubCode.invalidRecipient, `Invalid recipient: ${problem}`, field, to);
}

export function isPhoneChannel(channel: Channel): boolean {
  return channel !== 'telegram' && channel !== 'line';
}
