/**
 * POST /campaigns (starts at once, or at `scheduledAt`), GET /campaigns/{id}, GET /campaigns/{id}/stats,
 * POST /campaigns/{id}/pause and /resume. Recipients are phone numbers and/or the members of contact
 * groups, resolved when the campaign is created.
 */
import type { Engine } from '../../engine/engine.js';
import type { HandlerRequest, HandlerResult } from '../provider.js';
import { requireMessageAllowance } from './account.js';
import { campaignStats, campaignsOf, campaignView, type CampaignRecord, type CampaignRunner } from './campaign-runner.js';
import { MsgflashCode, msgflashError } from './errors.js';
import { groupPhones } from './groups.js';
import { newId } from './ids.js';
import { requireConnectedInstance, requireInstance } from './instances.js';
import { prepareContent, type ContentInput } from './message-content.js';
import { checkPhone } from './messages.js';

export const MAX_CAMPAIGN_RECIPIENTS = 10_000;

interface CampaignInput extends ContentInput {
  name: string;
  instanceId: string;
  recipients?: string[];
  groupIds?: string[];
  scheduledAt?: string;
}

/** Phone numbers first, then group members, each once, in that order. */
function resolveRecipients(engine: Engine, tenant: string, input: CampaignInput): string[] {
  const out = new Set<string>();
  (input.recipients ?? []).forEach((to, i) => {
    checkPhone(to, `recipients[${i}]`);
    out.add(to);
  });
  (input.groupIds ?? []).forEach((groupId, i) => {
    for (const phone of groupPhones(engine, tenant, groupId, `groupIds[${i}]`)) out.add(phone);
  });
  if (out.size === 0) throw msgflashError.invalid('a campaign needs at least one recipient (recipients or groupIds with members)', 'recipients');
  if (out.size > MAX_CAMPAIGN_RECIPIENTS) throw msgflashError.invalid(`a campaign has at most ${MAX_CAMPAIGN_RECIPIENTS} recipients`, 'recipients', out.size);
  return [...out];
}

export function campaignHandlers(engine: Engine, runner: CampaignRunner) {
  const find = (tenant: string, id: string): CampaignRecord => {
    const campaign = campaignsOf(engine, tenant).get(id);
    if (!campaign) throw msgflashError.notFound('Campaign', 'id', id);
    return campaign;
  };
  const refuse = (campaign: CampaignRecord, action: string) =>
    msgflashError.conflict(MsgflashCode.invalidCampaignState, `A ${campaign.status} campaign cannot be ${action}`, 'status', campaign.status);

  return {
    createCampaign(req: HandlerRequest): HandlerResult {
      const tenant = req.tenant.id;
      const input = req.body as CampaignInput;
      const scheduledMs = input.scheduledAt !== undefined ? Date.parse(input.scheduledAt) : undefined;
      if (scheduledMs !== undefined && !(scheduledMs > engine.clock.now()))
        throw msgflashError.invalid('scheduledAt must be in the future', 'scheduledAt', input.scheduledAt);
      requireInstance(input.instanceId);
      const content = prepareContent(engine, tenant, input);
      const recipients = resolveRecipients(engine, tenant, input);
      // A campaign that starts now needs its WhatsApp session now; a scheduled one when it starts.
      if (scheduledMs === undefined) requireConnectedInstance(engine, tenant, input.instanceId);
      requireMessageAllowance(engine, req.tenant, recipients.length);
      const campaign = campaignsOf(engine, tenant).insert({
        id: newId(engine),
        name: input.name,
        instanceId: input.instanceId,
        content,
        recipients,
        status: scheduledMs === undefined ? 'running' : 'scheduled',
        ...(scheduledMs !== undefined ? { scheduledAt: new Date(scheduledMs).toISOString() } : {}),
        messageIds: [],
      });
      if (scheduledMs === undefined) runner.start(tenant, campaign);
      else runner.armStart(tenant, campaign);
      return { status: 201, body: { data: campaignView(campaign) } };
    },

    getCampaign(req: HandlerRequest): HandlerResult {
      return { status: 200, body: { data: campaignView(find(req.tenant.id, req.params.id!)) } };
    },

    getCampaignStats(req: HandlerRequest): HandlerResult {
      const campaign = find(req.tenant.id, req.params.id!);
      return { status: 200, body: { data: campaignStats(engine, req.tenant.id, campaign) } };
    },

    pauseCampaign(req: HandlerRequest): HandlerResult {
      const campaign = find(req.tenant.id, req.params.id!);
      if (campaign.status !== 'running' && campaign.status !== 'scheduled') throw refuse(campaign, 'paused');
      runner.pause(req.tenant.id, campaign, 'USER_REQUEST');
      return { status: 200, body: { data: campaignView(campaign) } };
    },

    resumeCampaign(req: HandlerRequest): HandlerResult {
      const tenant = req.tenant.id;
      const campaign = find(tenant, req.params.id!);
      if (campaign.status !== 'paused') throw refuse(campaign, 'resumed');
      // Paused before its start time: it goes back to waiting for it.
      if (!campaign.startedAt && campaign.scheduledAt && Date.parse(campaign.scheduledAt) > engine.clock.now()) {
        campaignsOf(engine, tenant).update(campaign.id, { status: 'scheduled' });
        delete campaign.pauseReason;
        runner.armStart(tenant, campaign);
      } else {
        requireConnectedInstance(engine, tenant, campaign.instanceId);
        runner.start(tenant, campaign);
      }
      return { status: 200, body: { data: campaignView(campaign) } };
    },
  };
}
