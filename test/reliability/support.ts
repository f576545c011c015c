/**
 * Shared pieces of the reliability suites: one credential set per provider (how each provider's
 * clients authenticate, see test/providers/<p>/helpers.ts) and a valid send body per provider.
 */
export type ProviderName = 'msghub' | 'msgine' | 'messagehub' | 'msgflash' | 'sendhub';
export const PROVIDER_NAMES: readonly ProviderName[] = ['msghub', 'msgine', 'messagehub', 'msgflash', 'sendhub'];

export const MSGFLASH_INSTANCE = '5f0c8a1e-2b7d-4c3a-9e61-0d4b8f2a7c11';

/** Headers (and for SendHub, query credentials) for tenant number `n` of a provider. */
export function credentials(provider: ProviderName, n: number): { headers: Record<string, string>; query: string } {
  const id = `rel${String(n).padStart(4, '0')}`;
  switch (provider) {
    case 'msghub':
      return { headers: { 'X-API-Key': `mk_live_${id}` }, query: '' };
    case 'msgine':
      return { headers: { Authorization: `Bearer token_${id}` }, query: '' };
    case 'messagehub':
      return { headers: { Authorization: `Bearer cpk_live_${id}` }, query: '' };
    case 'msgflash':
      return { headers: { 'x-api-key': `msgf_live_${id}` }, query: '' };
    case 'sendhub':
      return { headers: {}, query: `username=USER${id}&api_key=KEY${id}` };
  }
}

export const BASE: Record<ProviderName, string> = {
  msghub: '/msghub/api/v1',
  msgine: '/msgine/api/v1',
  messagehub: '/messagehub/api/v1',
  msgflash: '/msgflash/api/v1',
  sendhub: '/sendhub/v1',
};

export const SEND_PATH: Record<ProviderName, string> = {
  msghub: '/messages/send',
  msgine: '/messages/sms',
  messagehub: '/messages/send',
  msgflash: '/messages/send',
  sendhub: '/messages/',
};

/** A valid send of `text` to `to` in each provider's dialect. */
export function sendBody(provider: ProviderName, to: string, text: string): Record<string, unknown> {
  switch (provider) {
    case 'msghub':
      return { channel: 'sms', to, body: text };
    case 'msgine':
      return { to, message: text };
    case 'messagehub':
      return { to, channel: 'sms', content: text };
    case 'msgflash':
      return { instanceId: MSGFLASH_INSTANCE, to, text };
    case 'sendhub':
      return { contacts: [to], text };
  }
}

/** The new message's id from a send's 201 body. */
export function sentId(provider: ProviderName, body: any): string {
  switch (provider) {
    case 'msghub':
      return String(body.messageId);
    case 'msgine':
      return String(body.id);
    case 'messagehub':
      return String(body.data.messageId);
    case 'msgflash':
      return String(body.data.id);
    case 'sendhub':
      return String(body.id);
  }
}

/** Path of GET-by-id for a message. */
export function messagePath(provider: ProviderName, id: string): string {
  return provider === 'sendhub' ? `/messages/${id}/` : `/messages/${id}`;
}

export function withQuery(provider: ProviderName, n: number, path: string): string {
  const q = credentials(provider, n).query;
  return q ? `${path}${path.includes('?') ? '&' : '?'}${q}` : path;
}
