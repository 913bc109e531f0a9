import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from './1795305600000-foundation';

/**
 * The effects of workflow steps (a document, a mail, a hand-off, a payment request), each under
 * its idempotency key `<applicationId>:<stepIndex>:<kind>` with its result: a step run again by a
 * retried job finds its effect recorded and does not repeat it.
 */
export class WorkflowEffects1795305600012 implements MigrationInterface {
  name = 'WorkflowEffects1795305600012';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table public.workflow_effects (
        tenant_id uuid not null references public.tenants(id) on delete cascade,
        key text not null,
        application_id uuid not null references public.applications(id) on delete cascade,
        step_index integer not null,
        kind text not null,
        result jsonb not null default '{}',
        created_at timestamptz not null default now(),
        primary key (tenant_id, key)
      )`);
    await q.query(`create index workflow_effects_application on public.workflow_effects (tenant_id, application_id)`);
    await enableTenantRls(q, 'workflow_effects');
    // Append-only for the application: an effect that happened stays recorded.
    await q.query(`grant select, insert on public.workflow_effects to openrathaus_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table public.workflow_effects`);
  }
}
