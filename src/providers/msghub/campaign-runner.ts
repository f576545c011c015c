/**
 * Drives Msghub campaigns on the clock: a running campaign sends to 10 recipients at once and 10 more
 * every simulated second, one message per recipient through the engine's lifecycle, and emits
 * `campaign.completed` once every recipient's message has been dispatched. A scheduled campaign starts
 * at `scheduledAt`; pausing stops the batches, resuming continues from the first recipient not yet sent to.
 */
import type { Engine } from '../../engine/engine.js';
import type { BaseRecord } from '../../engine/store.js';
import { CampaignSteps } from '../campaign-steps.js';
import type { Channel } from './channels.js';
import { createMessage, messagesOf, NAMESPACE, prepareSend, type SendInput } from './messages.js';
import { publish } from './webhooks.js';

export type CampaignStatus = 'draft' | 'scheduled' | 'running' | 'paused' | 'completed' | 'cancelled';

export interface CampaignRecord extends BaseRecord {
  name: string;
  channel: Channel;
  body?: string;
  templateId?: string;
  templateParams?: Record<string, string>;
  recipients: string[];
  status: CampaignStatus;
  scheduledAt?: string;
  startedAt?: string;
  completedAt?: string;
  /** Ids of the messages sent so far, in recipient order; its length is how far the run got. */
  messageIds: string[];
}

/** Sending pace of a running campaign. */
export const CAMPAIGN_BATCH = 10;
export const CAMPAIGN_TICK_MS = 1_000;

export function campaignsOf(engine: Engine, tenant: string) {
  return engine.store.collection<CampaignRecord>(NAMESPACE, tenant, 'campaigns');
}

/** Drives running and scheduled campaigns on the clock, through the engine's jobs. */
export class CampaignRunner {
  private readonly steps: CampaignSteps<CampaignRecord>;

  constructor(private readonly engine: Engine) {
    this.steps = new CampaignSteps(engine, NAMESPACE, 'msghub.campaign', {
      find: (tenant, id) => campaignsOf(engine, tenant).get(id),
      start: (tenant, campaign) => {
        if (campaign.status === 'scheduled') this.start(tenant, campaign);
      },
      batch: (tenant, campaign) => this.tick(tenant, campaign),
    });
  }

  start(tenant: string, campaign: CampaignRecord): void {
    const now = this.engine.clock.iso();
    campaignsOf(this.engine, tenant).update(campaign.id, { status: 'running', ...(campaign.startedAt ? {} : { startedAt: now }) });
    this.steps.batchAt(tenant, campaign, this.engine.clock.now());
  }

  armStart(tenant: string, campaign: CampaignRecord): void {
    this.steps.startAt(tenant, campaign, Date.parse(campaign.scheduledAt!));
  }

  stop(tenant: string, campaignId: string): void {
    this.steps.stop(tenant, campaignId);
  }

  private tick(tenant: string, campaign: CampaignRecord): void {
    // It may have been paused or cancelled meanwhile.
    if (campaign.status !== 'running') return;
    const batch = campaign.recipients.slice(campaign.messageIds.length, campaign.messageIds.length + CAMPAIGN_BATCH);
    for (const to of batch) {
      const input: SendInput = {
        channel: campaign.channel,
        to,
        campaignId: campaign.id,
        body: campaign.body,
        templateId: campaign.templateId,
        templateParams: campaign.templateParams,
      };
      const text = prepareSendQuiet(this.engine, tenant, input);
      const message = createMessage(this.engine, tenant, input, text);
      campaign.messageIds.push(message.id);
    }
    if (campaign.messageIds.length < campaign.recipients.length) {
      campaignsOf(this.engine, tenant).touch(campaign);
      this.steps.batchAt(tenant, campaign, this.engine.clock.now() + CAMPAIGN_TICK_MS);
      return;
    }
    const completedAt = this.engine.clock.iso();
    campaignsOf(this.engine, tenant).update(campaign.id, { status: 'completed', completedAt });
    publish(this.engine, tenant, 'campaign.completed', { campaignId: campaign.id, name: campaign.name, stats: campaignStats(this.engine, tenant, campaign), completedAt }, campaign.id);
  }
}

/**
 * Content was checked when the campaign was created; at run time a channel may have been disconnected
 * since. The real service would fail those messages rather than refuse the batch, so send the text as is.
 */
function prepareSendQuiet(engine: Engine, tenant: string, input: SendInput): { body: string; subject?: string } {
  try {
    return prepareSend(engine, tenant, input);
  } catch {
    return { body: input.body ?? '' };
  }
}

export function campaignStats(engine: Engine, tenant: string, campaign: CampaignRecord) {
  const stats = { total: campaign.recipients.length, queued: 0, sent: 0, delivered: 0, read: 0, failed: 0 };
  const messages = messagesOf(engine, tenant);
  for (const id of campaign.messageIds) {
    const status = messages.get(id)?.status;
    if (status === 'sent' || status === 'undelivered') stats.sent++;
    else if (status === 'delivered') stats.delivered++;
    else if (status === 'read') stats.read++;
    else if (status === 'failed') stats.failed++;
  }
  stats.queued = stats.total - stats.sent - stats.delivered - stats.read - stats.failed;
  return stats;
}
