import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from './1795305600000-foundation';

/** Citizen accounts (regional realms), e-mail tokens and the login throttle per client address. */
export class Citizens1795305600006 implements MigrationInterface {
  name = 'Citizens1795305600006';

  async up(q: QueryRunner): Promise<void> {
    // tenant_id is the realm: the region's tenant for its members, else the tenant itself.
    await q.query(`
      create table public.citizen_accounts (
        id uuid primary key default gen_random_uuid(),
        tenant_id uuid not null references public.tenants(id) on delete cascade,
        email text not null,
        name text not null,
        password_hash text not null,
        locale text not null default 'de',
        email_verified_at timestamptz,
        failed_logins integer not null default 0,
        locked_until timestamptz,
        session_generation integer not null default 0,
        last_login_at timestamptz,
        -- The identity proven at the first step-up (hash of issuer and subject): later step-ups
        -- must prove the same one, and no second account of the realm may claim it.
        eid_subject text,
        created_at timestamptz not null default now(),
        unique (tenant_id, email),
        unique (tenant_id, eid_subject)
      )`);
    await enableTenantRls(q, 'citizen_accounts');
    await q.query(`grant select, insert, update, delete on public.citizen_accounts to openrathaus_app`);

    await q.query(`
      create table public.citizen_tokens (
        id uuid primary key default gen_random_uuid(),
        tenant_id uuid not null references public.tenants(id) on delete cascade,
        account_id uuid not null references public.citizen_accounts(id) on delete cascade,
        purpose text not null check (purpose in ('verify', 'reset', 'exists')),
        token_hash bytea not null unique,
        expires_at timestamptz not null,
        used_at timestamptz,
        created_at timestamptz not null default now()
      )`);
    await q.query(`create index citizen_tokens_account on public.citizen_tokens (account_id, purpose)`);
    await enableTenantRls(q, 'citizen_tokens');
    await q.query(`grant select, insert, update, delete on public.citizen_tokens to openrathaus_app`);

    // Attempts per client address and realm in a fixed window (logins; mails asked for).
    await q.query(`
      create table public.citizen_throttle (
        tenant_id uuid not null references public.tenants(id) on delete cascade,
        kind text not null,
        client text not null,
        attempts integer not null,
        window_ends timestamptz not null,
        primary key (tenant_id, kind, client)
      )`);
    await q.query(`create index citizen_throttle_window on public.citizen_throttle (window_ends)`);
    await enableTenantRls(q, 'citizen_throttle');
    await q.query(`grant select, insert, update, delete on public.citizen_throttle to openrathaus_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table public.citizen_throttle`);
    await q.query(`drop table public.citizen_tokens`);
    await q.query(`drop table public.citizen_accounts`);
  }
}
