import { Injectable, Logger } from '@nestjs/common';

/** How a job's run ended: done, failed and tried again later, or failed for good. */
export type JobOutcome = 'completed' | 'failed' | 'dead';

export type JobOutcomeListener = (queue: string, outcome: JobOutcome) => void;

/**
 * The outcomes of the jobs this process runs, for whoever counts them (the metrics): the jobs lib
 * knows nothing of metrics, the metrics listen here. A listener that throws is logged, never
 * allowed to fail the job.
 */
@Injectable()
export class JobOutcomes {
  private readonly logger = new Logger(JobOutcomes.name);
  private readonly listeners: JobOutcomeListener[] = [];

  listen(listener: JobOutcomeListener): void {
    this.listeners.push(listener);
  }

  report(queue: string, outcome: JobOutcome): void {
    for (const listener of this.listeners) {
      try {
        listener(queue, outcome);
      } catch (error) {
        this.logger.warn({ err: error, queue, outcome }, 'job outcome listener failed');
      }
    }
  }
}
