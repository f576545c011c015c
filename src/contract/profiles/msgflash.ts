import { asString, field, type ContractProfile } from './types.js';

/** The instance every MsgFlash account of the simulator has (fixtures); pass another with --instance. */
export const MSGFLASH_DEFAULT_INSTANCE = '5f0c8a1e-2b7d-4c3a-9e61-0d4b8f2a7c11';

export const msgflashProfile: ContractProfile = {
  provider: 'msgflash',
  defaultCredentials: { apiKey: 'msgf_live_contract0001' },
  auth: (c) => ({ headers: c.apiKey ? ({ 'x-api-key': c.apiKey } as Record<string, string>) : {}, query: {} }),
  wrongAuth: { headers: { 'x-api-key': 'not_a_msgflash_key' }, query: {} },
  send: { path: '/messages/send', body: (to) => ({ instanceId: MSGFLASH_DEFAULT_INSTANCE, to, text: 'msgsim contract check' }) },
  sentId: (body) => asString(field(body, 'data', 'id')),
  messageTemplate: '/messages/{id}',
  pagination: {
    style: 'cursor',
    path: '/messages',
    cursorParam: 'cursor',
    limitParam: 'limit',
    next: (b) => {
      const c = field(b, 'data', 'nextCursor');
      return typeof c === 'string' ? c : null;
    },
  },
};
