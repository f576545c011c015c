import { asString, field, type ContractProfile } from './types.js';

export const msghubProfile: ContractProfile = {
  provider: 'msghub',
  defaultCredentials: { apiKey: 'mk_live_contract0001' },
  auth: (c) => ({ headers: c.apiKey ? ({ 'X-API-Key': c.apiKey } as Record<string, string>) : {}, query: {} }),
  wrongAuth: { headers: { 'X-API-Key': 'not-a-msghub-key' }, query: {} },
  send: { path: '/messages/send', body: (to) => ({ channel: 'sms', to, body: 'msgsim contract check' }) },
  sentId: (body) => asString(field(body, 'messageId')),
  messageTemplate: '/messages/{messageId}',
  pagination: { style: 'page', path: '/messages', pageParam: 'page', limitParam: 'limit', total: (b) => numberOr(field(b, 'pagination', 'total')) },
};

function numberOr(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}
