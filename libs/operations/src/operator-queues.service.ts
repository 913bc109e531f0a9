import { Injectable } from '@nestjs/common';
import { FailedJob, QueueCounts, QueueInspector } from '@openrathaus/jobs';
import { TenantRegistry } from '@openrathaus/tenancy';
import { OperationsError, OperationsErrorCode } from './operations.error';
import { OperatorAudit } from './operator-audit.service';
import type { OperatorSession } from './operator-session';

/** One queue as the console shows it: its counts, and per tenant (by slug) the same. */
export interface QueueView extends QueueCounts {
  queue: string;
  tenants: ({ tenant: string } & QueueCounts)[];
  /** More jobs in some state than were looked at for the per-tenant figures. */
  sampled: boolean;
}

/** A failed job with its tenant's slug. */
export interface FailedJobView extends FailedJob {
  tenant: string | null;
}

/**
 * The queues for the operator: per queue and tenant the waiting, active, delayed, failed and dead
 * jobs, the failed jobs with their errors, retry and discard (both audited in the job's tenant).
 * Through `libs/jobs`, so that Redis and the embedded PostgreSQL backend read alike.
 */
@Injectable()
export class OperatorQueues {
  constructor(
    private readonly inspector: QueueInspector,
    private readonly registry: TenantRegistry,
    private readonly audit: OperatorAudit,
  ) {}

  async overview(): Promise<QueueView[]> {
    const queues = await this.inspector.overview();
    return queues.map((q) => ({
      queue: q.queue,
      ...q.counts,
      sampled: q.sampled,
      tenants: Object.entries(q.tenants)
        .map(([tenantId, counts]) => ({ tenant: this.slugOf(tenantId) ?? '-', ...counts }))
        .sort((a, b) => a.tenant.localeCompare(b.tenant)),
    }));
  }

  /** The newest failed jobs of a queue (of one tenant, by slug, when given). */
  async failed(queue: string, tenantSlug?: string): Promise<FailedJobView[]> {
    this.checkQueue(queue);
    let tenantId: string | undefined;
    if (tenantSlug) {
      tenantId = this.registry.get(tenantSlug)?.id;
      if (!tenantId) throw new OperationsError(OperationsErrorCode.TenantNotFound, { slug: tenantSlug });
    }
    const jobs = await this.inspector.failed(queue, { tenantId });
    return jobs.map((job) => ({ ...job, tenant: job.tenantId ? (this.slugOf(job.tenantId) ?? null) : null }));
  }

  /** Runs a failed job again; 409 when it is not failed (any more). */
  retry(operator: OperatorSession, queue: string, jobId: string): Promise<void> {
    return this.act(operator, queue, jobId, 'retry');
  }

  /** Removes a failed job for good; 409 when it is not failed (any more). */
  discard(operator: OperatorSession, queue: string, jobId: string): Promise<void> {
    return this.act(operator, queue, jobId, 'discard');
  }

  private async act(operator: OperatorSession, queue: string, jobId: string, what: 'retry' | 'discard'): Promise<void> {
    this.checkQueue(queue);
    const job = await this.inspector.job(queue, jobId);
    if (!job) throw new OperationsError(OperationsErrorCode.JobNotFound, { queue, job: jobId });
    if (job.state !== 'failed') throw new OperationsError(OperationsErrorCode.JobNotFailed, { state: job.state });
    const done =
      what === 'retry' ? await this.inspector.retry(queue, jobId) : await this.inspector.discard(queue, jobId);
    if (!done) throw new OperationsError(OperationsErrorCode.JobNotFailed, { state: 'changed' });
    await this.audit.record(operator, {
      action: what === 'retry' ? 'operator.job.retry' : 'operator.job.discard',
      tenantId: job.tenantId ?? undefined,
      subject: `job:${queue}:${jobId}`,
      data: { queue, job: job.name, attemptsMade: job.attemptsMade, error: job.error.slice(0, 500) },
    });
  }

  private checkQueue(queue: string): void {
    if (!this.inspector.has(queue)) {
      throw new OperationsError(OperationsErrorCode.InvalidInput, {}, [
        { field: 'queue', key: 'operations_queue_unknown', params: { queues: this.inspector.names().join(', ') } },
      ]);
    }
  }

  private slugOf(tenantId: string): string | undefined {
    return this.registry.getById(tenantId)?.slug;
  }
}
