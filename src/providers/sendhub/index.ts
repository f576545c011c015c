/** SendHub, after its public API documentation (openapi/sendhub.yaml in msgsim's words): the Provider object that plugs it into msgsim. */
import { specPath } from '../../paths.js';
import { defaultMount, type Provider } from '../provider.js';
import { NAMESPACE, SENDHUB_FIXTURE_FILES, SENDHUB_FIXTURES } from './account.js';
import { authenticateSendhub, authorizeSendhub } from './auth.js';
import { contactHandlers } from './contacts.js';
import { subscribeSendhubDelivery } from './delivery.js';
import { redirectBody, renderSendhubError } from './errors.js';
import { receiveSendhubInbound } from './inbound.js';
import { LINK_BASE_PATH, linksUnder } from './links.js';
import { messageHandlers } from './messages.js';
import { sendhubProfile } from './profile.js';
import { sendhubValidationError } from './wording.js';
import { sendhubRecipients } from './request-recipients.js';
import { sendhubScenario } from './scenario.js';

export const sendhub: Provider = {
  name: NAMESPACE,
  title: 'SendHub',
  specFile: specPath('sendhub'),
  // The doc's URLs are https://api.sendhub.com/v1/messages/ (with the trailing slash), its links
  // /api/v1/messages/25/: both are served, and links are written in the second form (links.ts).
  basePath: '/v1',
  aliasBasePaths: [LINK_BASE_PATH],
  authenticate: authenticateSendhub,
  authorize: authorizeSendhub,
  fixtureKeys: SENDHUB_FIXTURES.keys,
  fixtureFiles: SENDHUB_FIXTURE_FILES,
  profile: sendhubProfile,
  renderError: renderSendhubError,
  requestRecipients: sendhubRecipients,
  validationError: sendhubValidationError,
  redirectBody,
  scenario: sendhubScenario,
  // No rate limits: the doc documents none.
  create(engine, mount = defaultMount({ name: NAMESPACE })) {
    subscribeSendhubDelivery(engine);
    const links = linksUnder(mount.prefix);
    return {
      operations: {
        ...messageHandlers(engine, links),
        ...contactHandlers(engine, links),
      },
      receiveInbound: (tenant, input) => receiveSendhubInbound(engine, links, tenant, input),
    };
  },
};
