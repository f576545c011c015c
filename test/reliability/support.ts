/**
 * Shared pieces of the reliability suites, read from the provider registry: how tenant number `n` of a
 * provider authenticates, where its API is, and its send, from each provider's client profile.
 */
import { messagePath as templatePath } from '../../src/providers/client-profile.js';
import { PROVIDERS, providerNamed } from '../../src/providers/index.js';

export type ProviderName = string;
export const PROVIDER_NAMES: readonly ProviderName[] = PROVIDERS.map((p) => p.name);

/**
 * The value a registered provider's minimal send gives `field` (MsgFlash's instanceId, an instance every
 * account has), for fields whose random values would almost never be valid; undefined when no send has it.
 */
export function sendFieldValue(field: string): unknown {
  for (const { profile } of PROVIDERS) {
    const body = profile.send.body('+14155550123');
    if (field in body) return body[field];
  }
  return undefined;
}

/** Headers, and query credentials as a query string, for tenant number `n` of a provider. */
export function credentials(provider: ProviderName, n: number): { headers: Record<string, string>; query: string } {
  const { profile } = providerNamed(provider);
  const auth = profile.auth(profile.tenant(`rel${String(n).padStart(4, '0')}`));
  return { headers: auth.headers, query: new URLSearchParams(auth.query).toString() };
}

/** Where a provider's API is mounted: /msghub/api/v1. */
export function basePath(provider: ProviderName): string {
  return `/${provider}${providerNamed(provider).basePath}`;
}

export function sendPath(provider: ProviderName): string {
  return providerNamed(provider).profile.send.path;
}

/** A valid send of `text` to `to` in the provider's dialect. */
export function sendBody(provider: ProviderName, to: string, text: string): Record<string, unknown> {
  return providerNamed(provider).profile.send.body(to, text);
}

/** The new message's id from a send's 201 body. */
export function sentId(provider: ProviderName, body: unknown): string {
  const id = providerNamed(provider).profile.sentId(body);
  if (id === undefined) throw new Error(`${provider}: no message id in ${JSON.stringify(body)}`);
  return id;
}

/** Path of GET-by-id for a message. */
export function messagePath(provider: ProviderName, id: string): string {
  return templatePath(providerNamed(provider).profile.messageTemplate, id);
}

export function withQuery(provider: ProviderName, n: number, path: string): string {
  const q = credentials(provider, n).query;
  return q ? `${path}${path.includes('?') ? '&' : '?'}${q}` : path;
}
