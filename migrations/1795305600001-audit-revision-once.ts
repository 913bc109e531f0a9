import { MigrationInterface, QueryRunner } from 'typeorm';

/** A tenant change is recorded once per revision, whatever a repeated job does. */
export class AuditRevisionOnce1795305600001 implements MigrationInterface {
  name = 'AuditRevisionOnce1795305600001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create unique index audit_log_tenant_revision on public.audit_log (tenant_id, action, subject, (data->>'revision'))
        where action like 'tenant.%'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index public.audit_log_tenant_revision`);
  }
}
