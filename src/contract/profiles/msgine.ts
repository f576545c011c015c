import { asString, field, type ContractProfile } from './types.js';

export const msgineProfile: ContractProfile = {
  provider: 'msgine',
  defaultCredentials: { token: 'msgsim_contract_0001' },
  auth: (c) => ({ headers: c.token ? ({ Authorization: `Bearer ${c.token}` } as Record<string, string>) : {}, query: {} }),
  wrongAuth: { headers: { Authorization: 'Bearer !' }, query: {} },
  send: { path: '/messages/sms', body: (to) => ({ to, message: 'msgsim contract check' }) },
  sentId: (body) => asString(field(body, 'id')) ?? asString(field(body, 'data', 'id')),
  messageTemplate: '/messages/{id}',
  pagination: {
    style: 'page',
    path: '/messages',
    pageParam: 'page',
    limitParam: 'limit',
    total: (b) => {
      const t = field(b, 'pagination', 'total') ?? field(b, 'meta', 'total') ?? field(b, 'total');
      return typeof t === 'number' ? t : undefined;
    },
  },
  idempotency: { header: 'Idempotency-Key', replayedHeader: 'Idempotent-Replayed' },
};
