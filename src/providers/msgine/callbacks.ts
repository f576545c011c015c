/**
 * callbackUrl (MsGine REST API, "Webhooks": "receive real-time updates about message delivery"): each
 * recipient's status change is POSTed to the message's callbackUrl. The doc names no signature scheme,
 * so msgsim signs with Standard Webhooks headers (https://www.standardwebhooks.com) using one `whsec_…`
 * secret per token, which QA reads or sets through /_sim/providers/msgine/tenants/<token>/settings.
 */
import type { Engine } from '../../engine/engine.js';
import { SimError } from '../../engine/errors.js';
import { isoSeconds } from '../../engine/iso-seconds.js';
import type { BaseRecord } from '../../engine/store.js';
import { generateWebhookSecret, standardWebhooksSigner } from '../../engine/webhook-signing.js';
import type { TenantSettings } from '../provider.js';
import { NAMESPACE } from './auth.js';
import { sendsOf, statusOf, type RecipientMessageData } from './store.js';
import { msgineStatus } from './status.js';

export const CALLBACK_EVENT = 'message.status';

interface SettingsRecord extends BaseRecord {
  webhookSecret: string;
}

const SETTINGS_ID = 'account';
const SECRET = /^whsec_[A-Za-z0-9+/]{16,}={0,2}$/;

function settingsOf(engine: Engine, tenant: string) {
  return engine.store.collection<SettingsRecord>(NAMESPACE, tenant, 'settings');
}

/** The token's signing secret, created on first use (seeded, so a run repeats). */
export function webhookSecret(engine: Engine, tenant: string): string {
  const settings = settingsOf(engine, tenant);
  const record = settings.get(SETTINGS_ID) ?? settings.insert({ id: SETTINGS_ID, webhookSecret: generateWebhookSecret(engine.random) });
  return record.webhookSecret;
}

export function msgineTenantSettings(engine: Engine): TenantSettings {
  return {
    get: (tenant) => ({ webhookSecret: webhookSecret(engine, tenant) }),
    update(tenant, patch) {
      const value = (patch as { webhookSecret?: unknown } | null)?.webhookSecret;
      if (typeof value !== 'string' || !SECRET.test(value) || Object.keys(patch as object).length !== 1) {
        throw new SimError({
          kind: 'invalid_request',
          message: 'Send only webhookSecret, a whsec_ secret (whsec_ followed by base64)',
          field: 'webhookSecret',
          value,
        });
      }
      const settings = settingsOf(engine, tenant);
      if (settings.get(SETTINGS_ID)) settings.update(SETTINGS_ID, { webhookSecret: value });
      else settings.insert({ id: SETTINGS_ID, webhookSecret: value });
      return { webhookSecret: value };
    },
  };
}

/** Turns engine status changes of MsGine recipients into signed callbacks. */
export function subscribeMsgineCallbacks(engine: Engine): () => void {
  const events = engine.events.forNamespace(NAMESPACE);
  events.on('message.status', ({ message, from, to }) => {
    const { parentId } = message.data as unknown as RecipientMessageData;
    const send = sendsOf(engine, message.tenant).get(parentId);
    if (!send?.callbackUrl || send.callbackGone) return;
    const previousStatus = msgineStatus(from);
    const status = msgineStatus(to);
    // delivered → read is not a change a MsGine client can see.
    if (status === previousStatus) return;
    engine.webhooks.dispatch({
      namespace: NAMESPACE,
      tenant: message.tenant,
      url: send.callbackUrl,
      secret: webhookSecret(engine, message.tenant),
      eventId: engine.ids.next('evt_'),
      eventType: CALLBACK_EVENT,
      payload: {
        event: CALLBACK_EVENT,
        id: send.id,
        to: message.to,
        status,
        previousStatus,
        messageStatus: statusOf(engine, message.tenant, send),
        timestamp: isoSeconds(message.updatedAt),
        ...(status === 'failed' && message.failure ? { error: { code: message.failure.code, message: message.failure.message } } : {}),
      },
      sign: standardWebhooksSigner,
      subject: send.id,
    });
  });
  // Standard Webhooks: a receiver answering 410 Gone wants no more, so this message's callbacks stop.
  events.on('webhook.gone', ({ delivery }) => {
    if (delivery.subject !== undefined) sendsOf(engine, delivery.tenant).update(delivery.subject, { callbackGone: true });
  });
  return () => events.close();
}
