import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobQueues } from './job-queues.service';
import { JobWorkers } from './job-workers.service';

/** The states the operator sees; `dead` are the failed jobs that spent all their attempts. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'dead'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];
export type QueueCounts = Record<QueueState, number>;

/** One queue's jobs by state, in all and per tenant. */
export interface QueueOverview {
  queue: string;
  counts: QueueCounts;
  /** Per tenant id, from the newest jobs of each state (at most `sample` per state). */
  tenants: Record<string, QueueCounts>;
  /** Whether a state holds more jobs than were looked at for the tenants' figures. */
  sampled: boolean;
}

/** A job that failed, as the operator sees it: ids and the error, never more of the payload. */
export interface FailedJob {
  queue: string;
  id: string;
  name: string;
  tenantId: string | null;
  attemptsMade: number;
  attempts: number;
  dead: boolean;
  error: string;
  failedAt: Date | null;
}

const empty = (): QueueCounts => ({ waiting: 0, active: 0, delayed: 0, failed: 0, dead: 0 });

const tenantOf = (job: Job): string | null => {
  const tenantId = (job.data as { tenantId?: unknown } | undefined)?.tenantId;
  return typeof tenantId === 'string' ? tenantId : null;
};

const isDead = (job: Job): boolean => job.attemptsMade >= (job.opts.attempts ?? 1);

/**
 * The queues as the operator console shows them: counts per queue and tenant, failed jobs with
 * their errors, retry and discard. Through BullMQ's own API, so it reads Redis and the PostgreSQL
 * backend alike.
 */
@Injectable()
export class QueueInspector {
  constructor(
    private readonly queues: JobQueues,
    private readonly workers: JobWorkers,
  ) {}

  /** The queues that have handlers in this application. */
  names(): string[] {
    return this.workers.queueNames();
  }

  /** Whether `name` is one of {@link names}. */
  has(name: string): boolean {
    return this.names().includes(name);
  }

  /** The counts of every queue: what the metrics need, one call per queue. */
  async counts(): Promise<Record<string, QueueCounts>> {
    const result: Record<string, QueueCounts> = {};
    for (const name of this.names()) {
      const c = await this.queues.queue(name).getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed');
      result[name] = {
        waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
        active: c.active ?? 0,
        delayed: c.delayed ?? 0,
        failed: c.failed ?? 0,
        dead: 0,
      };
    }
    return result;
  }

  /** Every queue with its counts in all and per tenant. */
  async overview(sample = 1000): Promise<QueueOverview[]> {
    const counts = await this.counts();
    const result: QueueOverview[] = [];
    for (const name of this.names()) {
      const queue = this.queues.queue(name);
      const tenants: Record<string, QueueCounts> = {};
      const total = counts[name];
      let sampled = false;
      for (const state of ['waiting', 'active', 'delayed', 'failed'] as const) {
        if (total[state] > sample) sampled = true;
        if (total[state] === 0) continue;
        const jobs = await queue.getJobs(state === 'waiting' ? ['waiting', 'prioritized'] : [state], 0, sample - 1);
        for (const job of jobs) {
          if (!job) continue;
          const key = tenantOf(job) ?? '';
          const row = (tenants[key] ??= empty());
          row[state] += 1;
          if (state === 'failed' && isDead(job)) {
            row.dead += 1;
            total.dead += 1;
          }
        }
      }
      result.push({ queue: name, counts: total, tenants, sampled });
    }
    return result;
  }

  /** The newest failed jobs of a queue, optionally of one tenant. */
  async failed(name: string, options: { tenantId?: string; limit?: number } = {}): Promise<FailedJob[]> {
    const limit = options.limit ?? 50;
    const jobs = await this.queues.queue(name).getJobs(['failed'], 0, options.tenantId ? 999 : limit - 1);
    return jobs
      .filter((job) => job && (!options.tenantId || tenantOf(job) === options.tenantId))
      .slice(0, limit)
      .map((job) => this.describe(name, job));
  }

  /** One job of a queue, when it is there. */
  async job(name: string, id: string): Promise<(FailedJob & { state: string }) | undefined> {
    const job = await this.queues.queue(name).getJob(id);
    if (!job) return undefined;
    return { ...this.describe(name, job), state: await job.getState() };
  }

  /** Runs a failed job again, with its attempts counted afresh; false when it is not (or no longer) failed. */
  async retry(name: string, id: string): Promise<boolean> {
    const job = await this.queues.queue(name).getJob(id);
    if (!job || (await job.getState()) !== 'failed') return false;
    await job.retry('failed', { resetAttemptsMade: true });
    return true;
  }

  /** Removes a failed job for good; false when it is not (or no longer) failed. */
  async discard(name: string, id: string): Promise<boolean> {
    const job = await this.queues.queue(name).getJob(id);
    if (!job || (await job.getState()) !== 'failed') return false;
    await job.remove();
    return true;
  }

  private describe(queue: string, job: Job): FailedJob {
    return {
      queue,
      id: String(job.id),
      name: job.name,
      tenantId: tenantOf(job),
      attemptsMade: job.attemptsMade,
      attempts: job.opts.attempts ?? 1,
      dead: isDead(job),
      error: job.failedReason ?? '',
      failedAt: job.finishedOn ? new Date(job.finishedOn) : null,
    };
  }
}
