import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from './1795305600000-foundation';

/**
 * Appointments at the offices (`libs/appointments`): the bookings, the counter time each one
 * holds, and the afternoons staff closed a counter for. A booking holds one row per counter and
 * grid step in `appointment_slots`, whose primary key is the promise that two people never
 * book the same counter at the same time: the second insert fails, whatever the timing.
 */
export class Appointments1795305600020 implements MigrationInterface {
  name = 'Appointments1795305600020';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table public.appointments (
        tenant_id uuid not null references public.tenants(id) on delete cascade,
        id uuid not null default gen_random_uuid(),
        office text not null,
        service text not null,
        persons integer not null check (persons between 1 and 10),
        counter integer not null,
        start_at timestamptz not null,
        end_at timestamptz not null check (end_at > start_at),
        status text not null
          check (status in ('held', 'confirmed', 'cancelled', 'expired', 'checked_in', 'no_show')),
        name text not null,
        email text not null,
        locale text not null default 'de',
        citizen_id uuid,
        application_id uuid,
        -- Raised on every confirmation, move and cancellation: a link signed for an older value is spent.
        link_version integer not null default 1,
        hold_until timestamptz,
        reminded_at timestamptz,
        created_at timestamptz not null default clock_timestamp(),
        updated_at timestamptz not null default clock_timestamp(),
        primary key (tenant_id, id)
      )`);
    await q.query(`create index appointments_office_day on public.appointments (tenant_id, office, start_at)`);
    await q.query(`create index appointments_email_day on public.appointments (tenant_id, lower(email), created_at)`);
    await q.query(
      `create index appointments_reminder on public.appointments (tenant_id, start_at) where status = 'confirmed' and reminded_at is null`,
    );
    await q.query(
      `create index appointments_held on public.appointments (tenant_id, hold_until) where status = 'held'`,
    );
    await q.query(`
      create table public.appointment_closures (
        tenant_id uuid not null references public.tenants(id) on delete cascade,
        id uuid not null default gen_random_uuid(),
        office text not null,
        counter integer not null,
        start_at timestamptz not null,
        end_at timestamptz not null check (end_at > start_at),
        staff_id uuid,
        created_at timestamptz not null default clock_timestamp(),
        primary key (tenant_id, id)
      )`);
    await q.query(`
      create table public.appointment_slots (
        tenant_id uuid not null references public.tenants(id) on delete cascade,
        office text not null,
        counter integer not null,
        slot_at timestamptz not null,
        appointment_id uuid,
        closure_id uuid,
        primary key (tenant_id, office, counter, slot_at),
        foreign key (tenant_id, appointment_id) references public.appointments (tenant_id, id) on delete cascade,
        foreign key (tenant_id, closure_id) references public.appointment_closures (tenant_id, id) on delete cascade,
        check ((appointment_id is null) <> (closure_id is null))
      )`);
    await q.query(`create index appointment_slots_booking on public.appointment_slots (tenant_id, appointment_id)`);
    for (const table of ['appointments', 'appointment_closures', 'appointment_slots']) {
      await enableTenantRls(q, table);
    }
    await q.query(`grant select, insert, update on public.appointments to openrathaus_app`);
    await q.query(`grant select, insert, delete on public.appointment_closures to openrathaus_app`);
    await q.query(`grant select, insert, delete on public.appointment_slots to openrathaus_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table public.appointment_slots`);
    await q.query(`drop table public.appointment_closures`);
    await q.query(`drop table public.appointments`);
  }
}
