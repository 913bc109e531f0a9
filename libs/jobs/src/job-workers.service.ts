import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import type { Job } from 'bullmq';
import { runInContext } from '@openrathaus/core';
import { JobsError, JobsErrorCode } from './jobs.error';
import { JOB_HANDLER, JobHandler, JobHandlerMeta, JobPayload } from './job.types';
import { JOBS_OPTIONS, QUEUE_BACKEND } from './jobs.tokens';
import { JobOutcomes } from './job-outcomes';
import { Outbox } from './outbox.service';
import type { QueueBackend } from './queue-backend';

/** How often a job may lose its worker (killed, crashed) and still run again. */
const MAX_STALLED = 3;

export interface JobsModuleOptions {
  /** Whether this process runs the processors (the worker app always; the portal in embedded mode). */
  runWorkers: boolean;
  concurrency?: number;
  /** Whether this process moves outbox rows to the queues (every long-running process; not the CLI). */
  dispatchOutbox?: boolean;
}

/**
 * Runs every provider marked with {@link HandlesJob}: one BullMQ worker per queue, and each job
 * inside the context of its tenant and correlation id. A job from the outbox that has run, or
 * failed for good, releases its outbox row ({@link Outbox.done}).
 */
@Injectable()
export class JobWorkers implements OnApplicationBootstrap {
  private readonly logger = new Logger(JobWorkers.name);
  private readonly handlers = new Map<string, Map<string, JobHandler>>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    @Inject(QUEUE_BACKEND) private readonly backend: QueueBackend,
    @Inject(JOBS_OPTIONS) private readonly options: JobsModuleOptions,
    private readonly outbox: Outbox,
    private readonly outcomes: JobOutcomes,
  ) {}

  /** The queues that have handlers in this application, whether or not it runs them. */
  queueNames(): string[] {
    return [...this.handlers.keys()].sort();
  }

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const meta = wrapper.metatype && this.reflector.get<JobHandlerMeta>(JOB_HANDLER, wrapper.metatype);
      if (!meta || !wrapper.instance) continue;
      const byName = this.handlers.get(meta.queue) ?? new Map<string, JobHandler>();
      byName.set(meta.name, wrapper.instance as JobHandler);
      this.handlers.set(meta.queue, byName);
    }
    if (!this.options.runWorkers) return;
    for (const queue of this.handlers.keys()) {
      const worker = this.backend.createWorker(queue, (job: Job) => this.process(queue, job), {
        concurrency: this.options.concurrency ?? 4,
        // A job whose worker died under it runs again; BullMQ's default fails it for good at the
        // second death, which two restarts in a row (a deployment, a crash) would do to a sound job.
        maxStalledCount: MAX_STALLED,
      });
      worker.on('completed', () => this.outcomes.report(queue, 'completed'));
      worker.on('failed', (job, error) => {
        this.logger.warn({ err: error, queue, job: job?.name, attempts: job?.attemptsMade }, 'job failed');
        // Failed for good: it stays in the queue's failed jobs for the operator, not queued again.
        const dead = !!job && job.attemptsMade >= (job.opts.attempts ?? 1);
        this.outcomes.report(queue, dead ? 'dead' : 'failed');
        if (dead) void this.release(queue, job.id);
      });
      worker.on('error', (error) => this.logger.warn({ err: error, queue }, 'queue connection error'));
    }
    this.logger.log(`processing queues: ${[...this.handlers.keys()].join(', ')} on ${this.backend.kind}`);
  }

  /** The one wrapper: checks the payload, restores the tenant context, runs the handler. */
  async process(queue: string, job: Pick<Job, 'name' | 'data'> & { id?: string }): Promise<unknown> {
    const payload = job.data as Partial<JobPayload>;
    if (typeof payload?.tenantId !== 'string' || typeof payload.correlationId !== 'string') {
      throw new JobsError(JobsErrorCode.InvalidPayload, { queue, job: job.name });
    }
    const handler = this.handlers.get(queue)?.get(job.name);
    if (!handler) throw new JobsError(JobsErrorCode.NoHandler, { queue, job: job.name });
    const context = { tenantId: payload.tenantId, correlationId: payload.correlationId };
    const result = await runInContext(context, () => handler.handle(payload as JobPayload));
    await this.release(queue, job.id);
    return result;
  }

  /** Releases a job's outbox row; should that fail, the row queues the job again later, which runs idempotently. */
  private async release(queue: string, jobId: string | undefined): Promise<void> {
    try {
      await this.outbox.done(jobId);
    } catch (error) {
      this.logger.warn({ err: error, queue, jobId }, 'outbox row of a finished job not released; queued again later');
    }
  }
}
