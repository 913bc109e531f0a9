import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { isUuid } from '@openrathaus/core';
import { TenantScope } from '@openrathaus/database';
import { JobQueues } from './job-queues.service';
import { JobsError, JobsErrorCode } from './jobs.error';
import { JOBS_OPTIONS } from './jobs.tokens';
import type { JobsModuleOptions } from './job-workers.service';
import { OutboxRepository } from './outbox.repository';

const POLL_MS = 1000;
const BATCH = 200;
/** How long a dispatcher holds rows it took before another may take them again. */
const CLAIM_SECONDS = 30;
/**
 * How long a queued row waits for its job before it is queued again. While the queue still has
 * the job (waiting, running, or kept after it ran) that is no second job; when the queue lost it
 * (a Redis that restarted empty), it is the job again.
 */
const REQUEUE_SECONDS = 30;
const JOB_ID_PREFIX = 'ob-';

/** The job id of an outbox row: the same on every dispatch, so that the queue takes it once. */
export const outboxJobId = (rowId: string): string => `${JOB_ID_PREFIX}${rowId}`;

/**
 * The transactional outbox: a job is written as a row in the same transaction as the change that
 * causes it, and a dispatcher moves committed rows to the queues. A job whose change rolled back is
 * never sent; a job whose change committed is sent even when Redis was away at the time (the row
 * waits). The row stays until its job has run ({@link Outbox.done}, called by the worker), and is
 * queued again every {@link REQUEUE_SECONDS} until then: a Redis that restarted empty loses no job.
 * The job id is the row's id, so a row sent twice is still one job while the queue has it.
 */
@Injectable()
export class Outbox implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(Outbox.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly queues: JobQueues,
    @Inject(JOBS_OPTIONS) private readonly options: JobsModuleOptions,
  ) {}

  /** Records a job (ids only) in the caller's transaction; it is queued once that commits. */
  async add(scope: TenantScope, queue: string, name: string, ids: Record<string, string> = {}): Promise<void> {
    for (const [key, value] of Object.entries(ids)) {
      if (typeof value !== 'string' || key === 'tenantId') {
        throw new JobsError(JobsErrorCode.InvalidPayload, { key });
      }
    }
    await this.outbox.add(scope, queue, name, ids);
    scope.afterCommit(() => this.dispatchSoon());
  }

  onApplicationBootstrap(): void {
    if (this.options.dispatchOutbox === false) return;
    this.timer = setInterval(() => this.dispatchSoon(), POLL_MS);
    this.timer.unref();
    this.dispatchSoon();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Starts a dispatch round, or asks the running one to go again. */
  dispatchSoon(): void {
    if (this.stopped || this.options.dispatchOutbox === false) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.dispatchAll()
      .then(() => undefined)
      .catch((error: unknown) => this.logger.warn({ err: error }, 'outbox dispatch failed; rows wait'))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.dispatchSoon();
        }
      });
  }

  /**
   * A job has run (or failed for good): its outbox row, if it came from one, is not queued again.
   * Ids of jobs that came from elsewhere are ignored.
   */
  async done(jobId: string | undefined): Promise<void> {
    const rowId = jobId?.startsWith(JOB_ID_PREFIX) ? jobId.slice(JOB_ID_PREFIX.length) : undefined;
    if (rowId && isUuid(rowId)) await this.outbox.remove([rowId]);
  }

  /** Moves every committed row to its queue; resolves when none is left. */
  async dispatchAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const sent = await this.dispatchBatch();
      total += sent;
      if (sent < BATCH || this.stopped) return total;
    }
  }

  /**
   * One round: takes up to a batch of rows for a while (a short transaction of its own), queues
   * them, then holds them until their jobs have run. No transaction stays open while the queue is
   * written to: the embedded database has one session, and the queue may live in it too.
   */
  private async dispatchBatch(): Promise<number> {
    const rows = await this.outbox.claim(BATCH, CLAIM_SECONDS);
    const sent: string[] = [];
    const dropped: string[] = [];
    try {
      for (const row of rows) {
        if (isUuid(row.tenant_id)) {
          await this.queues.enqueue(
            row.queue,
            row.name,
            { ...row.ids, tenantId: row.tenant_id },
            { jobId: outboxJobId(row.id) },
          );
          sent.push(row.id);
        } else dropped.push(row.id);
      }
    } finally {
      // What was not queued waits until its claim runs out; a row queued twice is one job (its id).
      if (sent.length) await this.outbox.hold(sent, REQUEUE_SECONDS);
      if (dropped.length) await this.outbox.remove(dropped);
    }
    return rows.length;
  }
}
