import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLog, TenantTransactions } from '@openrathaus/database';
import { HandlesJob, JobHandler, JobPayload, NOTIFICATION_BUS, NotificationBus } from '@openrathaus/jobs';
import { TenantsRepository } from './tenants.repository';

export const TENANTS_QUEUE = 'tenants';
export const TENANT_REFRESH_JOB = 'tenant.refresh';
/** Published when a tenant changed: every instance reloads it and drops its cached pages. */
export const TENANT_CHANGED = 'tenant-changed';

/**
 * Applies a changed tenant: records the change in the tenant's audit log (once per revision, so a
 * repeated job has no second effect) and tells every running instance to reload the tenant.
 */
@Injectable()
@HandlesJob(TENANTS_QUEUE, TENANT_REFRESH_JOB)
export class TenantRefreshHandler implements JobHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: TenantsRepository,
    private readonly transactions: TenantTransactions,
    private readonly audit: AuditLog,
    @Inject(NOTIFICATION_BUS) private readonly bus: NotificationBus,
  ) {}

  async handle(payload: JobPayload): Promise<string> {
    const row = await this.tenants.revision(this.dataSource.manager, payload.tenantId);
    if (!row) return 'gone';
    const { slug, revision, config_hash: hash, config_error: error } = row;
    const action = error ? 'tenant.stopped' : 'tenant.config_applied';
    // Recorded once per revision, so a repeated job is a no-op here.
    await this.transactions.inCurrentTenant((scope) =>
      this.audit.recordTenantChange(scope, {
        action,
        actor: 'system',
        subject: slug,
        data: { revision, hash, ...(error ? { error } : {}) },
        correlationId: payload.correlationId,
      }),
    );
    await this.bus.publish(TENANT_CHANGED, { tenantId: payload.tenantId, revision: String(revision) });
    return action;
  }
}
