/**
 * POST /contacts/bulk-delete creates a bulk job that deletes 10 contacts per simulated second (the
 * first batch one second after creation), reporting progress as it goes. Ids that name no contact
 * (any more) are counted as `notFound`, not refused: the job may run long after it was asked for.
 * Cancelling stops it at once and keeps the counts of what it did.
 */
import type { Engine } from '../../engine/engine.js';
import type { BaseRecord } from '../../engine/store.js';
import type { HandlerRequest, HandlerResult } from '../provider.js';
import { NAMESPACE } from './account.js';
import { deleteContactCascade } from './contacts.js';
import { MsgflashCode, msgflashError } from './errors.js';
import { newId } from './ids.js';
import { cursorPageOf, queryString } from './listing.js';

export const BULK_BATCH = 10;
export const BULK_TICK_MS = 1_000;

export type BulkJobStatus = 'running' | 'completed' | 'cancelled';

export interface BulkJobRecord extends BaseRecord {
  type: 'contacts.delete';
  status: BulkJobStatus;
  contactIds: string[];
  processed: number;
  deleted: number;
  notFound: number;
  completedAt?: string;
  cancelledAt?: string;
}

export function bulkJobsOf(engine: Engine, tenant: string) {
  return engine.store.collection<BulkJobRecord>(NAMESPACE, tenant, 'bulk_jobs');
}

const BULK_STEP = 'msgflash.bulk-job';

export class BulkJobRunner {
  constructor(private readonly engine: Engine) {
    engine.jobs.define<{ jobId: string }>(BULK_STEP, (step) => this.tick(step.tenant, step.payload.jobId));
  }

  /** The job's next batch, a tick from now. */
  arm(tenant: string, job: BulkJobRecord): void {
    this.engine.jobs.schedule({
      namespace: NAMESPACE,
      tenant,
      kind: BULK_STEP,
      key: job.id,
      at: this.engine.clock.now() + BULK_TICK_MS,
      payload: { jobId: job.id },
    });
  }

  cancel(tenant: string, job: BulkJobRecord): void {
    this.engine.jobs.cancel(BULK_STEP, NAMESPACE, tenant, job.id);
    bulkJobsOf(this.engine, tenant).update(job.id, { status: 'cancelled', cancelledAt: this.engine.clock.iso() });
  }

  private tick(tenant: string, jobId: string): void {
    const jobs = bulkJobsOf(this.engine, tenant);
    const job = jobs.get(jobId);
    if (!job || job.status !== 'running') return;
    let { processed, deleted, notFound } = job;
    for (const contactId of job.contactIds.slice(processed, processed + BULK_BATCH)) {
      if (deleteContactCascade(this.engine, tenant, contactId)) deleted++;
      else notFound++;
      processed++;
    }
    const done = processed >= job.contactIds.length;
    jobs.update(job.id, { processed, deleted, notFound, ...(done ? { status: 'completed' as const, completedAt: this.engine.clock.iso() } : {}) });
    if (!done) this.arm(tenant, job);
  }
}

function jobView(job: BulkJobRecord) {
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    total: job.contactIds.length,
    processed: job.processed,
    deleted: job.deleted,
    notFound: job.notFound,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    ...(job.completedAt ? { completedAt: job.completedAt } : {}),
    ...(job.cancelledAt ? { cancelledAt: job.cancelledAt } : {}),
  };
}

function progressView(job: BulkJobRecord, nowMs: number) {
  const total = job.contactIds.length;
  const remaining = total - job.processed;
  // Batches finish on whole seconds after creation; the next one is due at the next such boundary.
  const elapsed = nowMs - Date.parse(job.createdAt);
  const nextBatchAt = Date.parse(job.createdAt) + (Math.floor(elapsed / BULK_TICK_MS) + 1) * BULK_TICK_MS;
  const eta = job.status === 'running' ? new Date(nextBatchAt + (Math.ceil(remaining / BULK_BATCH) - 1) * BULK_TICK_MS).toISOString() : null;
  return {
    jobId: job.id,
    status: job.status,
    total,
    processed: job.processed,
    remaining,
    percent: total === 0 ? 100 : Math.floor((job.processed / total) * 100),
    estimatedCompletionAt: eta,
  };
}

export function bulkJobHandlers(engine: Engine, runner: BulkJobRunner) {
  const find = (tenant: string, id: string): BulkJobRecord => {
    const job = bulkJobsOf(engine, tenant).get(id);
    if (!job) throw msgflashError.notFound('Bulk job', 'jobId', id);
    return job;
  };

  return {
    bulkDeleteContacts(req: HandlerRequest): HandlerResult {
      const contactIds = [...new Set((req.body as { contactIds: string[] }).contactIds)];
      const job = bulkJobsOf(engine, req.tenant.id).insert({
        id: newId(engine),
        type: 'contacts.delete',
        status: 'running',
        contactIds,
        processed: 0,
        deleted: 0,
        notFound: 0,
      });
      runner.arm(req.tenant.id, job);
      return { status: 202, body: { data: jobView(job) } };
    },

    listBulkJobs(req: HandlerRequest): HandlerResult {
      const status = queryString(req.query, 'status');
      return {
        status: 200,
        body: cursorPageOf(bulkJobsOf(engine, req.tenant.id), status ? (j) => j.status === status : undefined, req.query, 'jobs', jobView),
      };
    },

    getBulkJob(req: HandlerRequest): HandlerResult {
      return { status: 200, body: { data: jobView(find(req.tenant.id, req.params.jobId!)) } };
    },

    getBulkJobProgress(req: HandlerRequest): HandlerResult {
      return { status: 200, body: { data: progressView(find(req.tenant.id, req.params.jobId!), engine.clock.now()) } };
    },

    cancelBulkJob(req: HandlerRequest): HandlerResult {
      const job = find(req.tenant.id, req.params.jobId!);
      if (job.status !== 'running')
        throw msgflashError.conflict(MsgflashCode.bulkJobNotCancellable, `A ${job.status} job cannot be cancelled`, 'status', job.status);
      runner.cancel(req.tenant.id, job);
      return { status: 200, body: { data: jobView(job) } };
    },
  };
}
