import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import {
  APP_CONFIG,
  AppConfig,
  Clock,
  FILE_STORAGE,
  FieldFault,
  FileStorage,
  isUuid,
  systemClock,
} from '@openrathaus/core';
import { TenantScope, TenantTransactions } from '@openrathaus/database';
import { intlLocale, localized } from '@openrathaus/i18n';
import { Mailer } from '@openrathaus/messaging';
import { Tenant, TenantRegistry } from '@openrathaus/tenancy';
import { AppointmentLinks } from './appointment-links';
import {
  BookingInput,
  contactFields,
  dateField,
  fieldsOf,
  instantField,
  keyField,
  personsField,
  refuse,
} from './appointment-input';
import { AppointmentsError, AppointmentsErrorCode, invalidField } from './appointments.error';
import { AppointmentRow, AppointmentsRepository } from './appointments.repository';
import { Occupied, fitsHours, freeCounters, freeTimes, occupiedKey, stepsOf } from './free-times';
import { holidayOn } from './holidays';
import { calendarIcs, feedIcs } from './ics';
import { BookableOffice, bookableOffice, bookableOffices, bookingWindow, closedOn } from './office-calendars';
import { addDays, berlinInstant, berlinIso, wallTime } from './zoned-time';

export const APPOINTMENTS_CLOCK = Symbol('APPOINTMENTS_CLOCK');

/** How long a booking of someone not logged in waits for its confirmation link. */
export const HOLD_MINUTES = 30;
/** Bookings one address may make per tenant and day. */
export const BOOKINGS_PER_ADDRESS_PER_DAY = 4;
/** Free times a refused booking is offered instead. */
const ALTERNATIVES = 5;
const DAY_MS = 86_400_000;

/** The person behind a booking when logged in: the account's verified address is used. */
export interface BookingCitizen {
  citizenId: string;
  email: string;
  name: string;
}

/** A member of staff as far as appointments care: the offices they work at (all, for a tenant admin). */
export interface AppointmentStaff {
  id: string;
  role: string;
  offices: readonly string[];
}

/** A booking as the API shows it. */
export interface AppointmentView {
  id: string;
  office: string;
  officeName: string;
  service: string;
  serviceTitle: string;
  count: number;
  start: string;
  end: string;
  status: AppointmentRow['status'];
  name: string;
  email: string;
  holdUntil: string | null;
}

/** What a booking answers: the appointment and the link that cancels or moves it. */
export interface Booked {
  appointment: AppointmentView;
  cancelUrl: string;
  manageUrl: string;
}

/** The offices of a tenant as the API lists them. */
export interface OfficeView {
  id: string;
  name: string;
  address: string;
  counters: number;
  services: { key: string; title: string; minutes: number }[];
  nextFree: string | null;
}

/**
 * Appointments at the offices: calendars from `tenant.yaml`, free times, bookings held by the
 * database, confirmation by e-mail for those not logged in, signed links to cancel or move, the
 * staff's day and week, closed counters, reminders.
 */
@Injectable()
export class Appointments {
  private readonly logger = new Logger('Appointments');
  private readonly links: AppointmentLinks;

  constructor(
    private readonly transactions: TenantTransactions,
    private readonly repository: AppointmentsRepository,
    private readonly mailer: Mailer,
    private readonly registry: TenantRegistry,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
    @Inject(APP_CONFIG) config: AppConfig,
    @Optional() @Inject(APPOINTMENTS_CLOCK) private readonly clock: Clock = systemClock,
  ) {
    this.links = new AppointmentLinks(config.secret);
  }

  now(): Date {
    return this.clock.now();
  }

  /** The offices that book appointments, each with its services and next free time (for one person of its first service). */
  async offices(tenant: Tenant, locale: string, service?: string): Promise<OfficeView[]> {
    const now = this.clock.now();
    const offices = bookableOffices(tenant).filter(
      (o) => !service || o.calendar.services.some((s) => s.key === service),
    );
    return Promise.all(
      offices.map(async (o) => {
        const first = o.calendar.services.find((s) => s.key === service) ?? o.calendar.services[0];
        const next = first ? await this.nextFree(tenant, o, first.minutes, now, 1) : [];
        const a = o.office.address;
        return {
          id: o.office.id,
          name: o.office.name,
          address: `${a.name ? `${a.name}, ` : ''}${a.street}, ${a.postalCode} ${a.city}`,
          counters: o.calendar.counters,
          services: o.calendar.services.map((s) => ({
            key: s.key,
            title: localized(s.title, locale),
            minutes: s.minutes,
          })),
          nextFree: next[0] ? berlinIso(next[0]) : null,
        };
      }),
    );
  }

  /** Every service some office books, by key, with the offices that book it. */
  services(tenant: Tenant, locale: string): { key: string; title: string; offices: string[] }[] {
    const byKey = new Map<string, { key: string; title: string; offices: string[] }>();
    for (const o of bookableOffices(tenant)) {
      for (const s of o.calendar.services) {
        const entry = byKey.get(s.key) ?? { key: s.key, title: localized(s.title, locale), offices: [] };
        entry.offices.push(o.office.id);
        byKey.set(s.key, entry);
      }
    }
    return [...byKey.values()].sort((a, b) => a.title.localeCompare(b.title, 'de'));
  }

  /**
   * Free start times of `count` persons for a service at an office between two dates (default: the
   * coming four weeks), within the booking window.
   */
  async slots(
    tenant: Tenant,
    query: Record<string, unknown>,
  ): Promise<{
    office: string;
    service: string;
    count: number;
    minutes: number;
    from: string;
    to: string;
    times: string[];
  }> {
    const faults: FieldFault[] = [];
    const { office, service, persons, minutes } = this.pick(tenant, query, faults);
    const today = wallTime(this.clock.now()).date;
    const from = dateField(query.from, 'from', faults) ?? today;
    const to = dateField(query.to, 'to', faults) ?? addDays(from < today ? today : from, 27);
    if (!faults.length && to < from) faults.push({ field: 'to', key: 'appointment_range' });
    if (!faults.length && Date.parse(to) - Date.parse(from) > 62 * DAY_MS)
      faults.push({ field: 'to', key: 'appointment_range' });
    refuse(faults);
    const now = this.clock.now();
    const start = from < today ? today : from;
    const occupied = await this.transactions.run(tenant.id, (scope) =>
      this.occupiedBetween(scope, office!, berlinInstant(start, 0), berlinInstant(addDays(to, 1), 0), now),
    );
    const times = freeTimes(office!, occupied, minutes, start, to, now).map(berlinIso);
    return { office: office!.office.id, service, count: persons, minutes, from, to, times };
  }

  /**
   * Books an appointment. Logged in: confirmed at once and mailed to the account's address. Not
   * logged in: held for {@link HOLD_MINUTES} and confirmed by the link mailed to the address given.
   * The time is taken by the database; when another booking was quicker, the error carries the
   * next free times.
   */
  async book(
    tenant: Tenant,
    body: unknown,
    locale: string,
    citizen?: BookingCitizen,
    applicationId?: string,
  ): Promise<Booked> {
    const fields = fieldsOf(body);
    const faults: FieldFault[] = [];
    const picked = this.pick(tenant, fields, faults);
    const start = instantField(fields.start, 'start', faults);
    const contact = citizen ? { name: citizen.name, email: citizen.email } : contactFields(fields, faults);
    refuse(faults);
    const now = this.clock.now();
    const input: BookingInput = {
      office: picked.office!.office.id,
      service: picked.service,
      persons: picked.persons,
      start,
      name: contact.name,
      email: contact.email,
    };
    this.checkTime(picked.office!, start, picked.minutes, now);
    const id = randomUUID();
    const end = new Date(start.getTime() + picked.minutes * 60_000);
    const row = await this.transactions
      .run(tenant.id, async (scope) => {
        await this.repository.expireHolds(scope, now, input.office);
        const since = berlinInstant(wallTime(now).date, 0);
        if ((await this.repository.bookedBy(scope, input.email, since)) >= BOOKINGS_PER_ADDRESS_PER_DAY) {
          throw new AppointmentsError(AppointmentsErrorCode.DailyLimit, { max: BOOKINGS_PER_ADDRESS_PER_DAY }, [
            { field: 'email', key: 'appointment_daily_limit', params: { max: BOOKINGS_PER_ADDRESS_PER_DAY } },
          ]);
        }
        await this.repository.insert(
          scope,
          {
            id,
            office: input.office,
            service: input.service,
            persons: input.persons,
            counter: 1,
            startAt: start,
            endAt: end,
            status: citizen ? 'confirmed' : 'held',
            name: input.name,
            email: input.email,
            locale,
            citizenId: citizen?.citizenId ?? null,
            applicationId: applicationId ?? null,
            holdUntil: citizen ? null : new Date(now.getTime() + HOLD_MINUTES * 60_000),
          },
          now,
        );
        const counter = await this.takeCounter(scope, picked.office!, id, start, picked.minutes, now);
        if (counter === undefined) return undefined;
        if (counter !== 1) await this.repository.setCounter(scope, id, counter);
        const booked = (await this.repository.get(scope, id))!;
        if (citizen) await this.mailBooked(scope, tenant, booked, 'appointment-booked');
        else await this.mailConfirm(scope, tenant, booked);
        return booked;
      })
      .catch((error: unknown) => {
        // Two bookings on a new day can collide on the daily limit's count only; the slot key is what matters.
        throw error;
      });
    if (!row) throw await this.taken(tenant, picked.office!, picked.minutes, start);
    return this.booked(tenant, row, locale);
  }

  /** Confirms a held booking through the link in its e-mail; then the calendar file follows. */
  async confirm(tenant: Tenant, id: unknown, token: unknown, locale: string): Promise<Booked> {
    const now = this.clock.now();
    const row = await this.transactions.run(tenant.id, async (scope) => {
      const current = await this.withLink(scope, tenant, id, token, 'confirm');
      if (current.status === 'confirmed') return current;
      if (current.status !== 'held' || (current.holdUntil && current.holdUntil <= now)) {
        throw new AppointmentsError(AppointmentsErrorCode.NotChangeable, {}, [
          { field: 'token', key: 'appointment_expired' },
        ]);
      }
      const confirmed = await this.repository.update(scope, current.id, { status: 'confirmed', holdUntil: null }, now);
      await this.mailBooked(scope, tenant, confirmed, 'appointment-booked');
      return confirmed;
    });
    return this.booked(tenant, row, locale);
  }

  /** The held booking behind a confirmation link, unchanged (the page shows it with the button that confirms). */
  async peek(tenant: Tenant, id: unknown, token: unknown, locale: string): Promise<Booked> {
    const row = await this.transactions.run(tenant.id, (scope) => this.withLink(scope, tenant, id, token, 'confirm'));
    return { appointment: this.view(tenant, row, locale), cancelUrl: '', manageUrl: '' };
  }

  /** The appointment behind a link that manages it (cancel, move, calendar file). */
  async show(tenant: Tenant, id: unknown, token: unknown, locale: string): Promise<Booked> {
    const row = await this.transactions.run(tenant.id, (scope) => this.withLink(scope, tenant, id, token, 'manage'));
    return this.booked(tenant, row, locale);
  }

  /** Cancels through the signed link; the time is free again and the link is spent. */
  async cancel(tenant: Tenant, id: unknown, token: unknown, locale: string): Promise<AppointmentView> {
    const now = this.clock.now();
    const row = await this.transactions.run(tenant.id, async (scope) => {
      const current = await this.withLink(scope, tenant, id, token, 'manage', true);
      if (!['held', 'confirmed'].includes(current.status) || current.startAt <= now) {
        throw new AppointmentsError(AppointmentsErrorCode.NotChangeable, {}, [
          { field: 'id', key: 'appointment_over' },
        ]);
      }
      await this.repository.releaseSlots(scope, [current.id]);
      const cancelled = await this.repository.update(scope, current.id, { status: 'cancelled' }, now);
      if (current.status === 'confirmed') await this.mailPlain(scope, tenant, cancelled, 'appointment-cancelled', {});
      return cancelled;
    });
    return this.view(tenant, row, locale);
  }

  /** Moves to another start through the signed link (same office, service and persons); the old link is spent. */
  async move(tenant: Tenant, id: unknown, token: unknown, body: unknown, locale: string): Promise<Booked> {
    const now = this.clock.now();
    const faults: FieldFault[] = [];
    const start = instantField(fieldsOf(body).start, 'start', faults);
    refuse(faults);
    let office: BookableOffice | undefined;
    let minutes = 0;
    const row = await this.transactions.run(tenant.id, async (scope) => {
      const current = await this.withLink(scope, tenant, id, token, 'manage', true);
      if (!['held', 'confirmed'].includes(current.status) || current.startAt <= now) {
        throw new AppointmentsError(AppointmentsErrorCode.NotChangeable, {}, [
          { field: 'id', key: 'appointment_over' },
        ]);
      }
      office = bookableOffice(tenant, current.office);
      const service = office?.calendar.services.find((s) => s.key === current.service);
      if (!office || !service) throw invalidField('service', 'appointment_service');
      minutes = service.minutes * current.persons;
      this.checkTime(office, start, minutes, now);
      await this.repository.releaseSlots(scope, [current.id]);
      const counter = await this.takeCounter(scope, office, current.id, start, minutes, now);
      if (counter === undefined) return undefined;
      const moved = await this.repository.update(
        scope,
        current.id,
        { startAt: start, endAt: new Date(start.getTime() + minutes * 60_000), counter },
        now,
      );
      if (moved.status === 'confirmed') await this.mailBooked(scope, tenant, moved, 'appointment-moved');
      else await this.mailConfirm(scope, tenant, moved);
      return moved;
    });
    if (!row) throw await this.taken(tenant, office!, minutes, start);
    return this.booked(tenant, row, locale);
  }

  /** The appointment as iCalendar, for the holder of its link, once confirmed. */
  async ics(tenant: Tenant, id: unknown, token: unknown): Promise<string> {
    const row = await this.transactions.run(tenant.id, (scope) => this.withLink(scope, tenant, id, token, 'manage'));
    if (row.status !== 'confirmed' && row.status !== 'checked_in') {
      throw new AppointmentsError(AppointmentsErrorCode.NotChangeable, {}, [
        { field: 'id', key: 'appointment_unconfirmed' },
      ]);
    }
    return this.icsOf(tenant, row, 'REQUEST');
  }

  /** The secret address of an office's calendar feed for staff calendars. */
  feedUrl(tenant: Tenant, office: string): string {
    return `${this.registry.portalUrl(tenant)}termine/kalender/${office}/${this.links.sign(tenant.id, office, 'feed')}.ics`;
  }

  /** An office's appointments of the last week and the horizon as one iCalendar feed, for the holder of its secret. */
  async feed(tenant: Tenant, officeId: unknown, token: unknown): Promise<string> {
    const office = typeof officeId === 'string' ? bookableOffice(tenant, officeId) : undefined;
    if (!office || !this.links.verify(tenant.id, office.office.id, 'feed', 0, token)) {
      throw new AppointmentsError(AppointmentsErrorCode.NotFound, {}, [{ field: 'token', key: 'appointment_link' }]);
    }
    const now = this.clock.now();
    const rows = await this.transactions.run(tenant.id, (scope) =>
      this.repository.ofOffice(
        scope,
        office.office.id,
        new Date(now.getTime() - 7 * DAY_MS),
        new Date(now.getTime() + (office.calendar.horizonDays + 1) * DAY_MS),
      ),
    );
    return feedIcs(
      `${tenant.name} – ${office.office.name}`,
      rows.map((r) => this.event(tenant, r, office, 'de', false)),
    );
  }

  /** The appointments of an office from `date` for `days` days, for its staff. */
  async agenda(
    tenant: Tenant,
    staff: AppointmentStaff,
    query: { office?: unknown; date?: unknown; days?: number },
    locale: string,
  ): Promise<{ office: BookableOffice; date: string; days: number; items: (AppointmentView & { counter: number })[] }> {
    const office = this.staffOffice(tenant, staff, query.office);
    const faults: FieldFault[] = [];
    const date = dateField(query.date, 'date', faults) ?? wallTime(this.clock.now()).date;
    refuse(faults);
    const days = query.days ?? 1;
    const rows = await this.transactions.run(tenant.id, (scope) =>
      this.repository.ofOffice(scope, office.office.id, berlinInstant(date, 0), berlinInstant(addDays(date, days), 0)),
    );
    return { office, date, days, items: rows.map((r) => ({ ...this.view(tenant, r, locale), counter: r.counter })) };
  }

  /** Marks who came (`checked_in`) or did not (`no_show`). */
  async mark(tenant: Tenant, staff: AppointmentStaff, id: unknown, status: unknown): Promise<AppointmentRow> {
    if (status !== 'checked_in' && status !== 'no_show') throw invalidField('status', 'appointment_mark');
    const now = this.clock.now();
    return this.transactions.run(tenant.id, async (scope) => {
      const row = typeof id === 'string' && isUuid(id) ? await this.repository.get(scope, id, true) : undefined;
      if (!row) throw new AppointmentsError(AppointmentsErrorCode.NotFound);
      this.staffOffice(tenant, staff, row.office);
      if (!['confirmed', 'checked_in', 'no_show'].includes(row.status)) {
        throw new AppointmentsError(AppointmentsErrorCode.NotChangeable, {}, [
          { field: 'id', key: 'appointment_over' },
        ]);
      }
      return this.repository.update(scope, row.id, { status }, now, false);
    });
  }

  /**
   * Closes one counter of an office from `from` to `to` on `date` (an afternoon, say): no one can
   * book it then; the bookings on it move to another counter at the same time where one is free,
   * and the others are cancelled and told, with the next free times.
   */
  async closeCounter(
    tenant: Tenant,
    staff: AppointmentStaff,
    body: unknown,
  ): Promise<{ moved: number; cancelled: number }> {
    const fields = fieldsOf(body);
    const office = this.staffOffice(tenant, staff, fields.office);
    const faults: FieldFault[] = [];
    const counter = personsField(fields.counter, office.calendar.counters, faults, 'counter');
    const date = dateField(fields.date, 'date', faults);
    if (!date && !faults.some((f) => f.field === 'date')) faults.push({ field: 'date', key: 'required' });
    const time = (value: unknown, field: string): number => {
      const v = typeof value === 'string' ? value.trim() : '';
      const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(v) ?? (v === '24:00' ? ['', '24', '00'] : null);
      if (!m) {
        faults.push({ field, key: v ? 'appointment_time' : 'required' });
        return 0;
      }
      return Number(m[1]) * 60 + Number(m[2]);
    };
    const fromMin = time(fields.from, 'from');
    const toMin = time(fields.to, 'to');
    const step = office.calendar.slotMinutes;
    if (!faults.length && (toMin <= fromMin || fromMin % step || toMin % step)) {
      faults.push({ field: 'to', key: 'appointment_time_range', params: { step } });
    }
    refuse(faults);
    const now = this.clock.now();
    const startAt = berlinInstant(date!, fromMin);
    const endAt = berlinInstant(date!, toMin);
    const steps = stepsOf(startAt, (endAt.getTime() - startAt.getTime()) / 60_000, step);
    const affected: AppointmentRow[] = [];
    const result = await this.transactions.run(tenant.id, async (scope) => {
      await this.repository.expireHolds(scope, now, office.office.id);
      const closureId = randomUUID();
      await this.repository.addClosure(scope, {
        id: closureId,
        office: office.office.id,
        counter,
        startAt,
        endAt,
        staffId: isUuid(staff.id) ? staff.id : null,
      });
      const onCounter = await this.repository.onCounter(scope, office.office.id, counter, startAt, endAt);
      await this.repository.releaseSlots(
        scope,
        onCounter.map((r) => r.id),
      );
      await this.repository.freeStepsFor(scope, office.office.id, counter, steps);
      await this.repository.claim(scope, office.office.id, counter, steps, { closureId });
      let moved = 0;
      for (const booking of onCounter) {
        const minutes = (booking.endAt.getTime() - booking.startAt.getTime()) / 60_000;
        const other = await this.takeCounter(scope, office, booking.id, booking.startAt, minutes, now);
        if (other !== undefined) {
          await this.repository.update(scope, booking.id, { counter: other }, now, false);
          moved++;
        } else {
          const cancelled = await this.repository.update(scope, booking.id, { status: 'cancelled' }, now);
          affected.push(cancelled);
        }
      }
      return { moved, cancelled: affected.length };
    });
    // Told after the closure stands, each with the next free times (a transaction per person).
    for (const booking of affected) {
      const occupied = await this.transactions.run(tenant.id, (scope) =>
        this.occupiedBetween(scope, office, booking.startAt, new Date(booking.startAt.getTime() + 14 * DAY_MS), now),
      );
      const minutes = (booking.endAt.getTime() - booking.startAt.getTime()) / 60_000;
      const next = freeTimes(
        office,
        occupied,
        minutes,
        wallTime(booking.startAt).date,
        addDays(wallTime(booking.startAt).date, 14),
        now,
        ALTERNATIVES,
      );
      await this.transactions.run(tenant.id, (scope) =>
        this.mailPlain(scope, tenant, booking, 'appointment-counter-closed', {
          next: next.map((t) => this.when(t, booking.locale)),
          bookUrl: `${this.registry.portalUrl(tenant)}termine/${office.office.id}?service=${booking.service}&count=${booking.persons}`,
        }),
      );
    }
    return result;
  }

  /**
   * The timed work of one tenant: holds that ran out are let go, and confirmed appointments that
   * start within a day are reminded of (once each).
   */
  async sweep(tenant: Tenant): Promise<{ expired: number; reminded: number }> {
    const now = this.clock.now();
    const expired = await this.transactions.run(tenant.id, (scope) => this.repository.expireHolds(scope, now));
    let reminded = 0;
    for (;;) {
      const done = await this.transactions.run(tenant.id, async (scope) => {
        const due = await this.repository.dueReminders(scope, now, new Date(now.getTime() + DAY_MS), 100);
        for (const row of due) {
          await this.repository.update(scope, row.id, { remindedAt: now }, now, false);
          await this.mailBooked(scope, tenant, row, 'appointment-reminder', false);
        }
        return due.length;
      });
      reminded += done;
      if (done < 100) break;
    }
    if (expired.length || reminded)
      this.logger.log({ tenant: tenant.slug, expired: expired.length, reminded }, 'appointments');
    return { expired: expired.length, reminded };
  }

  /** A booking made inside an application (the workflow's `appointment` step): confirmed, mailed to the account. */
  bookForApplication(
    tenant: Tenant,
    body: unknown,
    locale: string,
    citizen: BookingCitizen,
    applicationId: string,
  ): Promise<Booked> {
    return this.book(tenant, body, locale, citizen, applicationId);
  }

  /**
   * The appointment booked inside an application that still stands (booked, or the citizen came),
   * with its link to cancel or move it; none when there is none, or it was cancelled.
   */
  async forApplication(tenant: Tenant, applicationId: string, locale: string): Promise<Booked | undefined> {
    const rows = await this.transactions.run(tenant.id, (scope) => this.repository.ofApplication(scope, applicationId));
    const row = rows.find((r) => r.status === 'confirmed' || r.status === 'checked_in');
    return row && this.booked(tenant, row, locale);
  }

  // ---------------------------------------------------------------------------------------------

  private pick(
    tenant: Tenant,
    fields: Record<string, unknown>,
    faults: FieldFault[],
  ): { office?: BookableOffice; service: string; persons: number; minutes: number } {
    const officeId = keyField(fields.office, 'office', faults);
    const serviceKey = keyField(fields.service, 'service', faults);
    const office = officeId ? bookableOffice(tenant, officeId) : undefined;
    if (officeId && !faults.some((f) => f.field === 'office') && !office) {
      faults.push({ field: 'office', key: 'appointment_office' });
    }
    const service = office?.calendar.services.find((s) => s.key === serviceKey);
    if (office && serviceKey && !faults.some((f) => f.field === 'service') && !service) {
      faults.push({ field: 'service', key: 'appointment_service' });
    }
    const persons = personsField(fields.count, office?.calendar.maxPersons ?? 5, faults);
    return { office, service: serviceKey, persons, minutes: (service?.minutes ?? 0) * persons };
  }

  /** Refuses a start in the past, too soon, beyond the horizon, on a closed day, outside the hours. */
  private checkTime(office: BookableOffice, start: Date, minutes: number, now: Date): void {
    const { earliest, lastDay } = bookingWindow(office, now);
    const date = wallTime(start).date;
    if (start.getTime() <= now.getTime()) throw invalidField('start', 'appointment_past');
    if (start.getTime() < earliest.getTime()) {
      throw invalidField('start', 'appointment_too_soon', { hours: office.calendar.noticeHours });
    }
    if (date > lastDay) throw invalidField('start', 'appointment_horizon', { days: office.calendar.horizonDays });
    const closed = closedOn(office, date);
    if (closed === 'holiday')
      throw invalidField('start', 'appointment_holiday', { name: holidayOn(date, office.land) });
    if (closed) throw invalidField('start', 'appointment_closed');
    if (!fitsHours(office, date, start, minutes)) throw invalidField('start', 'appointment_hours');
  }

  /** Takes the first counter free for the whole time; undefined when every one is taken. */
  private async takeCounter(
    scope: TenantScope,
    office: BookableOffice,
    appointmentId: string,
    start: Date,
    minutes: number,
    now: Date,
  ): Promise<number | undefined> {
    const end = new Date(start.getTime() + minutes * 60_000);
    const occupied = await this.occupiedBetween(scope, office, start, end, now);
    const steps = stepsOf(start, minutes, office.calendar.slotMinutes);
    for (const counter of freeCounters(office, occupied, start, minutes)) {
      if (await this.repository.claim(scope, office.office.id, counter, steps, { appointmentId })) return counter;
    }
    return undefined;
  }

  private async occupiedBetween(
    scope: TenantScope,
    office: BookableOffice,
    from: Date,
    to: Date,
    now: Date,
  ): Promise<Occupied> {
    const rows = await this.repository.occupied(scope, office.office.id, from, to, now);
    return new Set(rows.map((r) => occupiedKey(r.counter, new Date(r.slotAt))));
  }

  private async nextFree(
    tenant: Tenant,
    office: BookableOffice,
    minutes: number,
    now: Date,
    limit: number,
  ): Promise<Date[]> {
    const today = wallTime(now).date;
    const last = addDays(today, office.calendar.horizonDays);
    // A month at a time: the first free time is near in all but a full calendar.
    for (let from = today; from <= last; from = addDays(from, 31)) {
      const to = addDays(from, 30);
      const occupied = await this.transactions.run(tenant.id, (scope) =>
        this.occupiedBetween(scope, office, berlinInstant(from, 0), berlinInstant(addDays(to, 1), 0), now),
      );
      const found = freeTimes(office, occupied, minutes, from, to, now, limit);
      if (found.length) return found;
    }
    return [];
  }

  /** The 409 of a time someone else took, with the next free times after it. */
  private async taken(
    tenant: Tenant,
    office: BookableOffice,
    minutes: number,
    start: Date,
  ): Promise<AppointmentsError> {
    const now = this.clock.now();
    const from = wallTime(start).date;
    const occupied = await this.transactions.run(tenant.id, (scope) =>
      this.occupiedBetween(scope, office, start, berlinInstant(addDays(from, 15), 0), now),
    );
    const next = freeTimes(office, occupied, minutes, from, addDays(from, 14), now)
      .filter((t) => t.getTime() > start.getTime())
      .slice(0, ALTERNATIVES)
      .map(berlinIso);
    return new AppointmentsError(AppointmentsErrorCode.Taken, {}, [{ field: 'start', key: 'appointment_taken' }], {
      next,
    });
  }

  private async withLink(
    scope: TenantScope,
    tenant: Tenant,
    id: unknown,
    token: unknown,
    purpose: 'confirm' | 'manage',
    lock = false,
  ): Promise<AppointmentRow> {
    const row = typeof id === 'string' && isUuid(id) ? await this.repository.get(scope, id, lock) : undefined;
    if (!row || !this.links.verify(tenant.id, row.id, purpose, row.linkVersion, token)) {
      throw new AppointmentsError(AppointmentsErrorCode.NotFound, {}, [{ field: 'token', key: 'appointment_link' }]);
    }
    return row;
  }

  private staffOffice(tenant: Tenant, staff: AppointmentStaff, officeId: unknown): BookableOffice {
    const own = staff.role === 'caseworker' ? staff.offices : undefined;
    const id =
      typeof officeId === 'string' && officeId ? officeId : (own?.[0] ?? bookableOffices(tenant)[0]?.office.id);
    const office = typeof id === 'string' ? bookableOffice(tenant, id) : undefined;
    if (!office) throw invalidField('office', 'appointment_office');
    if (own && !own.includes(office.office.id)) {
      throw new AppointmentsError(AppointmentsErrorCode.Forbidden, {}, [
        { field: 'office', key: 'appointment_not_yours' },
      ]);
    }
    return office;
  }

  private view(tenant: Tenant, row: AppointmentRow, locale: string): AppointmentView {
    const office = bookableOffice(tenant, row.office);
    const service = office?.calendar.services.find((s) => s.key === row.service);
    return {
      id: row.id,
      office: row.office,
      officeName: office?.office.name ?? row.office,
      service: row.service,
      serviceTitle: service ? localized(service.title, locale) : row.service,
      count: row.persons,
      start: berlinIso(new Date(row.startAt)),
      end: berlinIso(new Date(row.endAt)),
      status: row.status,
      name: row.name,
      email: row.email,
      holdUntil: row.holdUntil ? new Date(row.holdUntil).toISOString() : null,
    };
  }

  private booked(tenant: Tenant, row: AppointmentRow, locale: string): Booked {
    const token = this.links.sign(tenant.id, row.id, 'manage', row.linkVersion);
    const base = this.registry.portalUrl(tenant);
    return {
      appointment: this.view(tenant, row, locale),
      cancelUrl: `${base}api/v1/appointments/${row.id}?token=${token}`,
      manageUrl: `${base}termine/buchung/${row.id}?token=${token}`,
    };
  }

  private when(instant: Date, locale: string): string {
    return new Intl.DateTimeFormat(intlLocale(locale), {
      dateStyle: 'full',
      timeStyle: 'short',
      timeZone: 'Europe/Berlin',
    }).format(instant);
  }

  private mailData(tenant: Tenant, row: AppointmentRow): Record<string, unknown> {
    const v = this.view(tenant, row, row.locale);
    const office = bookableOffice(tenant, row.office);
    const a = office?.office.address;
    return {
      name: row.name,
      serviceTitle: v.serviceTitle,
      officeName: v.officeName,
      address: a ? `${a.street}, ${a.postalCode} ${a.city}` : '',
      when: this.when(new Date(row.startAt), row.locale),
      persons: row.persons,
      manageLink: this.booked(tenant, row, row.locale).manageUrl,
    };
  }

  private async mailConfirm(scope: TenantScope, tenant: Tenant, row: AppointmentRow): Promise<void> {
    const token = this.links.sign(tenant.id, row.id, 'confirm', row.linkVersion);
    await this.mailer.queue(scope, {
      to: row.email,
      locale: row.locale,
      template: 'appointment-confirm',
      data: {
        ...this.mailData(tenant, row),
        confirmLink: `${this.registry.portalUrl(tenant)}termine/buchung/${row.id}/bestaetigen?token=${token}`,
        minutes: HOLD_MINUTES,
      },
    });
  }

  /** A mail with the appointment as an `.ics` file (confirmation, move, reminder). */
  private async mailBooked(
    scope: TenantScope,
    tenant: Tenant,
    row: AppointmentRow,
    template: string,
    attach = true,
  ): Promise<void> {
    const attachments = [];
    if (attach) {
      const key = `${tenant.id}/appointments/${row.id}-${row.linkVersion}.ics`;
      await this.storage.put(key, Buffer.from(this.icsOf(tenant, row, 'REQUEST'), 'utf8'));
      attachments.push({
        storageKey: key,
        filename: 'termin.ics',
        contentType: 'text/calendar; method=REQUEST; charset=utf-8',
      });
    }
    await this.mailer.queue(scope, {
      to: row.email,
      locale: row.locale,
      template,
      data: this.mailData(tenant, row),
      attachments,
    });
  }

  private async mailPlain(
    scope: TenantScope,
    tenant: Tenant,
    row: AppointmentRow,
    template: string,
    extra: Record<string, unknown>,
  ): Promise<void> {
    await this.mailer.queue(scope, {
      to: row.email,
      locale: row.locale,
      template,
      data: { ...this.mailData(tenant, row), ...extra },
    });
  }

  private event(
    tenant: Tenant,
    row: AppointmentRow,
    office: BookableOffice | undefined,
    locale: string,
    personal: boolean,
  ) {
    const service = office?.calendar.services.find((s) => s.key === row.service);
    const a = office?.office.address;
    const title = service ? localized(service.title, locale) : row.service;
    return {
      id: `${row.id}@${tenant.slug}.openrathaus`,
      start: new Date(row.startAt),
      end: new Date(row.endAt),
      summary: personal ? `${title} – ${office?.office.name ?? row.office}` : `${title} (${row.persons}) – ${row.name}`,
      location: a ? `${office.office.name}, ${a.street}, ${a.postalCode} ${a.city}` : row.office,
      description: personal
        ? this.booked(tenant, row, locale).manageUrl
        : `${row.email} · Schalter ${row.counter}${row.status === 'checked_in' ? ' · erschienen' : ''}`,
      cancelled: row.status === 'cancelled',
      sequence: row.linkVersion,
    };
  }

  private icsOf(tenant: Tenant, row: AppointmentRow, method: 'REQUEST' | 'CANCEL'): string {
    const office = bookableOffice(tenant, row.office);
    return calendarIcs(tenant.name, this.event(tenant, row, office, row.locale, true), method);
  }
}
