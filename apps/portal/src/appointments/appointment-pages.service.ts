import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  AppointmentStaff,
  Appointments,
  AppointmentsError,
  Booked,
  addDays,
  bookableOffice,
  bookableOffices,
  wallTime,
} from '@openrathaus/appointments';
import { DomainError } from '@openrathaus/core';
import { I18n, intlLocale, localized } from '@openrathaus/i18n';
import type { CitizenSession, StaffSession } from '@openrathaus/identity';
import type { Tenant } from '@openrathaus/tenancy';
import { staffNav } from '../backoffice/backoffice-login-pages.service';
import { CitizenAuth } from '../http/citizen-auth';
import { ErrorResponder } from '../http/error-responder.service';
import { PageContext } from '../http/page-context.service';
import { Workflow, WorkflowError, WorkflowErrorCode } from '@openrathaus/workflow';

/** The request a page answers. */
export interface Page {
  request: FastifyRequest;
  reply: FastifyReply;
  tenant: Tenant;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const enc = encodeURIComponent;

/**
 * The citizen's appointment pages and the staff's day and week, drawn on the server and usable
 * without JavaScript: every choice is a link or a form; forms post with a CSRF token.
 */
@Injectable()
export class AppointmentPages {
  constructor(
    private readonly appointments: Appointments,
    private readonly pages: PageContext,
    private readonly i18n: I18n,
    private readonly auth: CitizenAuth,
    private readonly errors: ErrorResponder,
    private readonly workflow: Workflow,
  ) {}

  /** `/termine`: the matters offered, then the offices that book the chosen one. */
  async start(page: Page, query: Record<string, unknown>): Promise<string> {
    const locale = this.locale(page);
    const services = this.appointments.services(page.tenant, locale);
    const chosen = services.find((s) => s.key === query.service);
    const count = /^\d{1,2}$/.test(str(query.count)) ? Number(query.count) : 1;
    const maxPersons = Math.max(1, ...bookableOffices(page.tenant).map((o) => o.calendar.maxPersons));
    const offices = chosen ? await this.appointments.offices(page.tenant, locale, chosen.key) : [];
    return this.render(page, locale, 'appointments-start', this.t(locale, 'appointments.title'), 200, {
      services: services.map((s) => ({ ...s, selected: s.key === chosen?.key })),
      count,
      maxPersons,
      offices: offices.map((o) => ({
        ...o,
        nextFree: o.nextFree ? this.when(new Date(o.nextFree), locale) : null,
        url: `/termine/${o.id}?service=${enc(chosen!.key)}&count=${count}`,
      })),
    });
  }

  /**
   * `/termine/:office`: the month at a glance (free times per day), the free times of the chosen
   * day, and the form that books one (or moves a booking, with `verschieben` and its token).
   */
  async office(
    page: Page,
    officeId: string,
    query: Record<string, unknown>,
    problems: { field: string; message: string }[] = [],
    status = 200,
    next: string[] = [],
    problemsMessage = '',
  ): Promise<string> {
    const locale = this.locale(page);
    const office = bookableOffice(page.tenant, officeId);
    const service = office?.calendar.services.find((s) => s.key === query.service) ?? office?.calendar.services[0];
    if (!office || !service) {
      return this.render(page, locale, 'appointments-start', this.t(locale, 'appointments.title'), 404, {
        services: this.appointments.services(page.tenant, locale),
        count: 1,
        problems: [
          {
            field: 'office',
            message: this.errors.fieldMessage(locale, { field: 'office', key: 'appointment_office' }),
          },
        ],
      });
    }
    const count = /^\d{1,2}$/.test(str(query.count)) ? Number(query.count) : 1;
    // Inside an application (its appointment step): the same page under the application's address.
    const application = typeof query.__application === 'string' ? query.__application : undefined;
    const base = application ? `/antraege/${enc(application)}/termin` : `/termine/${office.office.id}`;
    const today = wallTime(this.appointments.now()).date;
    const month = MONTH.test(str(query.month))
      ? str(query.month)
      : (DAY.test(str(query.day)) ? str(query.day) : today).slice(0, 7);
    const first = `${month}-01`;
    const last = addDays(`${addDays(first, 31).slice(0, 7)}-01`, -1);
    const moving =
      typeof query.verschieben === 'string' ? { id: query.verschieben, token: str(query.token) } : undefined;
    const keep = `service=${enc(service.key)}&count=${count}${moving ? `&verschieben=${enc(moving.id)}&token=${enc(moving.token)}` : ''}`;
    let times: string[] = [];
    try {
      times =
        last < today
          ? []
          : (
              await this.appointments.slots(page.tenant, {
                office: office.office.id,
                service: service.key,
                count,
                from: first < today ? today : first,
                to: last,
              })
            ).times;
    } catch (error) {
      if (!(error instanceof AppointmentsError)) throw error;
      problems = [...problems, ...this.faults(locale, error)];
      status = 400;
    }
    const byDay = new Map<string, string[]>();
    for (const time of times) byDay.set(time.slice(0, 10), [...(byDay.get(time.slice(0, 10)) ?? []), time]);
    const dayFormat = new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'full', timeZone: 'UTC' });
    const weekdayFormat = (style: 'short' | 'long') =>
      new Intl.DateTimeFormat(intlLocale(locale), { weekday: style, timeZone: 'UTC' });
    const weeks: Record<string, unknown>[][] = [];
    let week: Record<string, unknown>[] = [];
    const lead = (new Date(`${first}T00:00:00Z`).getUTCDay() + 6) % 7;
    for (let i = 0; i < lead; i++) week.push({});
    const selectedDay = DAY.test(str(query.day)) && byDay.has(str(query.day)) ? str(query.day) : undefined;
    for (let d = first; d <= last; d = addDays(d, 1)) {
      const free = byDay.get(d)?.length ?? 0;
      week.push({
        day: Number(d.slice(8, 10)),
        free,
        label: dayFormat.format(new Date(`${d}T00:00:00Z`)),
        url: `${base}?${keep}&month=${month}&day=${d}#day-title`,
        selected: d === selectedDay,
      });
      if (week.length === 7) {
        weeks.push(week);
        week = [];
      }
    }
    if (week.length) weeks.push(week);
    const mondays = [0, 1, 2, 3, 4, 5, 6].map((i) => new Date(Date.UTC(2024, 0, 1 + i)));
    const prevMonth = addDays(first, -1).slice(0, 7);
    const nextMonth = addDays(last, 1).slice(0, 7);
    const lastBookable = addDays(today, office.calendar.horizonDays);
    const session = await this.auth.citizenOf(page.request);
    const body = (query.__body ?? {}) as Record<string, unknown>;
    const timeFormat = new Intl.DateTimeFormat(intlLocale(locale), { timeStyle: 'short', timeZone: 'Europe/Berlin' });
    // The office, then the matter: the same office's page for another matter is told apart.
    const title = `${office.office.name} – ${localized(service.title, locale)}`;
    return this.render(page, locale, 'appointments-office', title, status, {
      office: { ...office.office, address: this.address(office.office.address) },
      service: { key: service.key, title: localized(service.title, locale) },
      count,
      moving: !!moving,
      application: application && { url: `/antraege/${enc(application)}` },
      problems,
      problemsMessage,
      next: next.map((n) => ({ label: this.when(new Date(n), locale) })),
      noneLabel: this.t(locale, 'appointments.day_none'),
      month: {
        label: new Intl.DateTimeFormat(intlLocale(locale), { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
          new Date(`${first}T00:00:00Z`),
        ),
        weekdays: mondays.map((m) => ({
          short: weekdayFormat('short').format(m),
          long: weekdayFormat('long').format(m),
        })),
        weeks,
        prevUrl: prevMonth >= today.slice(0, 7) ? `${base}?${keep}&month=${prevMonth}` : undefined,
        nextUrl: nextMonth <= lastBookable.slice(0, 7) ? `${base}?${keep}&month=${nextMonth}` : undefined,
      },
      day: selectedDay && {
        label: dayFormat.format(new Date(`${selectedDay}T00:00:00Z`)),
        times: byDay
          .get(selectedDay)!
          .map((t) => ({ value: t, label: timeFormat.format(new Date(t)), checked: t === body.start })),
      },
      citizenEmail: session?.email,
      form: {
        action: moving
          ? `/termine/buchung/${enc(moving.id)}/verschieben`
          : application
            ? base
            : `/termine/${office.office.id}/buchen`,
        csrf: this.auth.csrfToken(page.request, page.reply, session),
        hidden: moving
          ? [
              { name: 'token', value: moving.token },
              { name: 'back', value: `${keep}&month=${month}&day=${selectedDay ?? ''}` },
            ]
          : [
              { name: 'service', value: service.key },
              { name: 'count', value: String(count) },
            ],
        name: str(body.name),
        email: str(body.email),
        submit: this.t(locale, moving ? 'appointments.move' : 'appointments.book'),
      },
    });
  }

  /** Books from the office's form; on a fault the same page again, with the faults and the next free times. */
  async book(page: Page, officeId: string, body: Record<string, unknown>): Promise<string | { redirect: string }> {
    const session = await this.auth.citizenOf(page.request);
    this.auth.checkCsrf(page.request, session, body);
    const locale = this.locale(page);
    try {
      const booked = await this.appointments.book(
        page.tenant,
        { ...body, office: officeId, count: str(body.count) || undefined },
        locale,
        session && this.citizen(session),
      );
      return { redirect: `${this.localUrl(booked.manageUrl)}&hinweis=${booked.appointment.status}` };
    } catch (error) {
      return this.again(page, officeId, { ...body, __body: body }, error, locale);
    }
  }

  /**
   * `/antraege/:id/termin`: the appointment an application's step asks for, with the office and
   * service of the step: the office's month and free times, booked into the application. An
   * application that waits for no appointment goes back to its page.
   */
  async forApplication(
    page: Page,
    session: CitizenSession,
    id: string,
    query: Record<string, unknown>,
  ): Promise<string | { redirect: string }> {
    const due = await this.workflow.appointmentDue(page.tenant, session, id);
    if (!due) return { redirect: `/antraege/${enc(id)}` };
    return this.office(page, due.office, { ...query, service: due.service, __application: id });
  }

  /** Books the application's appointment from its page; on a fault the page again, with the faults and the next free times. */
  async bookForApplication(
    page: Page,
    session: CitizenSession,
    id: string,
    body: Record<string, unknown>,
  ): Promise<string | { redirect: string }> {
    this.auth.checkCsrf(page.request, session, body);
    const locale = this.locale(page);
    const due = await this.workflow.appointmentDue(page.tenant, session, id);
    if (!due) return { redirect: `/antraege/${enc(id)}` };
    try {
      await this.workflow.bookAppointment(
        page.tenant,
        session,
        this.citizen(session),
        id,
        { start: body.start, count: str(body.count) || undefined },
        locale,
      );
      return { redirect: `/antraege/${enc(id)}` };
    } catch (error) {
      if (error instanceof WorkflowError && error.code === String(WorkflowErrorCode.NoAppointmentDue)) {
        return { redirect: `/antraege/${enc(id)}` };
      }
      const query = { ...body, service: due.service, __application: id, __body: body };
      return this.again(page, due.office, query, error, locale);
    }
  }

  /** `/termine/buchung/:id`: the booking behind its link, with confirm, cancel, move and the calendar file. */
  async booking(
    page: Page,
    id: string,
    token: unknown,
    notice: unknown,
    purpose: 'manage' | 'confirm',
  ): Promise<string> {
    const locale = this.locale(page);
    const session = await this.auth.citizenOf(page.request);
    const booked =
      purpose === 'confirm'
        ? await this.confirmView(page, id, token, locale)
        : await this.appointments.show(page.tenant, id, token, locale);
    const known = ['held', 'confirmed', 'moved', 'cancelled'].includes(str(notice)) ? str(notice) : undefined;
    return this.bookingPage(page, locale, booked, session, purpose === 'confirm' ? str(token) : undefined, known);
  }

  async confirm(page: Page, id: string, body: Record<string, unknown>): Promise<{ redirect: string }> {
    this.auth.checkCsrf(page.request, await this.auth.citizenOf(page.request), body);
    const booked = await this.appointments.confirm(page.tenant, id, body.token, this.locale(page));
    return { redirect: `${this.localUrl(booked.manageUrl)}&hinweis=confirmed` };
  }

  async cancel(page: Page, id: string, body: Record<string, unknown>): Promise<string> {
    const session = await this.auth.citizenOf(page.request);
    this.auth.checkCsrf(page.request, session, body);
    const locale = this.locale(page);
    const view = await this.appointments.cancel(page.tenant, id, body.token, locale);
    return this.bookingPage(
      page,
      locale,
      { appointment: view, cancelUrl: '', manageUrl: '' },
      session,
      undefined,
      'cancelled',
    );
  }

  async move(page: Page, id: string, body: Record<string, unknown>): Promise<string | { redirect: string }> {
    this.auth.checkCsrf(page.request, await this.auth.citizenOf(page.request), body);
    const locale = this.locale(page);
    try {
      const booked = await this.appointments.move(page.tenant, id, body.token, body, locale);
      return { redirect: `${this.localUrl(booked.manageUrl)}&hinweis=moved` };
    } catch (error) {
      const current = await this.appointments.show(page.tenant, id, body.token, locale).catch(() => undefined);
      if (!current) throw error;
      const back = new URLSearchParams(str(body.back));
      const query = Object.fromEntries(back.entries()) as Record<string, unknown>;
      return this.again(
        page,
        current.appointment.office,
        { ...query, verschieben: id, token: body.token, __body: body },
        error,
        locale,
      );
    }
  }

  /** The staff's day or week at an office, with check-in, no-show and the form that closes a counter. */
  async staffAgenda(page: Page, staff: StaffSession, query: Record<string, unknown>, notice?: string): Promise<string> {
    const locale = this.locale(page);
    const who = staffOf(staff);
    const week = query.view === 'week';
    const agenda = await this.appointments.agenda(
      page.tenant,
      who,
      { office: query.office, date: query.date, days: week ? 7 : 1 },
      locale,
    );
    const own = who.role === 'caseworker' ? who.offices : undefined;
    const format = new Intl.DateTimeFormat(intlLocale(locale), {
      ...(week ? { weekday: 'short', day: '2-digit', month: '2-digit' } : {}),
      hour: '2-digit',
      minute: '2-digit',
      timeZone: 'Europe/Berlin',
    });
    const endFormat = new Intl.DateTimeFormat(intlLocale(locale), {
      hour: '2-digit',
      minute: '2-digit',
      timeZone: 'Europe/Berlin',
    });
    return this.pages.personal(
      page.request,
      page.reply,
      {
        tenant: page.tenant,
        locale,
        view: 'backoffice-appointments',
        title: this.t(locale, 'backoffice.appointments.title'),
      },
      {
        staffNav: staffNav(staff, 'termine'),
        csrfToken: staff.csrfToken,
        notice,
        week,
        date: agenda.date,
        back: `office=${agenda.office.office.id}&date=${agenda.date}&view=${week ? 'week' : 'day'}`,
        office: {
          id: agenda.office.office.id,
          name: agenda.office.office.name,
          counters: agenda.office.calendar.counters,
        },
        offices: bookableOffices(page.tenant)
          .filter((o) => !own || own.includes(o.office.id))
          .map((o) => ({ id: o.office.id, name: o.office.name, selected: o.office.id === agenda.office.office.id })),
        items: agenda.items.map((item) => ({
          ...item,
          when: `${format.format(new Date(item.start))}–${endFormat.format(new Date(item.end))}`,
          statusLabel: this.t(locale, `appointments.status.${item.status}`),
          markable: ['confirmed', 'checked_in', 'no_show'].includes(item.status),
        })),
        feedUrl: this.appointments.feedUrl(page.tenant, agenda.office.office.id),
      },
    );
  }

  /** A refused form: the page again with the faults; a taken time shows the next free ones. */
  private async again(
    page: Page,
    officeId: string,
    query: Record<string, unknown>,
    error: unknown,
    locale: string,
  ): Promise<string> {
    if (!(error instanceof DomainError) || error.kind === 'internal') throw error;
    const next =
      error instanceof AppointmentsError && Array.isArray(error.details?.next) ? (error.details.next as string[]) : [];
    const status =
      { invalid: 400, conflict: 409, unprocessable: 422, not_found: 404, forbidden: 403 }[error.kind as string] ?? 400;
    const start = str((query.__body as Record<string, unknown> | undefined)?.start);
    const day = DAY.test(start.slice(0, 10)) ? start.slice(0, 10) : str(query.day);
    return this.office(
      page,
      officeId,
      { ...query, day, month: day.slice(0, 7) },
      this.faults(locale, error),
      status,
      next,
      this.i18n.t(locale, `errors.${error.code}`, error.params),
    );
  }

  private async confirmView(page: Page, id: string, token: unknown, locale: string): Promise<Booked> {
    // The confirmation link shows the booking before it is confirmed by the button (a mail scanner's
    // visit confirms nothing); the link's token is checked by `confirm`.
    return this.appointments.peek(page.tenant, id, token, locale);
  }

  private bookingPage(
    page: Page,
    locale: string,
    booked: Booked,
    session: CitizenSession | undefined,
    confirmToken: string | undefined,
    notice: string | undefined,
  ): string {
    const a = booked.appointment;
    const manageToken = booked.manageUrl ? (new URL(booked.manageUrl).searchParams.get('token') ?? '') : '';
    const live = ['held', 'confirmed'].includes(a.status);
    const noticeText = notice
      ? notice === 'held'
        ? this.t(locale, 'appointments.booked_held', { email: a.email })
        : notice === 'confirmed'
          ? this.t(locale, a.status === 'confirmed' ? 'appointments.booked_confirmed' : 'appointments.confirmed', {
              email: a.email,
            })
          : notice === 'moved'
            ? this.t(locale, 'appointments.booked_confirmed', { email: a.email })
            : this.t(locale, 'appointments.cancelled')
      : undefined;
    return this.render(page, locale, 'appointments-booking', this.t(locale, 'appointments.your'), 200, {
      appointment: a,
      when: this.when(new Date(a.start), locale),
      status: this.t(locale, `appointments.status.${a.status}`),
      notice: noticeText,
      csrf: this.auth.csrfToken(page.request, page.reply, session),
      confirm:
        confirmToken && a.status === 'held'
          ? { action: `/termine/buchung/${a.id}/bestaetigen`, token: confirmToken }
          : undefined,
      manage:
        !confirmToken && live && manageToken
          ? {
              token: manageToken,
              cancelAction: `/termine/buchung/${a.id}/absagen`,
              moveUrl: `/termine/${a.office}?service=${enc(a.service)}&count=${a.count}&verschieben=${a.id}&token=${enc(manageToken)}`,
              icsUrl:
                a.status === 'confirmed' ? `/termine/buchung/${a.id}/termin.ics?token=${enc(manageToken)}` : undefined,
            }
          : undefined,
    });
  }

  private faults(locale: string, error: DomainError): { field: string; message: string }[] {
    return error.fields.map((f) => ({ field: f.field, message: this.errors.fieldMessage(locale, f) }));
  }

  private citizen(session: CitizenSession) {
    return { citizenId: session.citizenId, email: session.email, name: session.name };
  }

  private localUrl(url: string): string {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  }

  private address(a: { name?: string; street: string; postalCode: string; city: string }): string {
    return `${a.name ? `${a.name}, ` : ''}${a.street}, ${a.postalCode} ${a.city}`;
  }

  private when(instant: Date, locale: string): string {
    return new Intl.DateTimeFormat(intlLocale(locale), {
      dateStyle: 'full',
      timeStyle: 'short',
      timeZone: 'Europe/Berlin',
    }).format(instant);
  }

  private locale(page: Page): string {
    return this.pages.locale(page.request, page.reply, page.tenant);
  }

  /** A text of the pages in the language of the request. */
  text(locale: string, key: string, params?: Record<string, unknown>): string {
    return this.i18n.t(locale, key, params);
  }

  private t(locale: string, key: string, params?: Record<string, unknown>): string {
    return this.i18n.t(locale, key, params);
  }

  private render(
    page: Page,
    locale: string,
    view: string,
    title: string,
    status: number,
    data: Record<string, unknown>,
  ): string {
    return this.pages.personal(page.request, page.reply, { tenant: page.tenant, locale, view, title, status }, data);
  }
}

/** The member of staff as appointments need them. */
export const staffOf = (session: StaffSession): AppointmentStaff => ({
  id: session.staffId,
  role: session.role,
  offices: session.offices,
});
