import { Injectable, Logger } from '@nestjs/common';
import { AuditLog, TenantTransactions } from '@openrathaus/database';
import type { OperatorSession } from './operator-session';

/** One action of an operator: what, on which subject, why. */
export interface OperatorAction {
  action: `operator.${string}`;
  /** The tenant the action touched; none for actions across all tenants (a search that found nothing). */
  tenantId?: string;
  subject: string | null;
  data: Record<string, unknown>;
}

/**
 * The audit of what operators do. An action on a tenant's data (a job retried, an application
 * looked up) goes into that tenant's audit trail, where its staff and auditors read it, with the
 * operator as actor (`operator:<email>`); an action without a tenant is written to the log as an
 * audit line.
 */
@Injectable()
export class OperatorAudit {
  private readonly logger = new Logger('OperatorAudit');

  constructor(
    private readonly transactions: TenantTransactions,
    private readonly auditLog: AuditLog,
  ) {}

  async record(operator: Pick<OperatorSession, 'email'>, entry: OperatorAction): Promise<void> {
    const actor = `operator:${operator.email}`;
    this.logger.log({ audit: true, actor, ...entry }, entry.action);
    if (!entry.tenantId) return;
    await this.transactions.run(entry.tenantId, (scope) =>
      this.auditLog.record(scope, { action: entry.action, actor, subject: entry.subject, data: entry.data }),
    );
  }
}
