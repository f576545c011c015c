/** Msghub, after its public API documentation (openapi/msghub.yaml in msgsim's words): the Provider object that plugs it into msgsim. */
import { specPath } from '../../paths.js';
import type { Provider } from '../provider.js';
import { authenticateMsghub } from './auth.js';
import { CampaignRunner } from './campaign-runner.js';
import { campaignHandlers } from './campaigns.js';
import { msghubTenantSettings } from './channels.js';
import { contactHandlers } from './contacts.js';
import { msghubValidationError, renderMsghubError } from './errors.js';
import { subscribeMsghubEvents } from './events.js';
import { MSGHUB_FIXTURE_FILES, MSGHUB_FIXTURES } from './fixtures.js';
import { defineFlowJobs, flowHandlers } from './flows.js';
import { messageHandlers, NAMESPACE } from './messages.js';
import { msghubProfile } from './profile.js';
import { msghubRecipients } from './request-recipients.js';
import { signMsghub, webhookHandlers } from './webhooks.js';
import { msghubScenario } from './scenario.js';

export const msghub: Provider = {
  name: NAMESPACE,
  title: 'Msghub',
  specFile: specPath('msghub'),
  basePath: '/api/v1',
  authenticate: authenticateMsghub,
  fixtureKeys: MSGHUB_FIXTURES.keys,
  fixtureFiles: MSGHUB_FIXTURE_FILES,
  profile: msghubProfile,
  renderError: renderMsghubError,
  // "100 requests per second per API key; 10,000 requests per day per API key"
  rateLimits: [
    { name: 'per-second', limit: 100, windowMs: 1_000 },
    { name: 'per-day', limit: 10_000, calendar: 'day' },
  ],
  idempotentOperations: ['sendMessage'],
  requestRecipients: msghubRecipients,
  validationError: msghubValidationError,
  scenario: msghubScenario,
  create(engine) {
    // Named, so deliveries signed with it resume after a restart (--data).
    engine.webhooks.registerSigner(NAMESPACE, signMsghub);
    // Before the campaign runner: a campaign's last message.* webhook goes out before its campaign.completed.
    subscribeMsghubEvents(engine);
    const runner = new CampaignRunner(engine);
    defineFlowJobs(engine);
    return {
      operations: {
        ...messageHandlers(engine),
        ...contactHandlers(engine),
        ...campaignHandlers(engine, runner),
        ...flowHandlers(engine),
        ...webhookHandlers(engine),
      },
      tenantSettings: msghubTenantSettings(engine),
    };
  },
};
