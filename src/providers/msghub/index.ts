/** Msghub (../shared/provider-docs/msghub.txt): the Provider object that plugs it into msgsim. */
import { specPath } from '../../paths.js';
import type { Provider } from '../provider.js';
import { authenticateMsghub } from './auth.js';
import { CampaignRunner } from './campaign-runner.js';
import { campaignHandlers } from './campaigns.js';
import { msghubTenantSettings } from './channels.js';
import { contactHandlers } from './contacts.js';
import { MsghubCode, renderMsghubError } from './errors.js';
import { subscribeMsghubEvents } from './events.js';
import { MSGHUB_FIXTURE_FILES } from './fixtures.js';
import { defineFlowJobs, flowHandlers } from './flows.js';
import { messageHandlers, NAMESPACE } from './messages.js';
import { msghubProfile } from './profile.js';
import { signMsghub, webhookHandlers } from './webhooks.js';
import { msghubScenario } from './scenario.js';

export const msghub: Provider = {
  name: NAMESPACE,
  title: 'Msghub',
  specFile: specPath('msghub'),
  basePath: '/api/v1',
  authenticate: authenticateMsghub,
  fixtureFiles: MSGHUB_FIXTURE_FILES,
  profile: msghubProfile,
  renderError: renderMsghubError,
  // "100 requests per second per API key; 10,000 requests per day per API key"
  rateLimits: [
    { name: 'per-second', limit: 100, windowMs: 1_000 },
    { name: 'per-day', limit: 10_000, calendar: 'day' },
  ],
  idempotentOperations: ['sendMessage'],
  validationErrorCode(field, location) {
    if (location !== 'body') return undefined;
    if (field === 'phone') return MsghubCode.invalidPhoneNumber;
    if (field === 'email') return MsghubCode.invalidEmail;
    return undefined;
  },
  scenario: msghubScenario,
  create(engine) {
    // Named, so deliveries signed with it resume after a restart (--data).
    engine.webhooks.registerSigner(NAMESPACE, signMsghub);
    const runner = new CampaignRunner(engine);
    defineFlowJobs(engine);
    subscribeMsghubEvents(engine);
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
