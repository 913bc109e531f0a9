import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from './1795305600000-foundation';

/** Staff accounts of each tenant, with argon2id hashes and a login throttle. */
export class Staff1795305600005 implements MigrationInterface {
  name = 'Staff1795305600005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table public.staff_accounts (
        id uuid primary key default gen_random_uuid(),
        tenant_id uuid not null references public.tenants(id) on delete cascade,
        email text not null,
        role text not null check (role in ('caseworker', 'tenant-admin', 'operator')),
        password_hash text not null,
        must_change_password boolean not null default true,
        failed_logins integer not null default 0,
        locked_until timestamptz,
        last_login_at timestamptz,
        created_at timestamptz not null default now(),
        unique (tenant_id, email)
      )`);
    await enableTenantRls(q, 'staff_accounts');
    await q.query(`grant select, insert, update on public.staff_accounts to openrathaus_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table public.staff_accounts`);
  }
}
