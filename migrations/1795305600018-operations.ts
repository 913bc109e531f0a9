import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from './1795305600000-foundation';

const APP_ROLE = 'openrathaus_app';
const CONSOLE_ROLE = 'openrathaus_console';

/**
 * The operator console: operator accounts apart from every tenant's staff, a per-tenant error
 * counter, the console's state of a tenant (where its configuration lives, a suspension), and the
 * console's database role. That role may write only `tenants` and `tenant_domains` (and its own
 * accounts and the audit log); it reads across tenants only through policies made for it. The
 * application role may take it (`SET LOCAL ROLE`) but does not inherit its rights.
 */
export class Operations1795305600018 implements MigrationInterface {
  name = 'Operations1795305600018';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      do $$ begin
        if not exists (select 1 from pg_roles where rolname = '${CONSOLE_ROLE}') then
          create role ${CONSOLE_ROLE} nologin nosuperuser nobypassrls nocreatedb nocreaterole noinherit;
        end if;
      end $$`);
    // Without INHERIT the application role holds none of the console's rights until it takes the role.
    const [app] = (await q.query(`select rolinherit from pg_roles where rolname = $1`, [APP_ROLE])) as {
      rolinherit: boolean;
    }[];
    if (app?.rolinherit) await q.query(`alter role ${APP_ROLE} noinherit`);
    await q.query(`grant ${CONSOLE_ROLE} to ${APP_ROLE}`);
    await q.query(`grant usage on schema public to ${CONSOLE_ROLE}`);

    await q.query(`
      alter table public.tenants
        add column source text not null default 'files' check (source in ('files', 'console')),
        add column suspended_at timestamptz,
        add column suspension_message text`);

    await q.query(`
      create table public.operator_accounts (
        id uuid primary key default gen_random_uuid(),
        email text not null unique,
        name text,
        password_hash text not null,
        must_change_password boolean not null default true,
        totp_secret text,
        totp_enrolled_at timestamptz,
        totp_last_step bigint,
        recovery_codes text[] not null default '{}',
        failed_logins integer not null default 0,
        locked_until timestamptz,
        session_generation integer not null default 1,
        disabled_at timestamptz,
        last_login_at timestamptz,
        created_at timestamptz not null default now()
      )`);

    await q.query(`
      create table public.tenant_error_counts (
        tenant_id uuid not null references public.tenants(id) on delete cascade,
        hour timestamptz not null,
        count integer not null default 0,
        primary key (tenant_id, hour)
      )`);
    await enableTenantRls(q, 'tenant_error_counts');
    await q.query(`grant select, insert, update on public.tenant_error_counts to ${APP_ROLE}`);

    // Entries of the console that concern no tenant (an operator's login) have none.
    await q.query(`alter table public.audit_log alter column tenant_id drop not null`);

    // What the console may write: tenants, their domains, its accounts, the audit log (append only).
    await q.query(`grant select, insert, update, delete on public.tenants, public.tenant_domains to ${CONSOLE_ROLE}`);
    await q.query(`grant select, insert, update on public.operator_accounts to ${CONSOLE_ROLE}`);
    await q.query(`grant select, insert on public.audit_log to ${CONSOLE_ROLE}`);
    // What it reads across tenants, each through a policy of its own.
    for (const table of ['audit_log', 'applications', 'tenant_services', 'tenant_error_counts']) {
      await q.query(`grant select on public.${table} to ${CONSOLE_ROLE}`);
      await q.query(`create policy console_read on public.${table} for select to ${CONSOLE_ROLE} using (true)`);
    }
    await q.query(`create policy console_append on public.audit_log for insert to ${CONSOLE_ROLE} with check (true)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop policy console_append on public.audit_log`);
    for (const table of ['audit_log', 'applications', 'tenant_services', 'tenant_error_counts']) {
      await q.query(`drop policy console_read on public.${table}`);
    }
    await q.query(`drop table public.tenant_error_counts`);
    await q.query(`drop table public.operator_accounts`);
    await q.query(`delete from public.audit_log where tenant_id is null`);
    await q.query(`alter table public.audit_log alter column tenant_id set not null`);
    await q.query(
      `alter table public.tenants drop column source, drop column suspended_at, drop column suspension_message`,
    );
    await q.query(`revoke all on all tables in schema public from ${CONSOLE_ROLE}`);
    await q.query(`revoke usage on schema public from ${CONSOLE_ROLE}`);
    await q.query(`revoke ${CONSOLE_ROLE} from ${APP_ROLE}`);
  }
}
