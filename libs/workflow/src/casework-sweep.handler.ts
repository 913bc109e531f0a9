import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Applications } from '@openrathaus/applications';
import { TenantTransactions } from '@openrathaus/database';
import { HandlesJob, JobHandler, JobPayload, JobQueues } from '@openrathaus/jobs';
import { Tenant, TenantRegistry, caseworkSettings } from '@openrathaus/tenancy';
import { Workflow } from './workflow.service';

export const CASEWORK_QUEUE = 'casework';
export const CASEWORK_SWEEP_JOB = 'casework.sweep';
/** How often each tenant's requests for information are looked at. */
export const CASEWORK_SWEEP_EVERY_MS = 60 * 60 * 1000;

const DAY_MS = 24 * 3600 * 1000;
/** Applications handled per tenant and run; the rest wait for the next run. */
const BATCH = 200;

/** What one run did for one tenant. */
export interface SweepResult {
  reminded: number;
  closed: number;
}

/**
 * The time limits of requests for information, per tenant (`casework` of `tenant.yaml`): a
 * request unanswered for `reminderDays` is reminded of once, one unanswered for `closeDays` is
 * closed as rejected ("no answer"). A repeatable job per tenant runs it ({@link schedule}, from
 * the worker); a run repeated or overlapping does nothing twice (each application is read again,
 * locked, and the reminder is recorded once per request).
 */
@Injectable()
@HandlesJob(CASEWORK_QUEUE, CASEWORK_SWEEP_JOB)
export class CaseworkSweepHandler implements JobHandler {
  private readonly logger = new Logger('CaseworkSweep');

  constructor(
    private readonly workflow: Workflow,
    private readonly applications: Applications,
    private readonly transactions: TenantTransactions,
    private readonly registry: TenantRegistry,
    private readonly queues: JobQueues,
  ) {}

  async handle(payload: JobPayload): Promise<SweepResult | { skipped: string }> {
    const tenant = this.registry.getById(payload.tenantId) ?? (await this.registry.reload(payload.tenantId));
    if (!tenant) return { skipped: 'unknown tenant' };
    return this.sweep(tenant);
  }

  /** Closes and reminds what is due for the tenant at `now`. */
  async sweep(tenant: Tenant, now = new Date()): Promise<SweepResult> {
    const { reminderDays, closeDays } = caseworkSettings(tenant);
    const closeBefore = new Date(now.getTime() - closeDays * DAY_MS);
    const remindBefore = new Date(now.getTime() - reminderDays * DAY_MS);
    const due = (before: Date) =>
      this.transactions.run(tenant.id, (scope) => this.applications.inStatusSince(scope, 'needs_info', before, BATCH));
    let closed = 0;
    for (const application of await due(closeBefore)) {
      if (await this.workflow.closeUnanswered(tenant, application.id, closeBefore)) closed++;
    }
    let reminded = 0;
    // A limit for the reminder at or after the close: closing is all there is to do.
    if (reminderDays < closeDays) {
      for (const application of await due(remindBefore)) {
        if (await this.workflow.remindOfRequest(tenant, application.id, now)) reminded++;
      }
    }
    if (closed || reminded) this.logger.log({ tenant: tenant.slug, closed, reminded }, 'requests for information');
    return { reminded, closed };
  }

  /**
   * Sets up the repeatable job of every tenant (once per tenant, however often it is called):
   * the worker calls it at start. A tenant added later is included at the next start.
   */
  async schedule(): Promise<number> {
    await this.registry.loadAll();
    const queue = this.queues.queue(CASEWORK_QUEUE);
    let count = 0;
    for (const tenant of this.registry.all()) {
      await queue.upsertJobScheduler(
        `casework:${tenant.id}`,
        { every: CASEWORK_SWEEP_EVERY_MS },
        {
          name: CASEWORK_SWEEP_JOB,
          data: { tenantId: tenant.id, correlationId: randomUUID() },
          opts: { attempts: 3, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
        },
      );
      count++;
    }
    return count;
  }
}
