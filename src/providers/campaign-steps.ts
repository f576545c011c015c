/**
 * How a campaign runs on the clock (Msghub and MsgFlash campaigns run alike): its start at
 * `scheduledAt`, then batches of recipients at a fixed pace, each step one engine job. One job per
 * campaign, so pausing or cancelling is one cancel, and a restart with `--data` goes on where it was.
 */
import type { BaseRecord, Collection } from '../engine/collection.js';
import type { Engine } from '../engine/engine.js';

/** Sending pace of a running campaign: a batch at once, then one every simulated second. */
export const CAMPAIGN_BATCH = 10;
export const CAMPAIGN_TICK_MS = 1_000;

/** What the steps read and write of a provider's campaign record. */
export interface SteppedCampaign extends BaseRecord {
  status: string;
  recipients: string[];
  /** Ids of the messages sent so far, in recipient order; its length is how far the run got. */
  messageIds: string[];
  scheduledAt?: string;
}

export interface CampaignRun<C extends BaseRecord> {
  /** Where the provider keeps its campaigns. */
  campaigns(tenant: string): Collection<C>;
  /** Its scheduled time came and it is still `scheduled` (not started by hand or cancelled meanwhile). */
  start(tenant: string, campaign: C): void;
  /** Its next batch is due. */
  batch(tenant: string, campaign: C): void;
}

export class CampaignSteps<C extends SteppedCampaign> {
  constructor(
    private readonly engine: Engine,
    private readonly namespace: string,
    private readonly kind: string,
    private readonly run: CampaignRun<C>,
  ) {
    engine.jobs.define<{ campaignId: string; start?: boolean }>(kind, (job) => {
      const campaign = run.campaigns(job.tenant).get(job.payload.campaignId);
      if (!campaign) return;
      if (!job.payload.start) run.batch(job.tenant, campaign);
      else if (campaign.status === 'scheduled') run.start(job.tenant, campaign);
    });
  }

  /** Arms the campaign's start at its `scheduledAt`. */
  startAtScheduledTime(tenant: string, campaign: C): void {
    this.schedule(tenant, campaign, Date.parse(campaign.scheduledAt!), true);
  }

  batchAt(tenant: string, campaign: C, at: number): void {
    this.schedule(tenant, campaign, at, false);
  }

  /**
   * Sends to the next CAMPAIGN_BATCH recipients (`send` makes one recipient's message and returns its
   * id); while some are left, saves the campaign and arms the next batch a tick later. True once every
   * recipient has a message: the caller completes the campaign.
   */
  sendBatch(tenant: string, campaign: C, send: (to: string) => string): boolean {
    const done = campaign.messageIds.length;
    for (const to of campaign.recipients.slice(done, done + CAMPAIGN_BATCH)) campaign.messageIds.push(send(to));
    if (campaign.messageIds.length >= campaign.recipients.length) return true;
    this.run.campaigns(tenant).touch(campaign);
    this.batchAt(tenant, campaign, this.engine.clock.now() + CAMPAIGN_TICK_MS);
    return false;
  }

  stop(tenant: string, campaignId: string): void {
    this.engine.jobs.cancel(this.kind, this.namespace, tenant, campaignId);
  }

  private schedule(tenant: string, campaign: C, at: number, start: boolean): void {
    this.engine.jobs.schedule({
      namespace: this.namespace,
      tenant,
      kind: this.kind,
      key: campaign.id,
      at,
      payload: { campaignId: campaign.id, ...(start ? { start } : {}) },
    });
  }
}
