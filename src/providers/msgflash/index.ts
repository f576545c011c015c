/** MsgFlash (../shared/provider-docs/msgflash.txt): the Provider object that plugs it into msgsim. */
import { specPath } from '../../paths.js';
import type { Provider } from '../provider.js';
import { msgflashRateLimits, NAMESPACE } from './account.js';
import { authenticateMsgflash, authorizeMsgflash } from './auth.js';
import { billingHandlers } from './billing.js';
import { bulkJobHandlers, BulkJobRunner } from './bulk-jobs.js';
import { CampaignRunner } from './campaign-runner.js';
import { campaignHandlers } from './campaigns.js';
import { contactHandlers } from './contacts.js';
import { MsgflashCode, renderMsgflashError } from './errors.js';
import { subscribeMsgflashEvents } from './events.js';
import { MSGFLASH_FIXTURE_FILES, MSGFLASH_FIXTURES } from './fixtures.js';
import { groupHandlers } from './groups.js';
import { instanceHandlers, msgflashTenantSettings } from './instances.js';
import { messageHandlers } from './messages.js';
import { msgflashProfile } from './profile.js';
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
  validationErrorCode(field, location) {
    if (location === 'query' && field === 'cursor') return MsgflashCode.invalidCursor;
    return undefined;
  },
  scenario: msgflashScenario,
  create(engine) {
    const campaigns = new CampaignRunner(engine);
    const bulkJobs = new BulkJobRunner(engine);
    const scheduled = new ScheduledSends(engine);
    subscribeMsgflashEvents(engine);
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
