/**
 * Msghub channels, what kind of address each takes, and which ones a tenant has connected
 * ("Channel is not connected in Settings"). A new account has sms, whatsapp and email connected;
 * QA connects more through /_sim/providers/msghub/tenants/<key>/settings.
 */
import type { Engine } from '../../engine/engine.js';
import { isE164, isEmail } from '../../engine/contact-points.js';
import type { BaseRecord } from '../../engine/store.js';
import type { TenantSettings } from '../provider.js';
import { MsghubCode, MsghubMessage, msghubError } from './errors.js';
import { SimError } from '../../engine/errors.js';

export const CHANNELS = ['sms', 'whatsapp', 'email', 'rcs', 'viber', 'telegram', 'messenger'] as const;
export type Channel = (typeof CHANNELS)[number];
export const DEFAULT_CONNECTED: readonly Channel[] = ['sms', 'whatsapp', 'email'];

type AddressKind = 'phone' | 'email' | 'platform';
const ADDRESS: Record<Channel, AddressKind> = {
  sms: 'phone',
  whatsapp: 'phone',
  rcs: 'phone',
  viber: 'phone',
  email: 'email',
  telegram: 'platform',
  messenger: 'platform',
};

const PLATFORM_ID = /^[A-Za-z0-9_.:@-]{1,128}$/;

export function addressKind(channel: Channel): AddressKind {
  return ADDRESS[channel];
}

/** Throws Msghub's own error for an address the channel cannot take. */
export function checkRecipient(channel: Channel, to: string, field: string): void {
  switch (ADDRESS[channel]) {
    case 'phone':
      if (!isE164(to)) throw msghubError.invalidPhone(field, to);
      return;
    case 'email':
      if (!isEmail(to)) throw msghubError.invalidEmail(field, to);
      return;
    case 'platform':
      if (!PLATFORM_ID.test(to)) throw msghubError.invalid(`${field} must be a ${channel} user id`, field, to);
  }
}

interface SettingsRecord extends BaseRecord {
  connectedChannels: Channel[];
}

const SETTINGS = 'settings';
const SETTINGS_ID = 'account';

export function connectedChannels(engine: Engine, tenant: string): Channel[] {
  const record = engine.store.collection<SettingsRecord>('msghub', tenant, SETTINGS).get(SETTINGS_ID);
  return record ? record.connectedChannels : [...DEFAULT_CONNECTED];
}

export function requireConnected(engine: Engine, tenant: string, channel: Channel): void {
  if (!connectedChannels(engine, tenant).includes(channel)) {
    throw new SimError({
      kind: 'invalid_request',
      code: MsghubCode.channelNotConnected,
      message: MsghubMessage.channelNotConnected,
      field: 'channel',
      value: channel,
    });
  }
}

export function msghubTenantSettings(engine: Engine): TenantSettings {
  return {
    get: (tenant) => ({ connectedChannels: connectedChannels(engine, tenant) }),
    update(tenant, patch) {
      const value = (patch as { connectedChannels?: unknown } | null)?.connectedChannels;
      if (!Array.isArray(value) || !value.every((c) => (CHANNELS as readonly unknown[]).includes(c))) {
        throw new SimError({
          kind: 'invalid_request',
          message: `connectedChannels must be a list of ${CHANNELS.join(', ')}`,
          field: 'connectedChannels',
          value,
        });
      }
      const collection = engine.store.collection<SettingsRecord>('msghub', tenant, SETTINGS);
      const channels = [...new Set(value as Channel[])];
      if (collection.get(SETTINGS_ID)) collection.update(SETTINGS_ID, { connectedChannels: channels });
      else collection.insert({ id: SETTINGS_ID, connectedChannels: channels });
      return { connectedChannels: channels };
    },
  };
}
