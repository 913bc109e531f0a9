import { Injectable } from '@nestjs/common';
import type { ConsoleScope } from './console-transactions.service';
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

  /**
   * Appends an operator's action in the console's transaction: to the log of the tenant it
   * concerns, or to the platform's (no tenant) when it concerns none (a login).
   */
  async recordByOperator(scope: ConsoleScope, tenantId: string | null, entry: AuditRecord): Promise<void> {
    await scope.query(
      `insert into public.audit_log (tenant_id, action, actor, subject, data, correlation_id)
       values ($1, $2, $3, $4, $5, $6)`,
      [tenantId, ...values(entry)],
    );
  }

  /** The operators' actions across tenants (`operator.*`), newest first; `tenantId` narrows them to one tenant. */
  async operatorTrail(scope: ConsoleScope, options: { limit: number; tenantId?: string }): Promise<AuditEntry[]> {
    const rows = await scope.query<AuditRow>(
      `select id, action, actor, subject, data, correlation_id, created_at from public.audit_log
        where action like 'operator.%' and ($1::uuid is null or tenant_id = $1::uuid)
        order by created_at desc, id desc limit $2`,
      [options.tenantId ?? null, options.limit],
    );
    return rows.map(toEntry);
  }

  /** The entries about one subject (an application's history), oldest first. */
  async of(scope: TenantScope, subject: string, limit = 500): Promise<AuditEntry[]> {
    const rows = await scope.query<AuditRow>(
      `select id, action, actor, subject, data, correlation_id, created_at from public.audit_log
        where subject = $1 order by created_at, id limit $2`,
      [subject, limit],
    );
    return rows.map(toEntry);
  }

  /**
   * The tenant's trail, newest first, optionally only actions starting with `prefix`; `before` is
   * the last entry of the previous page.
   */
  async page(
    scope: TenantScope,
    options: { limit: number; prefix?: string; before?: { createdAt: Date; id: string } },
  ): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (options.prefix) {
      params.push(`${options.prefix.replace(/[\\%_]/g, '\\$&')}%`);
      where.push(`action like $${params.length}`);
    }
    if (options.before) {
      params.push(options.before.createdAt, options.before.id);
      where.push(`(created_at, id) < ($${params.length - 1}, $${params.length}::uuid)`);
    }
    params.push(options.limit);
    const rows = await scope.query<AuditRow>(
      `select id, action, actor, subject, data, correlation_id, created_at from public.audit_log
        ${where.length ? `where ${where.join(' and ')}` : ''}
        order by created_at desc, id desc limit $${params.length}`,
      params,
    );
    return rows.map(toEntry);
  }
}

/** An entry as it is read back. */
export interface AuditEntry extends AuditRecord {
  id: string;
  createdAt: Date;
}

interface AuditRow {
  id: string;
  action: string;
  actor: string | null;
  subject: string | null;
  data: Record<string, unknown>;
  correlation_id: string | null;
  created_at: Date;
}

const toEntry = (row: AuditRow): AuditEntry => ({
  id: row.id,
  action: row.action,
  actor: row.actor,
  subject: row.subject,
  data: row.data,
  correlationId: row.correlation_id,
  createdAt: row.created_at,
});

const values = (entry: AuditRecord): unknown[] => [
  entry.action,
  entry.actor,
  entry.subject,
  JSON.stringify(entry.data),
  entry.correlationId ?? null,
];
