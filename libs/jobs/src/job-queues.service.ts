import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { findContext, isUuid, newCorrelationId } from '@openrathaus/core';
import { JobsError, JobsErrorCode } from './jobs.error';
import { JobIds, JobPayload } from './job.types';
import { QUEUE_BACKEND } from './jobs.tokens';
import type { QueueBackend } from './queue-backend';

/**
 * Retries with exponential backoff over about 17 minutes (2 s, 4 s, … 512 s): long enough for the
 * claim a dead worker left on its work to run out (a mail is held for a minute; a job that finds
 * it held fails and comes again) and for a short outage of PostgreSQL. Finished jobs are kept a
 * while for the operator to see.
 */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** Enqueues jobs. The payload is ids only, plus the correlation id of the current request or job. */
@Injectable()
export class JobQueues implements OnApplicationShutdown {
  private readonly queues = new Map<string, Queue>();

  constructor(@Inject(QUEUE_BACKEND) private readonly backend: QueueBackend) {}

  queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = this.backend.createQueue(name);
      this.queues.set(name, queue);
    }
    return queue;
  }

  async enqueue(queue: string, name: string, ids: JobIds, options: JobsOptions = {}): Promise<string> {
    for (const [key, value] of Object.entries(ids)) {
      if (typeof value !== 'string') throw new JobsError(JobsErrorCode.InvalidPayload, { key });
    }
    if (!isUuid(ids.tenantId)) throw new JobsError(JobsErrorCode.InvalidPayload, { key: 'tenantId' });
    const payload: JobPayload = { ...ids, correlationId: findContext()?.correlationId ?? newCorrelationId() };
    // An id of our own: BullMQ's PostgreSQL store would otherwise create a sequence per queue at the
    // first job, which the application role may not (it owns nothing in the queue schema).
    const job = await this.queue(queue).add(name, payload, { ...DEFAULT_JOB_OPTIONS, jobId: randomUUID(), ...options });
    return String(job.id);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
