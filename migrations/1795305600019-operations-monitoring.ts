import { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables the operator's usage figures count, each under a policy that shows them only to the count. */
const USAGE_TABLES = ['applications', 'attachments', 'documents', 'mails', 'payments'] as const;

/**
 * What the operator console reads across tenants, and the instances' heartbeats:
 *
 * - `instances`: every running portal and worker writes its row (id, kind, host, pid, version,
 *   start) and raises `last_seen` now and then (`libs/observability`); the console marks an
 *   instance whose beat stopped as stale. A platform table without tenant data: no row-level
 *   security, like `notifications`.
 * - Usage: each owning lib counts its rows of a month per tenant under a policy of its own
 *   (`app.usage = 'count'`, switched on only in its own short transactions, as the outbox
 *   dispatcher does); the statements there are aggregates, never rows.
 * - Support: an application is found by its number across tenants under `app.support = 'find'`;
 *   everything else about it is read in its tenant's scope.
 */
export class OperationsMonitoring1795305600019 implements MigrationInterface {
  name = 'OperationsMonitoring1795305600019';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table public.instances (
        id text primary key,
        kind text not null check (kind in ('portal', 'worker')),
        host text not null,
        pid integer not null,
        version text not null,
        started_at timestamptz not null,
        last_seen timestamptz not null default clock_timestamp()
      )`);
    await q.query(`grant select, insert, update, delete on public.instances to openrathaus_app`);
    for (const table of USAGE_TABLES) {
      await q.query(`
        create policy ${table}_usage on public.${table} for select
          using (current_setting('app.usage', true) = 'count')`);
    }
    await q.query(`
      create policy applications_support on public.applications for select
        using (current_setting('app.support', true) = 'find')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop policy applications_support on public.applications`);
    for (const table of USAGE_TABLES) await q.query(`drop policy ${table}_usage on public.${table}`);
    await q.query(`drop table public.instances`);
  }
}
