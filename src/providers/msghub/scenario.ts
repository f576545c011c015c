/** What a scenario may set up in a Msghub account: contacts, campaigns and webhook subscriptions, each made by its own endpoint. */
import { field } from '../client-profile.js';
import { headerKeyAuth, operationFixture } from '../fixture-kinds.js';
import type { ScenarioSupport } from '../provider.js';

export const msghubScenario: ScenarioSupport = {
  auth: headerKeyAuth('X-API-Key'),
  // Webhooks last: set-up makes no `contact.created` deliveries, and a started campaign's later
  // deliveries still reach them (they happen on the clock, after the set-up).
  fixtures: {
    contacts: operationFixture({
      operationId: 'createContact',
      idOf: (body) => field(body, 'contactId'),
      example: { name: 'Ada Lovelace', phone: '+14155550123', email: 'ada@example.com', tags: ['vip'] },
      fromPerson: ({ name, phone, email }) => ({ name, phone, email }),
    }),
    campaigns: operationFixture({
      operationId: 'createCampaign',
      idOf: (body) => field(body, 'campaignId'),
      example: { name: 'Spring sale', channel: 'sms', body: 'Spring sale: 20% off today', recipients: ['+14155550123'] },
    }),
    webhooks: operationFixture({
      operationId: 'createWebhook',
      idOf: (body) => field(body, 'webhookId'),
      example: { event: 'message.delivered', url: 'http://127.0.0.1:4010/_sim/receivers/msghub/hook' },
    }),
  },
};
