/** SendHub (../shared/provider-docs/sendhub.txt): the Provider object that plugs it into msgsim. */
import { specPath } from '../../paths.js';
import type { Provider } from '../provider.js';
import { NAMESPACE, SENDHUB_FIXTURE_FILES } from './account.js';
import { authenticateSendhub } from './auth.js';
import { contactHandlers } from './contacts.js';
import { subscribeSendhubDelivery } from './delivery.js';
import { renderSendhubError } from './errors.js';
import { receiveSendhubInbound } from './inbound.js';
import { messageHandlers } from './messages.js';
import { sendhubProfile } from './profile.js';
import { sendhubScenario } from './scenario.js';

export const sendhub: Provider = {
  name: NAMESPACE,
  title: 'SendHub',
  specFile: specPath('sendhub'),
  // The doc's URLs are https://api.sendhub.com/v1/messages/ (with the trailing slash).
  basePath: '/v1',
  authenticate: authenticateSendhub,
  fixtureFiles: SENDHUB_FIXTURE_FILES,
  profile: sendhubProfile,
  renderError: renderSendhubError,
  scenario: sendhubScenario,
  // No rate limits: the doc documents none.
  create(engine) {
    subscribeSendhubDelivery(engine);
    return {
      operations: {
        ...messageHandlers(engine),
        ...contactHandlers(engine),
      },
      receiveInbound: (tenant, input) => receiveSendhubInbound(engine, tenant, input),
    };
  },
};
