import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tenants, their domains, the tenant-scoped audit log and the notification table, with RLS. */
export class Foundation1795305600000 implements MigrationInterface {
  name = 'Foundation1795305600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      do $$ begin
        if not exists (select 1 from pg_roles where rolname = 'openrathaus_app') then
          create role openrathaus_app login nosuperuser nobypassrls nocreatedb nocreaterole noinherit;
        end if;
      end $$`);
    await q.query(`
      create table public.tenants (
        id uuid primary key default gen_random_uuid(),
        slug text not null unique,
        kind text not null check (kind in ('municipality', 'district', 'region')),
        name text not null,
        ags char(8),
        status text not null check (status in ('pilot', 'live', 'suspended')),
        region_slug text,
        config jsonb not null default '{}',
        config_hash text not null default '',
        config_error text,
        revision integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    await q.query(`
      create table public.tenant_domains (
        domain text primary key,
        tenant_id uuid not null references public.tenants(id) on delete cascade
      )`);
    await q.query(`create index tenant_domains_tenant on public.tenant_domains (tenant_id)`);
    await q.query(`
      create table public.audit_log (
        id uuid primary key default gen_random_uuid(),
        tenant_id uuid not null references public.tenants(id) on delete cascade,
        action text not null,
        actor text,
        subject text,
        data jsonb not null default '{}',
        correlation_id text,
        created_at timestamptz not null default now()
      )`);
    await q.query(`create index audit_log_tenant_created on public.audit_log (tenant_id, created_at desc)`);
    await q.query(`
      create table public.notifications (
        id bigserial primary key,
        channel text not null,
        payload jsonb not null,
        created_at timestamptz not null default now()
      )`);
    await enableTenantRls(q, 'audit_log');
    await q.query(`grant usage on schema public to openrathaus_app`);
    await q.query(`grant select, insert, update, delete on public.tenants, public.tenant_domains to openrathaus_app`);
    // The audit log is append-only for the application.
    await q.query(`grant select, insert on public.audit_log to openrathaus_app`);
    await q.query(`grant select, insert, delete on public.notifications to openrathaus_app`);
    await q.query(`grant usage, select on sequence public.notifications_id_seq to openrathaus_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table public.notifications`);
    await q.query(`drop table public.audit_log`);
    await q.query(`drop table public.tenant_domains`);
    await q.query(`drop table public.tenants`);
  }
}

/** Row-level security on a tenant-owned table: rows of the transaction's tenant only, even for the owner. */
export async function enableTenantRls(q: QueryRunner, table: string): Promise<void> {
  await q.query(`alter table public.${table} enable row level security`);
  await q.query(`alter table public.${table} force row level security`);
  await q.query(`
    create policy tenant_isolation on public.${table}
      using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
      with check (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`);
}
