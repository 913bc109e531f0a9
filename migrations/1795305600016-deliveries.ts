import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from './1795305600000-foundation';

/**
 * Hand-offs of applications to the office's software (`libs/delivery`): one row per application
 * and `deliver` step, with its id (the same on every retry, so that receivers drop repeats), its
 * state, attempts, next attempt and last error. A sender that dies mid-way leaves a row whose
 * `sending_until` runs out, and the row is taken up again.
 */
export class Deliveries1795305600016 implements MigrationInterface {
  name = 'Deliveries1795305600016';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table public.deliveries (
        tenant_id uuid not null references public.tenants(id) on delete cascade,
        id uuid not null default gen_random_uuid(),
        application_id uuid not null references public.applications(id) on delete cascade,
        step_index integer not null,
        target text not null,
        kind text not null check (kind in ('email', 'webhook', 'fit-connect')),
        status text not null default 'pending'
          check (status in ('pending', 'sending', 'retrying', 'awaiting_ack', 'delivered', 'rejected', 'dead')),
        attempts integer not null default 0,
        next_attempt_at timestamptz not null default clock_timestamp(),
        -- A sender that took the row; after this time another may take it again.
        sending_until timestamptz,
        -- The poller queued the row's next attempt; after this time it may queue it again.
        queued_until timestamptz,
        last_error text,
        receipt jsonb,
        -- The job that goes on with the application once the hand-off is through.
        continue_queue text not null,
        continue_job text not null,
        created_at timestamptz not null default clock_timestamp(),
        updated_at timestamptz not null default clock_timestamp(),
        delivered_at timestamptz,
        primary key (tenant_id, id),
        unique (tenant_id, application_id, step_index)
      )`);
    await q.query(`
      create index deliveries_due on public.deliveries (next_attempt_at)
        where status in ('pending', 'sending', 'retrying', 'awaiting_ack')`);
    await q.query(
      `create index deliveries_failed on public.deliveries (tenant_id, updated_at desc) where status in ('dead', 'rejected', 'retrying')`,
    );
    await enableTenantRls(q, 'deliveries');
    // The poller finds due rows of every tenant through a policy of its own, switched on only in its
    // own short transactions (as the outbox dispatcher does); all work on a row is tenant-scoped.
    await q.query(`
      create policy deliveries_poll on public.deliveries
        using (current_setting('app.delivery', true) = 'poll')`);
    await q.query(`grant select, insert, update on public.deliveries to openrathaus_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table public.deliveries`);
  }
}
