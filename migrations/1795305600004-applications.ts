import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from './1795305600000-foundation';

/** Applications, each bound to the definition version it began with. */
export class Applications1795305600004 implements MigrationInterface {
  name = 'Applications1795305600004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table public.applications (
        id uuid primary key default gen_random_uuid(),
        tenant_id uuid not null references public.tenants(id) on delete cascade,
        service_key text not null,
        definition_id uuid not null references public.process_definitions(id),
        definition_ref text not null,
        status text not null check (status in ('draft', 'submitted', 'payment_pending', 'paid', 'in_review',
                                               'needs_info', 'approved', 'rejected', 'completed')),
        answers jsonb not null default '{}',
        parameters jsonb not null default '{}',
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    await q.query(
      `create index applications_tenant_status on public.applications (tenant_id, status, created_at desc)`,
    );
    await enableTenantRls(q, 'applications');
    await q.query(`grant select, insert, update on public.applications to openrathaus_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table public.applications`);
  }
}
