/**
 * Drives Msghub campaigns on the clock: a running campaign sends to 10 recipients at once and 10 more
 * every simulated second, one message per recipient through the engine's lifecycle. It stays `running`
 * (with `dispatchedAt` once every recipient has a message) until every message is final, then becomes
 * `completed` and emits `campaign.completed` with the final stats ("Campaign completed", the doc's
 * webhook list; campaign-steps.ts says what final means). A scheduled campaign starts at `scheduledAt`;
 * pausing stops the batches, resuming continues from the first recipient not yet sent to.
 */
import type { Engine } from '../../engine/engine.js';
import { isoSeconds } from '../../engine/iso-seconds.js';
import { CampaignSteps, type SteppedCampaign } from '../campaign-steps.js';
import type { Channel } from './channels.js';
import { createMessage, messagesOf, NAMESPACE, prepareSend, type SendInput } from './messages.js';
import { publish } from './webhooks.js';

export type CampaignStatus = 'draft' | 'scheduled' | 'running' | 'paused' | 'completed' | 'cancelled';

export interface CampaignRecord extends SteppedCampaign {
  name: string;
  channel: Channel;
  body?: string;
  templateId?: string;
  templateParams?: Record<string, string>;
  status: CampaignStatus;
  startedAt?: string;
  completedAt?: string;
}

export function campaignsOf(engine: Engine, tenant: string) {
  return engine.store.collection<CampaignRecord>(NAMESPACE, tenant, 'campaigns');
}

/** Drives running and scheduled campaigns on the clock, through the engine's jobs. */
export class CampaignRunner {
  private readonly steps: CampaignSteps<CampaignRecord>;

  constructor(private readonly engine: Engine) {
    this.steps = new CampaignSteps(engine, NAMESPACE, 'msghub.campaign', {
      campaigns: (tenant) => campaignsOf(engine, tenant),
      start: (tenant, campaign) => this.start(tenant, campaign),
      batch: (tenant, campaign) => this.tick(tenant, campaign),
      complete: (tenant, campaign) => this.complete(tenant, campaign),
    });
  }

  start(tenant: string, campaign: CampaignRecord): void {
    const now = this.engine.clock.iso();
    campaignsOf(this.engine, tenant).update(campaign.id, { status: 'running', ...(campaign.startedAt ? {} : { startedAt: now }) });
    this.steps.batchAt(tenant, campaign, this.engine.clock.now());
  }

  armStart(tenant: string, campaign: CampaignRecord): void {
    this.steps.startAtScheduledTime(tenant, campaign);
  }

  stop(tenant: string, campaignId: string): void {
    this.steps.stop(tenant, campaignId);
  }

  private tick(tenant: string, campaign: CampaignRecord): void {
    // It may have been paused or cancelled meanwhile.
    if (campaign.status !== 'running') return;
    this.steps.sendBatch(tenant, campaign, (to) => {
      const input: SendInput = {
        channel: campaign.channel,
        to,
        campaignId: campaign.id,
        body: campaign.body,
        templateId: campaign.templateId,
        templateParams: campaign.templateParams,
      };
      return createMessage(this.engine, tenant, input, prepareSendQuiet(this.engine, tenant, input)).id;
    });
  }

  private complete(tenant: string, campaign: CampaignRecord): void {
    const completedAt = this.engine.clock.iso();
    campaignsOf(this.engine, tenant).update(campaign.id, { status: 'completed', completedAt });
    publish(
      this.engine,
      tenant,
      'campaign.completed',
      { campaignId: campaign.id, name: campaign.name, stats: campaignStats(this.engine, tenant, campaign), completedAt: isoSeconds(completedAt) },
      campaign.id,
    );
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
