import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from './1795305600000-foundation';

/**
 * Reports of barriers (BITV 2.0 feedback mechanism): what a visitor could not use, on which page,
 * and how to answer; the office gets them by e-mail and in the back office, where it marks them
 * answered.
 */
export class BarrierReports1795305600021 implements MigrationInterface {
  name = 'BarrierReports1795305600021';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table public.barrier_reports (
        id uuid primary key default gen_random_uuid(),
        tenant_id uuid not null references public.tenants(id) on delete cascade,
        page text not null,
        description text not null,
        email text,
        locale text not null,
        created_at timestamptz not null default now(),
        answered_at timestamptz
      )`);
    await q.query(`create index barrier_reports_recent on public.barrier_reports (tenant_id, created_at desc)`);
    await enableTenantRls(q, 'barrier_reports');
    await q.query(`grant select, insert, update on public.barrier_reports to openrathaus_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table public.barrier_reports`);
  }
}
