/**
 * How a campaign runs on the clock (Msghub and MsgFlash campaigns run alike): its start at
 * `scheduledAt`, then batches of recipients at a fixed pace, each step one engine job. One job per
 * campaign, so pausing or cancelling is one cancel, and a restart with `--data` goes on where it was.
 *
 * A campaign is complete once every recipient has a message and every message is final (the engine's
 * `isSettled`: failed, read, delivered for a recipient that does not read, sent for one never
 * delivered), so its completion carries the final statistics. Until then a dispatched campaign is
 * still running. Completion is noticed from the messages' own status changes, which resume on the
 * clock after a restart, so it needs no state of its own beyond the campaign record.
 */
import type { BaseRecord, Collection } from '../engine/collection.js';
import type { Engine } from '../engine/engine.js';
import { isSettled } from '../engine/lifecycle.js';
import { MESSAGES, type SimMessage } from '../engine/message.js';

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
  /** When the last recipient got its message; the campaign runs on until every message is final. */
  dispatchedAt?: string;
}

export interface CampaignRun<C extends BaseRecord> {
  /** Where the provider keeps its campaigns. */
  campaigns(tenant: string): Collection<C>;
  /** Its scheduled time came and it is still `scheduled` (not started by hand or cancelled meanwhile). */
  start(tenant: string, campaign: C): void;
  /** Its next batch is due. */
  batch(tenant: string, campaign: C): void;
  /** Every message of the running campaign is final: mark it completed and announce it. */
  complete(tenant: string, campaign: C): void;
}

/** A campaign still `running` (not paused or cancelled meanwhile) may complete. */
const RUNNING = 'running';

export class CampaignSteps<C extends SteppedCampaign> {
  /**
   * Per running campaign, how many of its messages from the first are known final: messages settle
   * roughly in the order they were sent, so each is looked at about once however many events arrive.
   * Memory only: after a restart the first status change counts again from the start.
   */
  private readonly settledPrefix = new Map<string, number>();

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
    engine.events.forNamespace(namespace).on('message.status', ({ message }) => {
      const campaignId = message.data.campaignId;
      if (typeof campaignId !== 'string' || !isSettled(message)) return;
      const campaign = run.campaigns(message.tenant).get(campaignId);
      if (campaign) this.completeIfFinal(message.tenant, campaign);
    });
    engine.events.on('reset', ({ namespace: reset }) => {
      if (reset === undefined || reset === namespace) this.settledPrefix.clear();
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
   * id); while some are left, saves the campaign and arms the next batch a tick later. Once every
   * recipient has a message, records when, and completes the campaign if its messages are all final.
   */
  sendBatch(tenant: string, campaign: C, send: (to: string) => string): void {
    const done = campaign.messageIds.length;
    for (const to of campaign.recipients.slice(done, done + CAMPAIGN_BATCH)) campaign.messageIds.push(send(to));
    if (campaign.messageIds.length < campaign.recipients.length) {
      this.run.campaigns(tenant).touch(campaign);
      this.batchAt(tenant, campaign, this.engine.clock.now() + CAMPAIGN_TICK_MS);
      return;
    }
    if (campaign.dispatchedAt === undefined) campaign.dispatchedAt = this.engine.clock.iso();
    this.run.campaigns(tenant).touch(campaign);
    this.completeIfFinal(tenant, campaign);
  }

  stop(tenant: string, campaignId: string): void {
    this.engine.jobs.cancel(this.kind, this.namespace, tenant, campaignId);
  }

  /** Completes a running, fully dispatched campaign whose messages are all final. */
  private completeIfFinal(tenant: string, campaign: C): void {
    if (campaign.status !== RUNNING || campaign.messageIds.length < campaign.recipients.length) return;
    const key = `${tenant}\u0000${campaign.id}`;
    const messages = this.engine.store.find<SimMessage>(this.namespace, tenant, MESSAGES);
    let prefix = this.settledPrefix.get(key) ?? 0;
    while (prefix < campaign.messageIds.length && isFinal(messages, campaign.messageIds[prefix]!)) prefix++;
    if (prefix < campaign.messageIds.length) {
      this.settledPrefix.set(key, prefix);
      return;
    }
    this.settledPrefix.delete(key);
    this.run.complete(tenant, campaign);
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

/** A message that is gone (its tenant reset meanwhile) holds nothing up. */
function isFinal(messages: Collection<SimMessage> | undefined, id: string): boolean {
  const message = messages?.get(id);
  return message === undefined || isSettled(message);
}
