import { asString, field, type ContractProfile } from './types.js';

export const sendhubProfile: ContractProfile = {
  provider: 'sendhub',
  defaultCredentials: { username: 'contract', apiKey: 'CONTRACTKEY' },
  auth: (c) => ({ headers: {}, query: { ...(c.username ? { username: c.username } : {}), ...(c.apiKey ? { api_key: c.apiKey } : {}) } }),
  wrongAuth: { headers: {}, query: { username: 'contract' } },
  send: { path: '/messages/', body: (to) => ({ contacts: [to], text: 'msgsim contract check' }) },
  sentId: (body) => asString(field(body, 'id')),
  messageTemplate: '/messages/{id}/',
  pagination: {
    style: 'offset',
    path: '/messages/',
    offsetParam: 'offset',
    limitParam: 'limit',
    total: (b) => {
      const t = field(b, 'meta', 'total_count');
      return typeof t === 'number' ? t : undefined;
    },
  },
};
