import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@openrathaus/database';

export const APPOINTMENT_STATUSES = ['held', 'confirmed', 'cancelled', 'expired', 'checked_in', 'no_show'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

/** One booking, as `appointments` holds it. */
export interface AppointmentRow {
  id: string;
  tenantId: string;
  office: string;
  service: string;
  persons: number;
  counter: number;
  startAt: Date;
  endAt: Date;
  status: AppointmentStatus;
  name: string;
  email: string;
  locale: string;
  citizenId: string | null;
  applicationId: string | null;
  linkVersion: number;
  holdUntil: Date | null;
  remindedAt: Date | null;
  createdAt: Date;
}

/** The rows an `update … returning` gave: TypeORM answers updates with `[rows, count]`. */
const returned = <R>(result: unknown): R[] =>
  (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) ? result[0] : result) as R[];

const COLUMNS = `id, tenant_id as "tenantId", office, service, persons, counter, start_at as "startAt",
  end_at as "endAt", status, name, email, locale, citizen_id as "citizenId", application_id as "applicationId",
  link_version as "linkVersion", hold_until as "holdUntil", reminded_at as "remindedAt", created_at as "createdAt"`;

/** What a new booking is made of. */
export type NewAppointment = Pick<
  AppointmentRow,
  | 'id'
  | 'office'
  | 'service'
  | 'persons'
  | 'counter'
  | 'startAt'
  | 'endAt'
  | 'status'
  | 'name'
  | 'email'
  | 'locale'
  | 'citizenId'
  | 'applicationId'
  | 'holdUntil'
>;

/**
 * The owner of `appointments`, `appointment_slots` and `appointment_closures`. Everything runs in
 * the tenant's scope; the slots' primary key (tenant, office, counter, grid step) is what keeps two
 * bookings off one counter at one time.
 */
@Injectable()
export class AppointmentsRepository {
  /** The grid steps taken at an office between two instants: by bookings that hold them and by closures. */
  async occupied(
    scope: TenantScope,
    office: string,
    from: Date,
    to: Date,
    now: Date,
  ): Promise<{ counter: number; slotAt: Date }[]> {
    return scope.query(
      `select s.counter, s.slot_at as "slotAt"
         from public.appointment_slots s
         left join public.appointments a on a.tenant_id = s.tenant_id and a.id = s.appointment_id
        where s.office = $1 and s.slot_at >= $2 and s.slot_at < $3
          and not (a.status is not null and a.status = 'held' and a.hold_until <= $4)`,
      [office, from, to, now],
    );
  }

  /** Lets the holds that ran out at an office go (or at every office, without one); returns their ids. */
  async expireHolds(scope: TenantScope, now: Date, office?: string): Promise<string[]> {
    const rows = returned<{ id: string }>(
      await scope.query(
        `update public.appointments set status = 'expired', link_version = link_version + 1, updated_at = $1
        where status = 'held' and hold_until <= $1 ${office ? 'and office = $2' : ''}
        returning id`,
        office ? [now, office] : [now],
      ),
    );
    if (rows.length)
      await this.releaseSlots(
        scope,
        rows.map((r) => r.id),
      );
    return rows.map((r) => r.id);
  }

  /** A new booking, made at `now` (the service's clock, so that the day's limit counts by it). */
  async insert(scope: TenantScope, row: NewAppointment, now: Date): Promise<void> {
    await scope.query(
      `insert into public.appointments
         (tenant_id, id, office, service, persons, counter, start_at, end_at, status, name, email, locale,
          citizen_id, application_id, hold_until, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)`,
      [
        scope.tenantId,
        row.id,
        row.office,
        row.service,
        row.persons,
        row.counter,
        row.startAt,
        row.endAt,
        row.status,
        row.name,
        row.email,
        row.locale,
        row.citizenId,
        row.applicationId,
        row.holdUntil,
        now,
      ],
    );
  }

  /**
   * Takes the grid steps of one counter for a booking or a closure: all of them, or none (what
   * was taken of them is given back). Another booking's uncommitted step is waited for.
   */
  async claim(
    scope: TenantScope,
    office: string,
    counter: number,
    steps: Date[],
    owner: { appointmentId: string } | { closureId: string },
  ): Promise<boolean> {
    const appointmentId = 'appointmentId' in owner ? owner.appointmentId : null;
    const closureId = 'closureId' in owner ? owner.closureId : null;
    const taken = await scope.query<{ slot_at: Date }>(
      `insert into public.appointment_slots (tenant_id, office, counter, slot_at, appointment_id, closure_id)
       select $1, $2, $3, step, $5, $6 from unnest($4::timestamptz[]) as step
       on conflict do nothing
       returning slot_at`,
      [scope.tenantId, office, counter, steps, appointmentId, closureId],
    );
    if (taken.length === steps.length) return true;
    if (taken.length) {
      await scope.query(
        `delete from public.appointment_slots where office = $1 and counter = $2 and slot_at = any($3::timestamptz[])
           and appointment_id is not distinct from $4 and closure_id is not distinct from $5`,
        [office, counter, taken.map((t) => t.slot_at), appointmentId, closureId],
      );
    }
    return false;
  }

  async releaseSlots(scope: TenantScope, appointmentIds: string[]): Promise<void> {
    await scope.query(`delete from public.appointment_slots where appointment_id = any($1::uuid[])`, [appointmentIds]);
  }

  async get(scope: TenantScope, id: string, lock = false): Promise<AppointmentRow | undefined> {
    const rows = await scope.query<AppointmentRow>(
      `select ${COLUMNS} from public.appointments where id = $1 ${lock ? 'for update' : ''}`,
      [id],
    );
    return rows[0];
  }

  /** The bookings made inside an application, newest first. */
  async ofApplication(scope: TenantScope, applicationId: string): Promise<AppointmentRow[]> {
    return scope.query<AppointmentRow>(
      `select ${COLUMNS} from public.appointments where application_id = $1 order by created_at desc`,
      [applicationId],
    );
  }

  async setCounter(scope: TenantScope, id: string, counter: number): Promise<void> {
    await scope.query(`update public.appointments set counter = $2 where id = $1`, [id, counter]);
  }

  /** Changes status (and what goes with it), raising the link version so that the links used are spent. */
  async update(
    scope: TenantScope,
    id: string,
    change: Partial<Pick<AppointmentRow, 'status' | 'startAt' | 'endAt' | 'counter' | 'holdUntil' | 'remindedAt'>>,
    now: Date,
    spendLinks = true,
  ): Promise<AppointmentRow> {
    const sets: string[] = [];
    const values: unknown[] = [id, now];
    const column: Record<string, string> = {
      status: 'status',
      startAt: 'start_at',
      endAt: 'end_at',
      counter: 'counter',
      holdUntil: 'hold_until',
      remindedAt: 'reminded_at',
    };
    for (const [key, value] of Object.entries(change)) {
      values.push(value);
      sets.push(`${column[key]} = $${values.length}`);
    }
    const rows = returned<AppointmentRow>(
      await scope.query(
        `update public.appointments
          set ${[...sets, 'updated_at = $2', ...(spendLinks ? ['link_version = link_version + 1'] : [])].join(', ')}
        where id = $1 returning ${COLUMNS}`,
        values,
      ),
    );
    return rows[0];
  }

  /** How many appointments an address booked since an instant (cancelled ones count too: no hoarding by churn). */
  async bookedBy(scope: TenantScope, email: string, since: Date): Promise<number> {
    const rows = await scope.query<{ n: string }>(
      `select count(*) as n from public.appointments where lower(email) = lower($1) and created_at >= $2`,
      [email, since],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Confirmed appointments that start before `before` and were not yet reminded of. */
  async dueReminders(scope: TenantScope, now: Date, before: Date, limit: number): Promise<AppointmentRow[]> {
    return scope.query(
      `select ${COLUMNS} from public.appointments
        where status = 'confirmed' and reminded_at is null and start_at > $1 and start_at <= $2
        order by start_at limit $3`,
      [now, before, limit],
    );
  }

  /** The appointments of an office between two instants, by start. */
  async ofOffice(scope: TenantScope, office: string, from: Date, to: Date): Promise<AppointmentRow[]> {
    return scope.query(
      `select ${COLUMNS} from public.appointments
        where office = $1 and start_at >= $2 and start_at < $3 and status in ('held', 'confirmed', 'checked_in', 'no_show')
        order by start_at, counter`,
      [office, from, to],
    );
  }

  /** Bookings of one counter that overlap an interval. */
  async onCounter(
    scope: TenantScope,
    office: string,
    counter: number,
    from: Date,
    to: Date,
  ): Promise<AppointmentRow[]> {
    return scope.query(
      `select ${COLUMNS} from public.appointments
        where office = $1 and counter = $2 and start_at < $4 and end_at > $3 and status in ('held', 'confirmed')
        order by start_at for update`,
      [office, counter, from, to],
    );
  }

  async addClosure(
    scope: TenantScope,
    closure: { id: string; office: string; counter: number; startAt: Date; endAt: Date; staffId: string | null },
  ): Promise<void> {
    await scope.query(
      `insert into public.appointment_closures (tenant_id, id, office, counter, start_at, end_at, staff_id)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [scope.tenantId, closure.id, closure.office, closure.counter, closure.startAt, closure.endAt, closure.staffId],
    );
  }

  /** Releases a closure's steps that bookings still held (those bookings are moved or cancelled by the caller). */
  async freeStepsFor(scope: TenantScope, office: string, counter: number, steps: Date[]): Promise<void> {
    await scope.query(
      `delete from public.appointment_slots where office = $1 and counter = $2 and slot_at = any($3::timestamptz[])`,
      [office, counter, steps],
    );
  }
}
