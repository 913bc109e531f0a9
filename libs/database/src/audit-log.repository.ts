import { Injectable } from '@nestjs/common';
import { TenantScope } from './tenant-scope';

/** One entry of a tenant's audit log: who did what to which subject. */
export interface AuditRecord {
  action: string;
  actor: string | null;
  subject: string | null;
  data: Record<string, unknown>;
  correlationId?: string | null;
}

/**
 * The owner of `audit_log`: every lib appends its entries here, in the transaction of the change
 * they record, so a change and its entry commit or roll back together.
 */
@Injectable()
export class AuditLog {
  /** Appends an entry in the caller's transaction. */
  async record(scope: TenantScope, entry: AuditRecord): Promise<void> {
    await scope.query(
      `insert into public.audit_log (tenant_id, action, actor, subject, data, correlation_id)
       values ($1, $2, $3, $4, $5, $6)`,
      [scope.tenantId, ...values(entry)],
    );
  }

  /**
   * Appends a tenant's change (an action `tenant.*` with `data.revision`) once per revision: a
   * repeated entry is dropped by the unique index on (tenant, action, subject, revision).
   */
  async recordTenantChange(scope: TenantScope, entry: AuditRecord): Promise<void> {
    await scope.query(
      `insert into public.audit_log (tenant_id, action, actor, subject, data, correlation_id)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (tenant_id, action, subject, (data->>'revision')) where action like 'tenant.%' do nothing`,
      [scope.tenantId, ...values(entry)],
    );
  }
}

const values = (entry: AuditRecord): unknown[] => [
  entry.action,
  entry.actor,
  entry.subject,
  JSON.stringify(entry.data),
  entry.correlationId ?? null,
];
