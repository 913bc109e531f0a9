import { Injectable } from '@nestjs/common';
import { Applications, ApplicationSupportSummary } from '@openrathaus/applications';
import { AuditLog, TenantTransactions } from '@openrathaus/database';
import { TenantRegistry } from '@openrathaus/tenancy';
import { OperationsError, OperationsErrorCode } from './operations.error';
import { OperatorAudit } from './operator-audit.service';
import type { OperatorSession } from './operator-session';

/** One step of an application's history as support sees it: what happened when, and by whom. */
export interface SupportHistoryEntry {
  at: Date;
  action: string;
  actor: string | null;
  from?: string;
  to?: string;
}

/** An application found for support, with its tenant. */
export interface SupportCase extends ApplicationSupportSummary {
  tenant: string;
  tenantName: string;
  history: SupportHistoryEntry[];
}

const NUMBER = /^[A-Za-z0-9][A-Za-z0-9-]{2,39}$/;

/** Keeps of an audit entry's data only the moves of status; decisions' messages and answers stay out. */
const statusOnly = (data: Record<string, unknown>): Pick<SupportHistoryEntry, 'from' | 'to'> => ({
  ...(typeof data.from === 'string' ? { from: data.from } : {}),
  ...(typeof data.to === 'string' ? { to: data.to } : {}),
});

/**
 * Support across tenants: finds an application by its number, with a stated reason that goes into
 * the audit trail of the application's tenant before anything is shown. The operator sees status,
 * dates and history, never the answers or the applicant.
 */
@Injectable()
export class SupportLookup {
  constructor(
    private readonly applications: Applications,
    private readonly registry: TenantRegistry,
    private readonly transactions: TenantTransactions,
    private readonly auditLog: AuditLog,
    private readonly audit: OperatorAudit,
  ) {}

  async find(operator: OperatorSession, input: { number?: unknown; reason?: unknown }): Promise<SupportCase[]> {
    const number = typeof input.number === 'string' ? input.number.trim() : '';
    const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
    const faults = [];
    if (!NUMBER.test(number)) faults.push({ field: 'number', key: 'operations_application_number' });
    if (reason.length < 10 || reason.length > 500) faults.push({ field: 'reason', key: 'operations_reason' });
    if (faults.length) throw new OperationsError(OperationsErrorCode.InvalidInput, {}, faults);

    const found = await this.applications.locate(number);
    if (!found.length) {
      await this.audit.record(operator, {
        action: 'operator.support.search',
        subject: null,
        data: { number, reason, found: 0 },
      });
      return [];
    }
    const cases: SupportCase[] = [];
    for (const location of found) {
      const tenant = this.registry.getById(location.tenantId);
      if (!tenant) continue;
      // The reason is on record in the tenant's trail, in the same transaction as the read.
      const result = await this.transactions.run(tenant.id, async (scope) => {
        await this.auditLog.record(scope, {
          action: 'operator.support.lookup',
          actor: `operator:${operator.email}`,
          subject: `application:${location.id}`,
          data: { number, reason },
        });
        const summary = await this.applications.supportSummary(scope, location.id);
        const history = await this.auditLog.of(scope, `application:${location.id}`);
        return { summary, history };
      });
      if (!result.summary) continue;
      cases.push({
        ...result.summary,
        tenant: tenant.slug,
        tenantName: tenant.name,
        history: result.history.map((e) => ({
          at: e.createdAt,
          action: e.action,
          actor: e.actor,
          ...statusOnly(e.data ?? {}),
        })),
      });
    }
    return cases;
  }
}
