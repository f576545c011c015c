/**
 * Scheduled per-tenant work on the simulated clock: a campaign's next batch, a scheduled send's check,
 * a fallback chain's timeout, a bulk job's next step, a flow's next step. Providers declare the kinds
 * of job they run (`define`) and schedule jobs by key; the engine keeps each job as a record of an
 * engine table, arms it on the clock, runs its kind's handler when it falls due, drops a tenant's jobs
 * when the tenant (or its provider, or everything) is reset, and, after a restart with `--data`, arms
 * again every job the file held, at its time (at once if that time has passed).
 *
 * A job is plain data: its kind names the handler, its payload is JSON. One job per key: scheduling a
 * key again replaces the job (a campaign has one next step at a time).
 */
import type { Clock, TimerHandle } from './clock.js';
import { memoryTable, type Table } from './table.js';

export type JobPayload = Record<string, unknown>;

export interface JobInput<P extends JobPayload = JobPayload> {
  namespace: string;
  tenant: string;
  kind: string;
  key: string;
  /** When it falls due, epoch ms of simulated time. */
  at: number;
  payload: P;
}

export interface Job<P extends JobPayload = JobPayload> extends JobInput<P> {
  /** Kind, namespace, tenant and key: one job per key. */
  id: string;
}

export type JobHandler<P extends JobPayload> = (job: Job<P>) => void;

export class Jobs {
  private readonly handlers = new Map<string, JobHandler<JobPayload>>();
  private readonly timers = new Map<string, TimerHandle>();
  private readonly table: Table<Job>;

  constructor(
    private readonly clock: Clock,
    table?: Table<Job>,
  ) {
    this.table = table ?? memoryTable('jobs');
  }

  /** Declares what a kind of job does; jobs of that kind the data file held are armed now. */
  define<P extends JobPayload>(kind: string, handler: JobHandler<P>): void {
    if (this.handlers.has(kind)) throw new Error(`job kind ${kind} is already defined`);
    this.handlers.set(kind, handler as JobHandler<JobPayload>);
    for (const job of this.table.all()) if (job.kind === kind) this.arm(job);
  }

  /** Schedules a job, replacing the one with the same kind, namespace, tenant and key. */
  schedule<P extends JobPayload>(input: JobInput<P>): Job<P> {
    if (!this.handlers.has(input.kind)) throw new Error(`no job kind ${input.kind}`);
    const id = jobId(input.kind, input.namespace, input.tenant, input.key);
    this.disarm(id);
    const job: Job<P> = { id, namespace: input.namespace, tenant: input.tenant, kind: input.kind, key: input.key, at: input.at, payload: input.payload };
    this.table.put(job);
    this.arm(job);
    return job;
  }

  /** Cancels the job with this key; false when there was none. */
  cancel(kind: string, namespace: string, tenant: string, key: string): boolean {
    const id = jobId(kind, namespace, tenant, key);
    this.disarm(id);
    return this.table.delete(id);
  }

  get<P extends JobPayload>(kind: string, namespace: string, tenant: string, key: string): Job<P> | undefined {
    return this.table.get(jobId(kind, namespace, tenant, key)) as Job<P> | undefined;
  }

  /** Whether a kind of job is defined here (a state import refuses jobs nobody could run). */
  defines(kind: string): boolean {
    return this.handlers.has(kind);
  }

  /** The jobs of everything, one namespace or one tenant of it, in the order they were scheduled. */
  list(namespace?: string, tenant?: string): Job[] {
    return [...this.table.all()].filter((job) => (namespace === undefined || job.namespace === namespace) && (tenant === undefined || job.tenant === tenant));
  }

  /** Jobs a state import brings back, armed as after a restart: at their time, at once if it has passed. */
  restore(jobs: readonly Job[]): void {
    for (const job of jobs) {
      this.disarm(job.id);
      this.table.put(job);
      if (this.handlers.has(job.kind)) this.arm(job);
    }
  }

  /** Jobs waiting for their time. */
  get size(): number {
    return this.table.size;
  }

  /** Drops every job, one namespace's, or one tenant's of a namespace. */
  reset(namespace?: string, tenant?: string): void {
    this.table.deleteWhere((job) => {
      if ((namespace !== undefined && job.namespace !== namespace) || (tenant !== undefined && job.tenant !== tenant)) return false;
      this.disarm(job.id);
      return true;
    });
  }

  private arm(job: Job): void {
    this.timers.set(job.id, this.clock.scheduleAt(job.at, this.fire, describe, job));
  }

  private disarm(id: string): void {
    this.timers.get(id)?.cancel();
    this.timers.delete(id);
  }

  /** One function for every job's timer. The job is gone before its handler runs, so the handler may schedule its successor. */
  private readonly fire = (job: Job): void => {
    this.timers.delete(job.id);
    if (this.table.get(job.id) !== job) return;
    this.table.delete(job.id);
    this.handlers.get(job.kind)!(job);
  };
}

export function jobId(kind: string, namespace: string, tenant: string, key: string): string {
  return JSON.stringify([kind, namespace, tenant, key]);
}

/** A job timer's label, built only when its handler throws and the error is reported. */
function describe(job: Job): string {
  return `job ${job.kind} ${job.key} (${job.namespace})`;
}
