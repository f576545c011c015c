/**
 * Drives campaigns on the clock: a running campaign sends to 10 recipients at once and 10 more every
 * simulated second, one message per recipient through the engine's lifecycle. Pausing stops the
 * timer; resuming continues from the first recipient not yet sent to. A campaign whose instance is
 * disconnected when a batch is due pauses itself (pauseReason INSTANCE_DISCONNECTED). It completes,
 * with `campaign.completed`, once every message is final, as Msghub's do (campaign-steps.ts): the doc
 * names no completion event, and its stats endpoint is "Delivery statistics", which a completion
 * fired while every message was still queued would contradict.
 */
import type { Engine } from '../../engine/engine.js';
import { CampaignSteps, type SteppedCampaign } from '../campaign-steps.js';
import { NAMESPACE } from './account.js';
import { instanceState } from './instances.js';
import type { MessageContent } from './message-content.js';
import { createMessage, messagesOf } from './message-store.js';
import { publish } from './webhooks.js';

export type CampaignStatus = 'scheduled' | 'running' | 'paused' | 'completed';
export type PauseReason = 'USER_REQUEST' | 'INSTANCE_DISCONNECTED';

export interface CampaignRecord extends SteppedCampaign {
  name: string;
  instanceId: string;
  content: MessageContent;
  status: CampaignStatus;
  pauseReason?: PauseReason;
  startedAt?: string;
  pausedAt?: string;
  completedAt?: string;
}

export function campaignsOf(engine: Engine, tenant: string) {
  return engine.store.collection<CampaignRecord>(NAMESPACE, tenant, 'campaigns');
}

export class CampaignRunner {
  private readonly steps: CampaignSteps<CampaignRecord>;

  constructor(private readonly engine: Engine) {
    this.steps = new CampaignSteps(engine, NAMESPACE, 'msgflash.campaign', {
      campaigns: (tenant) => campaignsOf(engine, tenant),
      start: (tenant, campaign) => this.start(tenant, campaign),
      batch: (tenant, campaign) => this.tick(tenant, campaign),
      complete: (tenant, campaign) => this.complete(tenant, campaign),
    });
  }

  /** Runs the first batch now. */
  start(tenant: string, campaign: CampaignRecord): void {
    campaignsOf(this.engine, tenant).update(campaign.id, { status: 'running', ...(campaign.startedAt ? {} : { startedAt: this.engine.clock.iso() }) });
    delete campaign.pauseReason;
    this.tick(tenant, campaign);
  }

  armStart(tenant: string, campaign: CampaignRecord): void {
    this.steps.startAtScheduledTime(tenant, campaign);
  }

  pause(tenant: string, campaign: CampaignRecord, reason: PauseReason): void {
    this.stop(tenant, campaign.id);
    campaignsOf(this.engine, tenant).update(campaign.id, { status: 'paused', pauseReason: reason, pausedAt: this.engine.clock.iso() });
  }

  stop(tenant: string, campaignId: string): void {
    this.steps.stop(tenant, campaignId);
  }

  private tick(tenant: string, campaign: CampaignRecord): void {
    // It may have been paused meanwhile.
    if (campaign.status !== 'running') return;
    if (instanceState(this.engine, tenant, campaign.instanceId).state !== 'connected') {
      this.pause(tenant, campaign, 'INSTANCE_DISCONNECTED');
      return;
    }
    this.steps.sendBatch(
      tenant,
      campaign,
      (to) => createMessage(this.engine, tenant, { instanceId: campaign.instanceId, to, content: campaign.content, campaignId: campaign.id }).id,
    );
  }

  private complete(tenant: string, campaign: CampaignRecord): void {
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
    ...(campaign.dispatchedAt ? { dispatchedAt: campaign.dispatchedAt } : {}),
    ...(campaign.completedAt ? { completedAt: campaign.completedAt } : {}),
    createdAt: campaign.createdAt,
    updatedAt: campaign.updatedAt,
  };
}
