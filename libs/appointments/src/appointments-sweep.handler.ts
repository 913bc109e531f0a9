import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { HandlesJob, JobHandler, JobPayload, JobQueues } from '@openrathaus/jobs';
import { TenantRegistry } from '@openrathaus/tenancy';
import { Appointments } from './appointments.service';
import { bookableOffices } from './office-calendars';

export const APPOINTMENTS_QUEUE = 'appointments';
export const APPOINTMENTS_SWEEP_JOB = 'appointments.sweep';
/** How often each tenant's holds and reminders are looked at. */
export const APPOINTMENTS_SWEEP_EVERY_MS = 5 * 60 * 1000;

/**
 * The timed work of appointments, per tenant with offices that book: holds not confirmed in time
 * are let go, and a reminder goes out a day before. A repeatable job per tenant runs it
 * ({@link schedule}, from the worker); a run repeated or overlapping reminds no one twice (each
 * reminder is recorded in the same transaction as its mail).
 */
@Injectable()
@HandlesJob(APPOINTMENTS_QUEUE, APPOINTMENTS_SWEEP_JOB)
export class AppointmentsSweepHandler implements JobHandler {
  constructor(
    private readonly appointments: Appointments,
    private readonly registry: TenantRegistry,
    private readonly queues: JobQueues,
  ) {}

  async handle(payload: JobPayload): Promise<{ expired: number; reminded: number } | { skipped: string }> {
    const tenant = this.registry.getById(payload.tenantId) ?? (await this.registry.reload(payload.tenantId));
    if (!tenant) return { skipped: 'unknown tenant' };
    return this.appointments.sweep(tenant);
  }

  /** Sets up the repeatable job of every tenant whose offices book appointments; the worker calls it at start. */
  async schedule(): Promise<number> {
    await this.registry.loadAll();
    const queue = this.queues.queue(APPOINTMENTS_QUEUE);
    let count = 0;
    for (const tenant of this.registry.all()) {
      if (!bookableOffices(tenant).length) continue;
      await queue.upsertJobScheduler(
        `appointments:${tenant.id}`,
        { every: APPOINTMENTS_SWEEP_EVERY_MS },
        {
          name: APPOINTMENTS_SWEEP_JOB,
          data: { tenantId: tenant.id, correlationId: randomUUID() },
          opts: { attempts: 3, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
        },
      );
      count++;
    }
    return count;
  }
}
