import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig, findContext } from '@openrathaus/core';
import { AuditLog, TenantScope, TenantTransactions } from '@openrathaus/database';
import { ApplicationEntity, ApplicationStatus, Applications } from '@openrathaus/applications';
import { Tenant, tenantBaseUrl } from '@openrathaus/tenancy';
import { canMove } from './application-states';
import { WorkflowError, WorkflowErrorCode } from './workflow.error';

/**
 * How an application moves on: status changes the state table allows, each with its audit entry,
 * and the step position, written in the caller's transaction. Shared by the workflow and its steps.
 */
@Injectable()
export class ApplicationProgress {
  private readonly logger = new Logger(ApplicationProgress.name);

  constructor(
    private readonly transactions: TenantTransactions,
    private readonly applications: Applications,
    private readonly auditLog: AuditLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Moves an application to another status, with its audit entry, in the caller's transaction. */
  async move(
    scope: TenantScope,
    application: ApplicationEntity,
    to: ApplicationStatus,
    actor: string | null,
    data: Record<string, unknown>,
  ): Promise<void> {
    const from = application.status;
    if (!canMove(from, to)) throw new WorkflowError(WorkflowErrorCode.InvalidTransition, { from, to });
    if (!(await this.applications.moveStatus(scope, application.id, from, to)))
      throw new WorkflowError(WorkflowErrorCode.InvalidTransition, { from, to });
    application.status = to;
    await this.audit(scope, application, 'application.status', actor, { from, to, ...data });
  }

  /**
   * Runs `work` and then moves the application past its current step, in one transaction with
   * the application locked. Nothing happens when another run has moved it past the step meanwhile.
   */
  completeStep(
    tenant: Tenant,
    application: ApplicationEntity,
    work?: (scope: TenantScope, locked: ApplicationEntity) => Promise<void | boolean>,
  ): Promise<void> {
    return this.transactions.run(tenant.id, async (scope) => {
      const locked = (await this.applications.pinnedIn(scope, application.id, undefined, true)).application;
      if (locked.stepIndex !== application.stepIndex) return;
      // `false`: the step's work is under way but not done; the step stays.
      if ((await work?.(scope, locked)) === false) return;
      await this.finishStep(scope, locked);
    });
  }

  async finishStep(scope: TenantScope, application: ApplicationEntity): Promise<void> {
    await this.applications.advanceStep(scope, application.id);
    application.stepIndex += 1;
  }

  /**
   * A mail to the applicant that cannot go out: the application has no account with a confirmed
   * address. Nothing is queued (so nothing counts as sent); the failure is logged and written into
   * the application's history, where the office sees it.
   */
  async withheld(scope: TenantScope, application: ApplicationEntity, mail: string): Promise<void> {
    this.logger.error(
      { applicationId: application.id, mail },
      'mail to the applicant not sent: the account has no confirmed address',
    );
    await this.audit(scope, application, 'application.mail_withheld', 'workflow', {
      mail,
      reason: 'no_verified_address',
    });
  }

  async audit(
    scope: TenantScope,
    application: ApplicationEntity,
    action: string,
    actor: string | null,
    data: Record<string, unknown>,
  ): Promise<void> {
    await this.auditLog.record(scope, {
      action,
      actor,
      subject: `application:${application.id}`,
      data,
      correlationId: findContext()?.correlationId ?? null,
    });
  }

  /** The tenant's own address: links in mails, documents and payment returns never come from a request. */
  baseUrl(tenant: Tenant): string {
    return tenantBaseUrl(tenant, this.config);
  }
}
