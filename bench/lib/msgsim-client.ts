/** Talking to a running msgsim over HTTP: which providers it mounts, its config, seeding a tenant, and each provider's send from its client profile. */
import type { Provider } from '../../src/providers/provider.js';

export interface MountedProviderInfo {
  name: string;
  title: string;
  baseUrl: string;
}

export async function mountedProviders(base: string): Promise<MountedProviderInfo[]> {
  const response = await fetch(`${base}/_sim/health`);
  if (!response.ok) throw new Error(`GET /_sim/health answered ${response.status}`);
  const body = (await response.json()) as { providers?: MountedProviderInfo[] };
  return body.providers ?? [];
}

export async function setRateLimits(base: string, on: boolean): Promise<void> {
  const response = await fetch(`${base}/_sim/config`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ rateLimits: on }),
  });
  if (!response.ok) throw new Error(`PATCH /_sim/config answered ${response.status}: ${await response.text()}`);
}

export const MSGHUB_SEND_BODY = JSON.stringify({ channel: 'sms', to: '+919876543210', body: 'Hello!' });

/**
 * Sends `count` Msghub messages for one key, `concurrency` at a time, and returns their ids (oldest
 * first). Rate limits must be off: one key may send only 100 per second and 10,000 per day.
 */
export async function seedMsghub(base: string, key: string, count: number, concurrency = 32): Promise<string[]> {
  const ids = new Array<string>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const response = await fetch(`${base}/msghub/api/v1/messages/send`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-API-Key': key },
        body: MSGHUB_SEND_BODY,
      });
      const body = (await response.json()) as { messageId?: string };
      if (response.status !== 201 || !body.messageId) throw new Error(`seeding: send answered ${response.status} ${JSON.stringify(body)}`);
      ids[i] = body.messageId;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return ids;
}

/** A provider's send for one tenant, as its client profile makes it: the path below the server (query credentials included), headers, body. */
export interface ProfileSend {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export function profileSend(provider: Provider, tenantId: string, to = '+919876543210', text = 'Hello!'): ProfileSend {
  const { profile } = provider;
  const auth = profile.auth(profile.tenant(tenantId));
  const query = new URLSearchParams(auth.query).toString();
  return {
    path: `/${provider.name}${provider.basePath}${profile.send.path}${query ? `?${query}` : ''}`,
    headers: { 'content-type': 'application/json', ...lowerCase(auth.headers) },
    body: JSON.stringify(profile.send.body(to, text)),
  };
}

function lowerCase(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
