/**
 * Campaigns (POST /campaigns, GET /campaigns, GET and PATCH /campaigns/{campaignId}): a bulk send that
 * can be scheduled, paused, resumed and cancelled, and reports live per-recipient lifecycle counts.
 * The run itself is campaign-runner.ts.
 */
import type { Engine } from '../../engine/engine.js';
import { isoSeconds } from '../../engine/iso-seconds.js';
import type { HandlerRequest, HandlerResult } from '../provider.js';
import { campaignStats, campaignsOf, type CampaignRecord, type CampaignRunner, type CampaignStatus } from './campaign-runner.js';
import { addressKind, type Channel } from './channels.js';
import { findContact } from './contacts.js';
import { MsghubCode, msghubError } from './errors.js';
import { pageOf, queryString } from './listing.js';
import { prepareSend, type SendInput } from './messages.js';

interface CampaignInput {
  name?: string;
  channel?: Channel;
  body?: string;
  templateId?: string;
  templateParams?: Record<string, string>;
  recipients?: string[];
  contactIds?: string[];
  scheduledAt?: string;
  start?: boolean;
  status?: 'running' | 'paused' | 'cancelled';
}

const EDITABLE: readonly CampaignStatus[] = ['draft', 'scheduled'];
const CAN_RUN: readonly CampaignStatus[] = ['draft', 'scheduled', 'paused'];

function campaignView(engine: Engine, tenant: string, campaign: CampaignRecord) {
  return {
    campaignId: campaign.id,
    name: campaign.name,
    channel: campaign.channel,
    body: campaign.body,
    templateId: campaign.templateId,
    templateParams: campaign.templateParams,
    recipients: campaign.recipients,
    status: campaign.status,
    ...(campaign.scheduledAt ? { scheduledAt: isoSeconds(campaign.scheduledAt) } : {}),
    ...(campaign.startedAt ? { startedAt: isoSeconds(campaign.startedAt) } : {}),
    ...(campaign.dispatchedAt ? { dispatchedAt: isoSeconds(campaign.dispatchedAt) } : {}),
    ...(campaign.completedAt ? { completedAt: isoSeconds(campaign.completedAt) } : {}),
    stats: campaignStats(engine, tenant, campaign),
    createdAt: isoSeconds(campaign.createdAt),
    updatedAt: isoSeconds(campaign.updatedAt),
  };
}

/** Resolves recipients and contactIds to addresses, each checked for the channel. */
function resolveRecipients(engine: Engine, tenant: string, channel: Channel, input: CampaignInput): string[] {
  const out: string[] = [];
  (input.recipients ?? []).forEach((to, i) => {
    prepareSend(engine, tenant, { channel, to, body: 'check' }, `recipients[${i}]`);
    out.push(to);
  });
  (input.contactIds ?? []).forEach((contactId, i) => {
    const contact = findContact(engine, tenant, contactId, `contactIds[${i}]`);
    const address = addressKind(channel) === 'email' ? contact.email : contact.phone;
    if (!address) throw msghubError.invalid(`contact ${contactId} has no ${addressKind(channel)} for ${channel}`, `contactIds[${i}]`, contactId);
    out.push(address);
  });
  return out;
}

function checkContent(engine: Engine, tenant: string, channel: Channel, input: CampaignInput): void {
  const probe: SendInput = {
    channel,
    to: '',
    body: input.body,
    templateId: input.templateId,
    templateParams: input.templateParams,
  };
  // Recipient checks are done per address; here only the text and template are checked.
  prepareSend(engine, tenant, {
    ...probe,
    to: channel === 'email' ? 'probe@msgsim.test' : channel === 'telegram' || channel === 'messenger' ? 'probe' : '+15005550000',
  });
}

export function campaignHandlers(engine: Engine, runner: CampaignRunner) {
  const find = (tenant: string, id: string): CampaignRecord => {
    const campaign = campaignsOf(engine, tenant).get(id);
    if (!campaign) throw msghubError.notFound(MsghubCode.campaignNotFound, 'Campaign does not exist', 'campaignId', id);
    return campaign;
  };

  return {
    createCampaign(req: HandlerRequest): HandlerResult {
      const tenant = req.tenant.id;
      const input = req.body as CampaignInput & { name: string; channel: Channel };
      if (!input.recipients && !input.contactIds) throw msghubError.invalid('give recipients or contactIds', 'recipients');
      if (input.start && input.scheduledAt) throw msghubError.invalid('give either start or scheduledAt, not both', 'scheduledAt', input.scheduledAt);
      if (input.scheduledAt && Date.parse(input.scheduledAt) <= engine.clock.now())
        throw msghubError.invalid('scheduledAt must be in the future', 'scheduledAt', input.scheduledAt);
      checkContent(engine, tenant, input.channel, input);
      const recipients = resolveRecipients(engine, tenant, input.channel, input);
      if (recipients.length > 10_000) throw msghubError.invalid('a campaign has at most 10000 recipients', 'recipients');
      const campaign = campaignsOf(engine, tenant).insert({
        id: engine.ids.next('cmp_'),
        name: input.name,
        channel: input.channel,
        body: input.body,
        templateId: input.templateId,
        templateParams: input.templateParams,
        recipients,
        status: input.scheduledAt ? 'scheduled' : 'draft',
        ...(input.scheduledAt ? { scheduledAt: new Date(input.scheduledAt).toISOString() } : {}),
        messageIds: [],
      });
      if (input.start) runner.start(tenant, campaign);
      else if (campaign.scheduledAt) runner.armStart(tenant, campaign);
      return { status: 201, body: campaignView(engine, tenant, campaign) };
    },

    getCampaign(req: HandlerRequest): HandlerResult {
      return { status: 200, body: campaignView(engine, req.tenant.id, find(req.tenant.id, req.params.campaignId!)) };
    },

    listCampaigns(req: HandlerRequest): HandlerResult {
      const status = queryString(req.query, 'status');
      const filter = status ? (c: CampaignRecord) => c.status === status : undefined;
      return { status: 200, body: pageOf(campaignsOf(engine, req.tenant.id), filter, req.query, (c) => campaignView(engine, req.tenant.id, c)) };
    },

    updateCampaign(req: HandlerRequest): HandlerResult {
      const tenant = req.tenant.id;
      const campaign = find(tenant, req.params.campaignId!);
      const { status, ...content } = req.body as CampaignInput;
      const collection = campaignsOf(engine, tenant);
      if (Object.keys(content).length > 0) {
        if (!EDITABLE.includes(campaign.status)) {
          throw msghubError.conflict(MsghubCode.campaignNotEditable, `A ${campaign.status} campaign cannot be edited`, 'status', campaign.status);
        }
        if (content.scheduledAt && Date.parse(content.scheduledAt) <= engine.clock.now())
          throw msghubError.invalid('scheduledAt must be in the future', 'scheduledAt', content.scheduledAt);
        const { status: _current, ...current } = campaign;
        checkContent(engine, tenant, campaign.channel, { ...current, ...content });
        const recipients = content.recipients ? resolveRecipients(engine, tenant, campaign.channel, { recipients: content.recipients }) : campaign.recipients;
        collection.update(campaign.id, {
          ...content,
          recipients,
          ...(content.scheduledAt ? { scheduledAt: new Date(content.scheduledAt).toISOString(), status: 'scheduled' as const } : {}),
        });
        if (content.scheduledAt) runner.armStart(tenant, campaign);
      }
      if (status) transition(tenant, campaign, status);
      return { status: 200, body: campaignView(engine, tenant, campaign) };
    },
  };

  function transition(tenant: string, campaign: CampaignRecord, to: 'running' | 'paused' | 'cancelled'): void {
    const from = campaign.status;
    const refuse = () => msghubError.conflict(MsghubCode.invalidStatusTransition, `A ${from} campaign cannot become ${to}`, 'status', to);
    if (to === 'running') {
      if (!CAN_RUN.includes(from)) throw refuse();
      runner.start(tenant, campaign);
    } else if (to === 'paused') {
      if (from !== 'running') throw refuse();
      runner.stop(tenant, campaign.id);
      campaignsOf(engine, tenant).update(campaign.id, { status: 'paused' });
    } else {
      if (from === 'completed' || from === 'cancelled') throw refuse();
      runner.stop(tenant, campaign.id);
      campaignsOf(engine, tenant).update(campaign.id, { status: 'cancelled' });
    }
  }
}
