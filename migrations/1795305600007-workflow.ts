import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from './1795305600000-foundation';

/** Application numbers, citizens on applications, attachments, the workflow's position and the outbox. */
export class Workflow1795305600007 implements MigrationInterface {
  name = 'Workflow1795305600007';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table public.applications
        add column citizen_id uuid,
        add column number text,
        add column locale text not null default 'de',
        add column last_page text,
        add column step_index integer not null default 0,
        add column fee_cents integer,
        add column submitted_at timestamptz,
        add column completed_at timestamptz,
        add column base_url text`);
    await q.query(`create unique index applications_number on public.applications (tenant_id, number)`);
    await q.query(`create index applications_citizen on public.applications (tenant_id, citizen_id, created_at desc)`);
    // Numbers run per tenant and year without gaps from rollbacks: the counter row is locked by
    // the transaction that takes the next one.
    await q.query(`
      create table public.application_counters (
        tenant_id uuid not null references public.tenants(id) on delete cascade,
        year integer not null,
        last_value integer not null,
        primary key (tenant_id, year)
      )`);
    await enableTenantRls(q, 'application_counters');
    await q.query(`grant select, insert, update on public.application_counters to openrathaus_app`);

    await q.query(`
      create table public.attachments (
        id uuid primary key default gen_random_uuid(),
        tenant_id uuid not null references public.tenants(id) on delete cascade,
        application_id uuid not null references public.applications(id) on delete cascade,
        field text not null,
        filename text not null,
        media_type text not null,
        size integer not null,
        sha256 text not null,
        storage_key text not null,
        created_at timestamptz not null default now()
      )`);
    await q.query(`create index attachments_application on public.attachments (tenant_id, application_id)`);
    await enableTenantRls(q, 'attachments');
    await q.query(`grant select, insert, delete on public.attachments to openrathaus_app`);

    await q.query(`
      create table public.outbox (
        id uuid primary key default gen_random_uuid(),
        tenant_id uuid not null references public.tenants(id) on delete cascade,
        queue text not null,
        name text not null,
        ids jsonb not null default '{}',
        created_at timestamptz not null default clock_timestamp(),
        -- A dispatcher that took the row; after this time another may take it again.
        claimed_until timestamptz
      )`);
    await q.query(`create index outbox_order on public.outbox (created_at, id)`);
    await enableTenantRls(q, 'outbox');
    // The dispatcher reads every tenant's rows through a policy of its own, switched on only in
    // its own transactions (feature code cannot set app.* settings through a TenantScope). Update is
    // granted for the row locks of `for update skip locked` only.
    await q.query(`
      create policy outbox_dispatch on public.outbox
        using (current_setting('app.outbox', true) = 'dispatch')`);
    await q.query(`grant select, insert, update, delete on public.outbox to openrathaus_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table public.outbox`);
    await q.query(`drop table public.attachments`);
    await q.query(`drop table public.application_counters`);
    await q.query(`drop index public.applications_citizen`);
    await q.query(`drop index public.applications_number`);
    await q.query(`
      alter table public.applications
        drop column citizen_id, drop column number, drop column locale, drop column last_page,
        drop column step_index, drop column fee_cents, drop column submitted_at, drop column completed_at,
        drop column base_url`);
  }
}
