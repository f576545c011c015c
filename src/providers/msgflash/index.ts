/** MsgFlash, after its public API documentation (openapi/msgflash.yaml in msgsim's words): the Provider object that plugs it into msgsim. */
import { specPath } from '../../paths.js';
import type { Provider } from '../provider.js';
import { msgflashRateLimits, NAMESPACE } from './account.js';
import { authenticateMsgflash, authorizeMsgflash } from './auth.js';
import { billingHandlers } from './billing.js';
import { bulkJobHandlers, BulkJobRunner } from './bulk-jobs.js';
import { CampaignRunner } from './campaign-runner.js';
import { campaignHandlers } from './campaigns.js';
import { contactHandlers } from './contacts.js';
import { MsgflashCode, MsgflashMessage, renderMsgflashError } from './errors.js';
import { subscribeMsgflashEvents } from './events.js';
import { MSGFLASH_FIXTURE_FILES, MSGFLASH_FIXTURES } from './fixtures.js';
import { groupHandlers } from './groups.js';
import { instanceHandlers, msgflashTenantSettings } from './instances.js';
import { messageHandlers } from './messages.js';
import { msgflashProfile } from './profile.js';
import { msgflashRecipients } from './request-recipients.js';
import { ScheduledSends } from './scheduler.js';
import { statusHandlers } from './statuses.js';
import { templateHandlers } from './templates.js';
import { webhookHandlers } from './webhooks.js';
import { msgflashScenario } from './scenario.js';

export const msgflash: Provider = {
  name: NAMESPACE,
  title: 'MsgFlash',
  specFile: specPath('msgflash'),
  basePath: '/api/v1',
  authenticate: authenticateMsgflash,
  authorize: authorizeMsgflash,
  fixtureKeys: MSGFLASH_FIXTURES.keys,
  fixtureFiles: MSGFLASH_FIXTURE_FILES,
  profile: msgflashProfile,
  renderError: renderMsgflashError,
  // "10 req/s per API key" (API_RATE_LIMIT_EXCEEDED), and the plan's monthlyApiRequestQuota.
  rateLimits: msgflashRateLimits,
  requestRecipients: msgflashRecipients,
  // A cursor the spec refuses (over-long) is as invalid as a tampered one (listing.ts): same code and words.
  validationError: (problem) =>
    problem.location === 'query' && problem.field === 'cursor' ? { code: MsgflashCode.invalidCursor, message: MsgflashMessage.invalidCursor } : undefined,
  scenario: msgflashScenario,
  create(engine) {
    // Before the campaign runner: a campaign's last message.* webhook goes out before its campaign.completed.
    subscribeMsgflashEvents(engine);
    const campaigns = new CampaignRunner(engine);
    const bulkJobs = new BulkJobRunner(engine);
    const scheduled = new ScheduledSends(engine);
    return {
      operations: {
        ...messageHandlers(engine, scheduled),
        ...campaignHandlers(engine, campaigns),
        ...templateHandlers(engine),
        ...contactHandlers(engine),
        ...bulkJobHandlers(engine, bulkJobs),
        ...groupHandlers(engine),
        ...webhookHandlers(engine),
        ...statusHandlers(engine),
        ...instanceHandlers(engine),
        ...billingHandlers(engine),
      },
      tenantSettings: msgflashTenantSettings(engine),
    };
  },
};
