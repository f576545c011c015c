/**
 * What a scenario may set up in a MsgFlash workspace: contacts, groups (with members), templates,
 * campaigns and webhook subscriptions, each made by its own endpoints. A team key names the team's
 * workspace, with the `X-Team-Id` its registration gives.
 */
import type { Engine } from '../../engine/engine.js';
import { field } from '../client-profile.js';
import { operationFixture } from '../fixture-kinds.js';
import type { ScenarioSupport } from '../provider.js';
import { NAMESPACE } from './account.js';
import { MSGFLASH_DEFAULT_INSTANCE } from './profile.js';

const idOf = (body: unknown) => field(body, 'data', 'id');

function auth(credential: string, engine: Engine) {
  const teamId = engine.keys.get(NAMESPACE, credential)?.properties.teamId;
  return { headers: { 'x-api-key': credential, ...(typeof teamId === 'string' ? { 'X-Team-Id': teamId } : {}) }, query: {} };
}

export const msgflashScenario: ScenarioSupport = {
  auth,
  fixtures: {
    contacts: operationFixture({
      operationId: 'createContact',
      idOf,
      example: { phone: '+14155550123', name: 'Ada Lovelace', email: 'ada@example.com', tags: ['vip'] },
      fromPerson: ({ name, phone, email }) => ({ phone, name, email }),
    }),
    groups: {
      example: { name: 'VIP customers', description: 'Early access', members: [] },
      // A group and its members are two calls in MsgFlash's API (create, then add members).
      async create(item, context) {
        const { members, ...group } = item;
        const id = String(idOf(await context.call('createGroup', group)));
        if (Array.isArray(members) && members.length > 0) {
          await context.call('addGroupMembers', { contactIds: members }, { params: { groupId: id }, field: (f) => f.replace(/^contactIds/, 'members') });
        }
        return id;
      },
    },
    templates: operationFixture({
      operationId: 'createTemplate',
      idOf,
      example: { name: 'welcome', content: 'Hi {{name}}, welcome aboard!', category: 'onboarding' },
    }),
    campaigns: operationFixture({
      operationId: 'createCampaign',
      idOf,
      example: { name: 'Spring sale', instanceId: MSGFLASH_DEFAULT_INSTANCE, text: 'Spring sale: 20% off today', recipients: ['+14155550123'] },
    }),
    webhooks: operationFixture({
      operationId: 'createWebhook',
      idOf,
      example: { url: 'http://127.0.0.1:4010/_sim/receivers/msgflash/hook', events: ['message.delivered'] },
    }),
  },
};
