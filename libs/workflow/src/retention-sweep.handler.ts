import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Applications } from '@openrathaus/applications';
import { ProcessDefinitionsRepository, Retention, retentionCutoff, retentionOf } from '@openrathaus/catalog';
import { Clock, systemClock } from '@openrathaus/core';
import { AuditLog, TenantTransactions } from '@openrathaus/database';
import { Deliveries } from '@openrathaus/delivery';
import { Documents } from '@openrathaus/documents';
import { HandlesJob, JobHandler, JobPayload, JobQueues } from '@openrathaus/jobs';
import { Mailbox, Mailer } from '@openrathaus/messaging';
import { Tenant, TenantRegistry } from '@openrathaus/tenancy';
import { RetentionParticipants } from './retention-participants';
import { StepEffects } from './step-effects.repository';

export const RETENTION_QUEUE = 'retention';
export const RETENTION_SWEEP_JOB = 'retention.sweep';
/** How often each tenant's closed applications are looked at: once a day. */
export const RETENTION_SWEEP_EVERY_MS = 24 * 60 * 60 * 1000;
/** The audit entry of each run of a tenant. */
export const RETENTION_AUDIT_ACTION = 'retention.swept';
/** Injection token of the clock the sweep counts periods from (tests move it). */
export const RETENTION_CLOCK = Symbol('RETENTION_CLOCK');

/** Applications read per definition and batch. */
const BATCH = 200;

/** What one run did for one tenant. */
export interface RetentionResult {
  /** Applications removed. */
  deleted: number;
  /** Applications stripped of personal data, kept for the statistics. */
  anonymised: number;
  /** Issued documents whose holder, text and PDF went (they stay verifiable). */
  documents: number;
  /** Attachment files removed from the storage. */
  files: number;
  /** Mails whose stored address and data went. */
  mails: number;
  /** Applications that failed (logged); the next run tries them again. */
  failed: number;
}

const empty = (): RetentionResult => ({ deleted: 0, anonymised: 0, documents: 0, files: 0, mails: 0, failed: 0 });

/**
 * Retention: applications whose final status (completed, rejected, withdrawn) lies longer ago
 * than their definition version's `retention.after` are deleted or anonymised (`action`); a
 * definition without `retention` keeps them. Each application is forgotten in one transaction of
 * its tenant, each lib removing what it owns through its own method; issued documents stay
 * verifiable. A repeatable job per tenant runs it once a day ({@link schedule}, from the worker);
 * every run writes an audit entry with its counts. A run repeated or overlapping does nothing
 * twice: each application is locked and checked again before anything is done.
 */
@Injectable()
@HandlesJob(RETENTION_QUEUE, RETENTION_SWEEP_JOB)
export class RetentionSweepHandler implements JobHandler {
  private readonly logger = new Logger('RetentionSweep');

  constructor(
    private readonly transactions: TenantTransactions,
    private readonly registry: TenantRegistry,
    private readonly queues: JobQueues,
    private readonly audit: AuditLog,
    private readonly definitions: ProcessDefinitionsRepository,
    private readonly applications: Applications,
    private readonly documents: Documents,
    private readonly mailer: Mailer,
    private readonly mailbox: Mailbox,
    private readonly effects: StepEffects,
    private readonly participants: RetentionParticipants,
    private readonly deliveries: Deliveries,
    @Optional() @Inject(RETENTION_CLOCK) private readonly clock: Clock = systemClock,
  ) {}

  async handle(payload: JobPayload): Promise<RetentionResult | { skipped: string }> {
    const tenant = this.registry.getById(payload.tenantId) ?? (await this.registry.reload(payload.tenantId));
    if (!tenant) return { skipped: 'unknown tenant' };
    return this.sweep(tenant, this.clock.now(), payload.correlationId);
  }

  /** Deletes and anonymises what is due for the tenant at `now`, and audits the run. */
  async sweep(tenant: Tenant, now = this.clock.now(), correlationId?: string): Promise<RetentionResult> {
    const result = empty();
    const rules = await this.transactions.run(tenant.id, async (scope) => {
      const ids = await this.applications.closedDefinitionIds(scope);
      const rows = await this.definitions.retentions(scope, ids);
      return rows.flatMap((row) => {
        const retention = retentionOf(row.retention);
        return retention ? [{ definitionId: row.id, retention }] : [];
      });
    });
    for (const { definitionId, retention } of rules) {
      await this.sweepDefinition(tenant, definitionId, retention, now, result);
    }
    await this.transactions.run(tenant.id, (scope) =>
      this.audit.record(scope, {
        action: RETENTION_AUDIT_ACTION,
        actor: 'retention',
        subject: 'retention',
        data: { ...result, at: now.toISOString() },
        correlationId: correlationId ?? null,
      }),
    );
    const done = result.deleted + result.anonymised + result.failed;
    if (done) this.logger.log({ tenant: tenant.slug, ...result }, 'retention');
    return result;
  }

  private async sweepDefinition(
    tenant: Tenant,
    definitionId: string,
    retention: Retention,
    now: Date,
    result: RetentionResult,
  ): Promise<void> {
    const before = retentionCutoff(now, retention.after);
    const failed = new Set<string>();
    for (;;) {
      // Those that failed in this run come again first (oldest first): asked for on top of a batch.
      const limit = BATCH + failed.size;
      const due = await this.transactions.run(tenant.id, (scope) =>
        this.applications.closedBefore(scope, definitionId, before, limit),
      );
      const todo = due.filter((id) => !failed.has(id));
      if (!todo.length) return;
      for (const id of todo) {
        try {
          await this.forget(tenant, id, retention, before, result);
        } catch (error) {
          failed.add(id);
          result.failed++;
          this.logger.error({ err: error, tenant: tenant.slug, applicationId: id }, 'retention failed');
        }
      }
      if (due.length < limit) return;
    }
  }

  /** Forgets one application in one transaction of its tenant; nothing when it is no longer due. */
  private forget(
    tenant: Tenant,
    applicationId: string,
    retention: Retention,
    before: Date,
    result: RetentionResult,
  ): Promise<void> {
    return this.transactions.run(tenant.id, async (scope) => {
      if (!(await this.applications.lockDue(scope, applicationId, before))) return;
      // First what refers to the application: deleting it would cut the links these are found by.
      const documents = await this.documents.forget(scope, applicationId);
      const mails = await this.mailer.forget(scope, applicationId);
      await this.mailbox.forget(scope, applicationId);
      await this.deliveries.forget(scope, applicationId);
      // The libs the workflow does not import: the back office's notes.
      for (const participant of this.participants.all()) {
        await participant.forget(scope, applicationId, retention.action);
      }
      let files: number;
      if (retention.action === 'delete') {
        await this.effects.forget(scope, applicationId);
        files = await this.applications.forget(scope, applicationId);
      } else {
        files = await this.applications.anonymise(scope, applicationId);
      }
      scope.afterCommit(() => {
        result[retention.action === 'delete' ? 'deleted' : 'anonymised']++;
        result.documents += documents;
        result.mails += mails;
        result.files += files;
      });
    });
  }

  /**
   * Sets up the repeatable job of every tenant (once per tenant, however often it is called):
   * the worker calls it at start. A tenant added later is included at the next start.
   */
  async schedule(): Promise<number> {
    await this.registry.loadAll();
    const queue = this.queues.queue(RETENTION_QUEUE);
    let count = 0;
    for (const tenant of this.registry.all()) {
      await queue.upsertJobScheduler(
        `retention:${tenant.id}`,
        { every: RETENTION_SWEEP_EVERY_MS },
        {
          name: RETENTION_SWEEP_JOB,
          data: { tenantId: tenant.id, correlationId: randomUUID() },
          opts: { attempts: 3, removeOnComplete: { count: 30 }, removeOnFail: { count: 30 } },
        },
      );
      count++;
    }
    return count;
  }
}
