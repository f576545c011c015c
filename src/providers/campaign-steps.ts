/**
 * A campaign's one next step, as an engine job (Msghub and MsgFlash campaigns run alike): its start at
 * `scheduledAt`, or its next batch. One job per campaign, so pausing or cancelling is one cancel, and a
 * restart with `--data` goes on where it was.
 */
import type { Engine } from '../engine/engine.js';

export interface CampaignRun<C> {
  /** The campaign as stored now; undefined once it is gone. */
  find(tenant: string, id: string): C | undefined;
  /** Its scheduled time came. */
  start(tenant: string, campaign: C): void;
  /** Its next batch is due. */
  batch(tenant: string, campaign: C): void;
}

export class CampaignSteps<C extends { id: string }> {
  constructor(
    private readonly engine: Engine,
    private readonly namespace: string,
    private readonly kind: string,
    run: CampaignRun<C>,
  ) {
    engine.jobs.define<{ campaignId: string; start?: boolean }>(kind, (job) => {
      const campaign = run.find(job.tenant, job.payload.campaignId);
      if (!campaign) return;
      if (job.payload.start) run.start(job.tenant, campaign);
      else run.batch(job.tenant, campaign);
    });
  }

  startAt(tenant: string, campaign: C, at: number): void {
    this.schedule(tenant, campaign, at, true);
  }

  batchAt(tenant: string, campaign: C, at: number): void {
    this.schedule(tenant, campaign, at, false);
  }

  stop(tenant: string, campaignId: string): void {
    this.engine.jobs.cancel(this.kind, this.namespace, tenant, campaignId);
  }

  private schedule(tenant: string, campaign: C, at: number, start: boolean): void {
    this.engine.jobs.schedule({ namespace: this.namespace, tenant, kind: this.kind, key: campaign.id, at, payload: { campaignId: campaign.id, ...(start ? { start } : {}) } });
  }
}
