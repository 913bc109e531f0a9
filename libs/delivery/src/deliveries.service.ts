import { Inject, Injectable, Logger } from '@nestjs/common';
import { Casework } from '@openrathaus/applications';
import { APP_CONFIG, AppConfig, FILE_STORAGE, FileStorage, isUuid } from '@openrathaus/core';
import { AuditLog, TenantScope, TenantTransactions } from '@openrathaus/database';
import { Outbox } from '@openrathaus/jobs';
import { Tenant, resolveDeliveryTarget } from '@openrathaus/tenancy';
import { DeliveriesRepository, DeliveryRow } from './deliveries.repository';
import { DeliveryError, DeliveryErrorCode } from './delivery.error';
import { fileLinkValid } from './file-links';

export const DELIVERY_QUEUE = 'delivery';
export const SEND_JOB = 'handoff.send';

/** What the `deliver` step asks for: one hand-off of an application, and the job that goes on after it. */
export interface HandoffRequest {
  applicationId: string;
  stepIndex: number;
  /** The definition's key (the service), by which the tenant may choose a target. */
  service: string;
  /** The target the definition names as its default (`email`, `webhook`, `fit-connect`). */
  stepTarget?: string;
  /** The responsible office's id (the step's office parameter). */
  officeId?: string;
  continueWith: { queue: string; name: string };
}

/** What a reason of a hand-off that cannot happen means, for the tenant admin. */
const UNREACHABLE = {
  no_address: 'no e-mail address: neither the office nor the tenant has one (tenant.yaml contact.email)',
  unknown_target: 'the tenant has no delivery target of this name (tenant.yaml delivery.targets)',
} as const;

/**
 * Hand-offs of applications to the offices' software. The workflow starts one in its transaction;
 * the worker sends it ({@link DeliverySendHandler}), retries it with growing waits and parks it as
 * a dead letter when it does not go through; a tenant admin sees those and sends one again.
 */
@Injectable()
export class Deliveries {
  private readonly logger = new Logger('Deliveries');

  constructor(
    private readonly rows: DeliveriesRepository,
    private readonly outbox: Outbox,
    private readonly transactions: TenantTransactions,
    private readonly auditLog: AuditLog,
    private readonly casework: Casework,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Starts the hand-off of an application's step in the caller's transaction (once: a second call
   * finds the first). A target that cannot be reached makes a dead letter at once, which the
   * tenant admin sees, never a hand-off recorded as done.
   */
  /** The dead letters of every tenant (hand-offs given up), for the metrics. */
  deadLetters(): Promise<{ tenantId: string; count: number }[]> {
    return this.rows.deadLetters();
  }

  async start(scope: TenantScope, tenant: Tenant, request: HandoffRequest): Promise<DeliveryRow> {
    const existing = await this.rows.ofStep(scope, request.applicationId, request.stepIndex);
    if (existing) return existing;
    const resolved = resolveDeliveryTarget(tenant.config, request.service, request.stepTarget, request.officeId);
    const base = {
      applicationId: request.applicationId,
      stepIndex: request.stepIndex,
      continueQueue: request.continueWith.queue,
      continueJob: request.continueWith.name,
    };
    if (!resolved.ok) {
      const row = await this.rows.create(scope, {
        ...base,
        target: resolved.target,
        kind: 'email',
        status: 'dead',
        lastError: UNREACHABLE[resolved.reason],
      });
      this.logger.error(
        { tenant: tenant.slug, applicationId: request.applicationId, target: resolved.target, reason: resolved.reason },
        'application cannot be handed over',
      );
      await this.audit(scope, row, 'application.delivery_failed', null, {
        target: resolved.target,
        reason: resolved.reason,
      });
      return row;
    }
    const row = await this.rows.create(scope, { ...base, target: resolved.target.id, kind: resolved.target.kind });
    await this.outbox.add(scope, DELIVERY_QUEUE, SEND_JOB, { deliveryId: row.id });
    return row;
  }

  ofStep(scope: TenantScope, applicationId: string, stepIndex: number): Promise<DeliveryRow | undefined> {
    return this.rows.ofStep(scope, applicationId, stepIndex);
  }

  /** The hand-offs of an application, for its page in the back office. */
  ofApplication(tenant: Pick<Tenant, 'id'>, applicationId: string): Promise<DeliveryRow[]> {
    return this.transactions.run(tenant.id, (scope) => this.rows.ofApplication(scope, applicationId));
  }

  /** Hand-offs that are being retried or need a person, newest change first. */
  failed(tenant: Pick<Tenant, 'id'>, limit = 200): Promise<(DeliveryRow & { number: string | null })[]> {
    return this.transactions.run(tenant.id, async (scope) => {
      const rows = await this.rows.failed(scope, limit);
      const numbers = await this.casework.numbers(scope, [...new Set(rows.map((r) => r.applicationId))]);
      return rows.map((r) => ({ ...r, number: numbers.get(r.applicationId) ?? null }));
    });
  }

  /**
   * Sends a hand-off that failed again, as a tenant admin asks (after fixing the target, say):
   * its attempts count from nought, its id stays (receivers drop a repeat). Audited with who.
   */
  async resend(tenant: Pick<Tenant, 'id'>, id: string, actor: string): Promise<DeliveryRow> {
    if (!isUuid(id)) throw new DeliveryError(DeliveryErrorCode.NotFound, { id: String(id).slice(0, 40) });
    return this.transactions.run(tenant.id, async (scope) => {
      const before = await this.rows.byId(scope, id);
      if (!before) throw new DeliveryError(DeliveryErrorCode.NotFound, { id });
      const row = await this.rows.reopen(scope, id);
      if (!row) throw new DeliveryError(DeliveryErrorCode.NotFailed, { id, status: before.status });
      await this.outbox.add(scope, DELIVERY_QUEUE, SEND_JOB, { deliveryId: row.id });
      await this.audit(scope, row, 'application.delivery_resent', actor, { target: row.target, before: before.status });
      return row;
    });
  }

  /**
   * Retention: an application's hand-off payloads go (the PDF summaries kept for the receivers'
   * links, and what the receivers answered), once the caller's transaction commits. The rows stay
   * with an anonymised application and go with a deleted one. Returns how many hand-offs it had.
   */
  async forget(scope: TenantScope, applicationId: string): Promise<number> {
    const ids = await this.rows.forget(scope, applicationId);
    scope.afterCommit(() => {
      for (const id of ids) {
        this.storage
          .delete(summaryKey(scope.tenantId, id))
          .catch((error: unknown) =>
            this.logger.warn({ err: error, handoffId: id }, 'summary of a forgotten hand-off not removed'),
          );
      }
    });
    return ids.length;
  }

  /**
   * A file of a hand-off for a receiver that follows a signed link: the PDF summary or one of the
   * application's files. The link must be the platform's and unexpired.
   */
  async linkedFile(
    tenant: Pick<Tenant, 'id'>,
    handoffId: string,
    fileId: string,
    expires: string | undefined,
    signature: string | undefined,
  ): Promise<{ filename: string; mediaType: string; bytes: Buffer }> {
    const refuse = () => new DeliveryError(DeliveryErrorCode.LinkInvalid, { fileId });
    if (!isUuid(handoffId) || !fileLinkValid(this.config.secret, handoffId, fileId, expires, signature, new Date())) {
      throw refuse();
    }
    return this.transactions.run(tenant.id, async (scope) => {
      const row = await this.rows.byId(scope, handoffId);
      if (!row) throw refuse();
      if (fileId === 'summary') {
        const bytes = await this.storage.get(summaryKey(tenant.id, row.id));
        if (!bytes) throw refuse();
        return { filename: 'antrag.pdf', mediaType: 'application/pdf', bytes };
      }
      const file = await this.casework.file(scope, row.applicationId, fileId);
      if (!file) throw refuse();
      return file;
    });
  }

  audit(
    scope: TenantScope,
    row: Pick<DeliveryRow, 'applicationId' | 'id'>,
    action: string,
    actor: string | null,
    data: Record<string, unknown>,
  ): Promise<void> {
    return this.auditLog.record(scope, {
      action,
      actor,
      subject: `application:${row.applicationId}`,
      data: { handoffId: row.id, ...data },
    });
  }
}

/** Where a hand-off's PDF summary is kept. */
export const summaryKey = (tenantId: string, handoffId: string): string =>
  `${tenantId}/deliveries/${handoffId}/antrag.pdf`;
