import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from './1795305600000-foundation';

/** Payments and the payment sandbox. */
export class Payments1795305600008 implements MigrationInterface {
  name = 'Payments1795305600008';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table public.payments (
        id uuid primary key default gen_random_uuid(),
        tenant_id uuid not null references public.tenants(id) on delete cascade,
        application_id uuid not null references public.applications(id) on delete cascade,
        provider text not null,
        transaction_id text not null,
        payment_url text not null,
        amount_cents integer not null check (amount_cents > 0),
        currency text not null default 'EUR',
        purpose text not null check (char_length(purpose) <= 27),
        reference text not null,
        status text not null check (status in ('INITIAL', 'PAYED', 'FAILED', 'CANCELED')),
        note text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        paid_at timestamptz,
        unique (provider, transaction_id)
      )`);
    await q.query(`create index payments_application on public.payments (tenant_id, application_id, created_at desc)`);
    await enableTenantRls(q, 'payments');
    // No delete: a payment is a record of money, kept as long as its application.
    await q.query(`grant select, insert, update on public.payments to openrathaus_app`);

    // The sandbox stands in for an external payment service, which keeps its own books: its rows
    // belong to no tenant, so there is no tenant_id and no row-level security. The portal reaches
    // it only through its HTTP interface, as it would reach the real service.
    await q.query(`
      create table public.payment_sandbox_transactions (
        id text primary key,
        originator_id text not null,
        end_point_id text not null,
        request_id text not null,
        request_timestamp text,
        currency text not null,
        amount_cents integer not null check (amount_cents > 0),
        purpose text not null,
        description text,
        redirect_url text not null,
        items jsonb not null,
        status text not null check (status in ('INITIAL', 'PAYED', 'FAILED', 'CANCELED')),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        paid_at timestamptz,
        unique (originator_id, end_point_id, request_id)
      )`);
    await q.query(`grant select, insert, update on public.payment_sandbox_transactions to openrathaus_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table public.payment_sandbox_transactions`);
    await q.query(`drop table public.payments`);
  }
}
