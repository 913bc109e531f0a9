import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@openrathaus/core';
import { JOBS_OPTIONS, JobQueues, JobsModuleOptions } from '@openrathaus/jobs';
import { DeliveriesRepository } from './deliveries.repository';
import { DELIVERY_QUEUE, SEND_JOB } from './deliveries.service';

const BATCH = 100;
/** How long a queued attempt keeps the poller from queueing the row again. */
const QUEUED_SECONDS = 120;

/**
 * Where workers run: looks every `DELIVERY_POLL_MS` for hand-offs whose next attempt is due (or
 * whose sender died holding them) in every tenant, and queues a job for each. The state lives in
 * PostgreSQL, not in Redis: a Redis that restarts empty loses no retry, and a queued attempt for a
 * row another sender has is skipped by the handler.
 */
@Injectable()
export class DeliveryPoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DeliveryPoller');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly rows: DeliveriesRepository,
    private readonly queues: JobQueues,
    @Inject(JOBS_OPTIONS) private readonly jobs: JobsModuleOptions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.jobs.runWorkers) return;
    this.timer = setInterval(() => void this.poll(), this.config.delivery.pollMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One round; a round still running makes this one a no-op. Resolves with the number queued. */
  poll(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.round()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'delivery poll failed; tried again'))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async round(): Promise<void> {
    for (;;) {
      const due = await this.rows.due(BATCH, QUEUED_SECONDS);
      for (const row of due) {
        await this.queues.enqueue(
          DELIVERY_QUEUE,
          SEND_JOB,
          { tenantId: row.tenantId, deliveryId: row.id },
          { jobId: `handoff-${row.id}-${row.attempts}-${Date.now()}` },
        );
      }
      if (due.length < BATCH || !this.timer) return;
    }
  }
}
