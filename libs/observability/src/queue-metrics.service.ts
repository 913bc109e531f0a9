import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { JobOutcomes, QUEUE_STATES, QueueInspector } from '@openrathaus/jobs';
import { Metrics } from './metrics.service';

/** How long a scrape waits for the queue store before it answers without the queues' figures. */
const COLLECT_TIMEOUT_MS = 2000;

/**
 * The queues in the metrics: their depth by state, read from the queue store at each scrape (every
 * instance sees the same store, so dashboards take the maximum over instances), and the outcomes
 * of the jobs this process ran (`openrathaus_jobs_total`).
 */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  private readonly logger = new Logger(QueueMetrics.name);

  constructor(
    private readonly metrics: Metrics,
    private readonly inspector: QueueInspector,
    private readonly outcomes: JobOutcomes,
  ) {}

  onModuleInit(): void {
    this.outcomes.listen((queue, outcome) => this.metrics.jobs.labels({ queue, outcome }).inc());
    const inspector = this.inspector;
    const logger = this.logger;
    new Gauge({
      name: 'openrathaus_queue_jobs',
      help: 'Jobs in each queue by state (waiting, active, delayed, failed)',
      labelNames: ['queue', 'state'] as const,
      registers: [this.metrics.registry],
      async collect() {
        this.reset();
        let timer: NodeJS.Timeout | undefined;
        try {
          const counts = await Promise.race([
            inspector.counts(),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error('queue store did not answer')), COLLECT_TIMEOUT_MS);
            }),
          ]);
          for (const [queue, byState] of Object.entries(counts)) {
            for (const state of QUEUE_STATES) if (state !== 'dead') this.set({ queue, state }, byState[state]);
          }
        } catch (error) {
          // A scrape without the queues' figures: the alert on their absence says the rest.
          logger.warn({ err: error }, 'queue depth not collected');
        } finally {
          clearTimeout(timer);
        }
      },
    });
  }
}
