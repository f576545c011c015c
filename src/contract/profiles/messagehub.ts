import { asString, field, type ContractProfile } from './types.js';

export const messagehubProfile: ContractProfile = {
  provider: 'messagehub',
  defaultCredentials: { apiKey: 'cpk_test_contract0001' },
  auth: (c) => ({ headers: c.apiKey ? ({ Authorization: `Bearer ${c.apiKey}` } as Record<string, string>) : {}, query: {} }),
  wrongAuth: { headers: { Authorization: 'Bearer not_a_cpk_key' }, query: {} },
  send: { path: '/messages/send', body: (to) => ({ to, channel: 'sms', content: 'msgsim contract check' }) },
  sentId: (body) => asString(field(body, 'data', 'messageId')),
  messageTemplate: '/messages/{messageId}',
};
