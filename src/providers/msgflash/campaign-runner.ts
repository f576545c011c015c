/**
 * Drives campaigns on the clock: a running campaign sends to 10 recipients at once and 10 more every
 * simulated second, one message per recipient through the engine's lifecycle. Pausing stops the
 * timer; resuming continues from the first recipient not yet sent to. A campaign whose instance is
 * disconnected when a batch is due pauses itself (pauseReason INSTANCE_DISCONNECTED).
 */
import type { Engine } from '../../engine/engine.js';
import type { BaseRecord } from '../../engine/store.js';
import { NAMESPACE } from './account.js';
import { instanceState } from './instances.js';
import type { MessageContent } from './message-content.js';
import { createMessage, messagesOf } from './messages.js';
import { publish } from './webhooks.js';

export type CampaignStatus = 'scheduled' | 'running' | 'paused' | 'completed';
export type PauseReason = 'USER_REQUEST' | 'INSTANCE_DISCONNECTED';

export interface CampaignRecord extends BaseRecord {
  name: string;
  instanceId: string;
  content: MessageContent;
  recipients: string[];
  status: CampaignStatus;
  pauseReason?: PauseReason;
  scheduledAt?: string;
  startedAt?: string;
  pausedAt?: string;
  completedAt?: string;
  /** Ids of the messages sent so far, in recipient order; its length is how far the run got. */
  messageIds: string[];
}

export const CAMPAIGN_BATCH = 10;
export const CAMPAIGN_TICK_MS = 1_000;

export function campaignsOf(engine: Engine, tenant: string) {
  return engine.store.collection<CampaignRecord>(NAMESPACE, tenant, 'campaigns');
}

/** A campaign's one next step: its start at `scheduledAt`, or its next batch. */
const CAMPAIGN_STEP = 'msgflash.campaign';

export class CampaignRunner {
  constructor(private readonly engine: Engine) {
    engine.jobs.define<{ campaignId: string; start?: boolean }>(CAMPAIGN_STEP, (job) => {
      const campaign = campaignsOf(engine, job.tenant).get(job.payload.campaignId);
      if (!campaign) return;
      if (job.payload.start) {
        if (campaign.status === 'scheduled') this.start(job.tenant, campaign);
      } else {
        this.tick(job.tenant, campaign);
      }
    });
  }

  /** Runs the first batch now. */
  start(tenant: string, campaign: CampaignRecord): void {
    campaignsOf(this.engine, tenant).update(campaign.id, { status: 'running', ...(campaign.startedAt ? {} : { startedAt: this.engine.clock.iso() }) });
    delete campaign.pauseReason;
    this.tick(tenant, campaign);
  }

  armStart(tenant: string, campaign: CampaignRecord): void {
    this.next(tenant, campaign, Date.parse(campaign.scheduledAt!), true);
  }

  pause(tenant: string, campaign: CampaignRecord, reason: PauseReason): void {
    this.stop(tenant, campaign.id);
    campaignsOf(this.engine, tenant).update(campaign.id, { status: 'paused', pauseReason: reason, pausedAt: this.engine.clock.iso() });
  }

  stop(tenant: string, campaignId: string): void {
    this.engine.jobs.cancel(CAMPAIGN_STEP, NAMESPACE, tenant, campaignId);
  }

  private next(tenant: string, campaign: CampaignRecord, at: number, start = false): void {
    this.engine.jobs.schedule({ namespace: NAMESPACE, tenant, kind: CAMPAIGN_STEP, key: campaign.id, at, payload: { campaignId: campaign.id, ...(start ? { start } : {}) } });
  }

  private tick(tenant: string, campaign: CampaignRecord): void {
    // It may have been paused meanwhile.
    if (campaign.status !== 'running') return;
    if (instanceState(this.engine, tenant, campaign.instanceId).state !== 'connected') {
      this.pause(tenant, campaign, 'INSTANCE_DISCONNECTED');
      return;
    }
    const done = campaign.messageIds.length;
    for (const to of campaign.recipients.slice(done, done + CAMPAIGN_BATCH)) {
      const message = createMessage(this.engine, tenant, { instanceId: campaign.instanceId, to, content: campaign.content, campaignId: campaign.id });
      campaign.messageIds.push(message.id);
    }
    if (campaign.messageIds.length < campaign.recipients.length) {
      campaignsOf(this.engine, tenant).touch(campaign);
      this.next(tenant, campaign, this.engine.clock.now() + CAMPAIGN_TICK_MS);
      return;
    }
    campaignsOf(this.engine, tenant).update(campaign.id, { status: 'completed', completedAt: this.engine.clock.iso() });
    publish(this.engine, tenant, 'campaign.completed', { campaign: campaignView(campaign), stats: campaignStats(this.engine, tenant, campaign) }, campaign.id);
  }
}

/** Live per-recipient counts: `pending` not sent yet, the rest by their message's current status. */
export function campaignStats(engine: Engine, tenant: string, campaign: CampaignRecord) {
  const counts = { queued: 0, sent: 0, delivered: 0, read: 0, failed: 0 };
  const messages = messagesOf(engine, tenant);
  for (const id of campaign.messageIds) {
    const status = messages.get(id)?.status;
    if (status === 'sent' || status === 'undelivered') counts.sent++;
    else if (status === 'delivered') counts.delivered++;
    else if (status === 'read') counts.read++;
    else if (status === 'failed') counts.failed++;
    else counts.queued++;
  }
  const dispatched = campaign.messageIds.length;
  const rate = (n: number) => (dispatched === 0 ? 0 : Math.round((n / dispatched) * 10_000) / 10_000);
  return {
    campaignId: campaign.id,
    status: campaign.status,
    total: campaign.recipients.length,
    pending: campaign.recipients.length - dispatched,
    ...counts,
    deliveryRate: rate(counts.delivered + counts.read),
    readRate: rate(counts.read),
  };
}

export function campaignView(campaign: CampaignRecord) {
  const { content } = campaign;
  return {
    id: campaign.id,
    name: campaign.name,
    instanceId: campaign.instanceId,
    type: content.type,
    ...(content.text !== undefined ? { text: content.text } : {}),
    ...(content.mediaUrl !== undefined ? { mediaUrl: content.mediaUrl } : {}),
    ...(content.caption !== undefined ? { caption: content.caption } : {}),
    ...(content.templateId !== undefined ? { templateId: content.templateId } : {}),
    status: campaign.status,
    ...(campaign.pauseReason ? { pauseReason: campaign.pauseReason } : {}),
    recipientCount: campaign.recipients.length,
    dispatchedCount: campaign.messageIds.length,
    ...(campaign.scheduledAt ? { scheduledAt: campaign.scheduledAt } : {}),
    ...(campaign.startedAt ? { startedAt: campaign.startedAt } : {}),
    ...(campaign.pausedAt ? { pausedAt: campaign.pausedAt } : {}),
    ...(campaign.completedAt ? { completedAt: campaign.completedAt } : {}),
    createdAt: campaign.createdAt,
    updatedAt: campaign.updatedAt,
  };
}
