/**
 * `x-api-key: msgf_live_…` (personal) or `msgf_team_…` + `X-Team-Id` (team workspace), per the doc's
 * "Team workspace" rules. Any well-formed personal key is an account of its own on the default plan;
 * team keys must be registered (fixtures/msgflash.json or /_sim/keys) with `{teamId, ownerKey}` and then
 * work on the team's shared data (tenant `team:<teamId>`) under the owner's plan and quota. A key
 * registered as always invalid, or revoked (POST /_sim/keys/msgflash/<key>/revoke), answers 401
 * UNAUTHORIZED, the doc's only auth code; a team key stops with its owner's key.
 */
import type { Engine } from '../../engine/engine.js';
import { SimError } from '../../engine/errors.js';
import { keyRefusal } from '../../engine/keys.js';
import type { IncomingRequest, Tenant } from '../provider.js';
import { accountOf, NAMESPACE, planProblem, teamTenantId, tenantInfo, type MsgflashTenant } from './account.js';
import { MsgflashCode, MsgflashMessage, msgflashError } from './errors.js';
import type { Feature } from './fixtures.js';

export const PERSONAL_KEY = /^msgf_live_[A-Za-z0-9_]{4,128}$/;
export const TEAM_KEY = /^msgf_team_[A-Za-z0-9_]{4,128}$/;

/** "Account, compact usage, and most billing reads require a personal key": all but the plan catalog. */
export const PERSONAL_ONLY_OPERATIONS: readonly string[] = ['getUsage', 'getSubscription', 'getBillingUsage', 'listPayments'];

/** Operations that create something a plan may not include; reads stay open after a downgrade. */
const FEATURE_OF: Readonly<Record<string, Feature>> = {
  scheduleMessage: 'scheduledMessages',
  createCampaign: 'campaigns',
  publishStatus: 'statuses',
  bulkDeleteContacts: 'bulkContactJobs',
};

const FEATURE_NAMES: Record<Feature, string> = {
  scheduledMessages: 'scheduled messages',
  campaigns: 'campaigns',
  statuses: 'WhatsApp statuses',
  bulkContactJobs: 'bulk contact jobs',
  teamWorkspaces: 'team workspaces',
};

export function authenticateMsgflash(request: IncomingRequest, engine: Engine): Tenant {
  const key = request.headers['x-api-key'];
  if (typeof key !== 'string' || key === '') throw unauthorized('Missing API key: send it in the x-api-key header');
  const teamHeader = request.headers['x-team-id'];
  const teamId = typeof teamHeader === 'string' && teamHeader !== '' ? teamHeader : undefined;
  const registered = engine.keys.get(NAMESPACE, key);
  const refusal = keyRefusal(registered);
  if (refusal) throw unauthorized(refusal === 'revoked' ? MsgflashMessage.revoked : MsgflashMessage.unauthorized);

  if (PERSONAL_KEY.test(key)) {
    const problem = planProblem(registered?.properties);
    if (problem) throw unauthorized(problem);
    if (teamId !== undefined) {
      throw msgflashError.forbidden(
        MsgflashCode.teamKeyRequired,
        'X-Team-Id needs a team API key (msgf_team_…); personal keys must not send it',
        'X-Team-Id',
        teamId,
      );
    }
    return tenant(key, { kind: 'personal', apiKey: key, ownerKey: key });
  }

  if (TEAM_KEY.test(key)) {
    if (!registered) throw unauthorized('Unknown team API key');
    const { teamId: keyTeam, ownerKey } = registered.properties;
    if (typeof keyTeam !== 'string' || keyTeam === '' || typeof ownerKey !== 'string' || !PERSONAL_KEY.test(ownerKey)) {
      throw unauthorized('This team key is not registered with a teamId and the ownerKey of a personal key');
    }
    const owner = engine.keys.get(NAMESPACE, ownerKey);
    // A team's keys work under its owner's account: they stop when the owner's key is revoked.
    const ownerRefusal = keyRefusal(owner);
    if (ownerRefusal) throw unauthorized(`The team owner's key is ${ownerRefusal === 'revoked' ? 'revoked' : 'not valid'}`);
    const ownerProblem = planProblem(owner?.properties);
    if (ownerProblem) throw unauthorized(`The team owner's key: ${ownerProblem}`);
    if (teamId === undefined) {
      throw new SimError({
        kind: 'invalid_request',
        code: MsgflashCode.teamIdRequired,
        message: 'Team API keys require the X-Team-Id header',
        field: 'X-Team-Id',
      });
    }
    if (teamId !== keyTeam) {
      throw msgflashError.forbidden(MsgflashCode.teamIdMismatch, "X-Team-Id does not match this API key's team", 'X-Team-Id', teamId);
    }
    return tenant(teamTenantId(keyTeam), { kind: 'team', apiKey: key, ownerKey, teamId: keyTeam });
  }

  throw unauthorized(MsgflashMessage.unauthorized);
}

export function authorizeMsgflash(tenant: Tenant, operationId: string, _request: IncomingRequest, engine: Engine): void {
  const info = tenantInfo(tenant);
  if (info.kind === 'team' && PERSONAL_ONLY_OPERATIONS.includes(operationId)) {
    throw msgflashError.forbidden(MsgflashCode.teamKeyNotAllowed, 'This endpoint requires a personal API key (msgf_live_…)', 'x-api-key');
  }
  const { plan } = accountOf(engine, info.ownerKey);
  if (info.kind === 'team' && !plan.features.teamWorkspaces) throw featureMissing(plan.name, 'teamWorkspaces');
  const feature = FEATURE_OF[operationId];
  if (feature && !plan.features[feature]) throw featureMissing(plan.name, feature);
}

function featureMissing(planName: string, feature: Feature): SimError {
  return msgflashError.forbidden(MsgflashCode.featureNotAvailable, `The ${planName} plan does not include ${FEATURE_NAMES[feature]}`);
}

function tenant(id: string, info: MsgflashTenant): Tenant {
  return { id, properties: { ...info } };
}

function unauthorized(message: string): SimError {
  // The key itself is never echoed: it is a credential.
  return new SimError({ kind: 'unauthorized', code: MsgflashCode.unauthorized, message, field: 'x-api-key' });
}
