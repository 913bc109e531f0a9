/**
 * Appointments end to end on the demo tenants, on a clock set to Monday 7 December 2026, 08:00 in
 * Duisburg: offices and free times, bookings held by the database (200 at once for one time: one
 * wins), confirmation by the e-mailed link and the calendar file only then, cancel and move by
 * signed links that are spent once used, the day's limit, every kind of bad input naming its
 * field, fuzzing without a 5xx, holds that run out and reminders a day ahead on a moved clock,
 * the staff's day with check-in and a closed counter, tenant isolation by API and by SQL, an
 * application whose definition asks for a visit, booked inside the application, and the mails of a
 * booking made in Ukrainian, Russian or Polish, in that language.
 */
import fc from 'fast-check';
import { APPOINTMENTS_CLOCK, Appointments } from '@openrathaus/appointments';
import { MovableClock } from '@openrathaus/core';
import { TenantTransactions } from '@openrathaus/database';
import { TenantRegistry } from '@openrathaus/tenancy';
import { TEST_SETTINGS, TestResponse, get, postForm, send } from '@openrathaus/testing';
import { TestPortal, eventually, startTestPortal } from '../support';
import { geburtsurkunde } from '../support-answers';
import { registerCitizen } from '../support-citizen';
import { TestSmtp, parseMail, startSmtp } from '../support-mail';
import { StaffLogin, staffSession } from '../support-staff';

const DU = 'duisburg.localhost';
const DO = 'dortmund.localhost';
const OFFICE = 'bss-walsum';
/** Monday 7 December 2026, shortly before 08:00 in Berlin. */
const NOW = new Date('2026-12-07T06:58:00Z');
const HOUR = 3_600_000;

const json = <T = Record<string, unknown>>(res: TestResponse): T => JSON.parse(res.body) as T;
const fieldsOf = (res: TestResponse): string[] =>
  ((json(res).errors as { field: string }[] | undefined) ?? []).map((e) => e.field);

describe('appointments', () => {
  let portal: TestPortal;
  let smtp: TestSmtp;
  let clock: MovableClock;
  let serial = 0;

  const book = (body: Record<string, unknown>, host = DU, headers: Record<string, string> = {}) =>
    send(portal.port, 'POST', '/api/v1/appointments', host, body, headers);
  const person = () => {
    serial++;
    return { name: `Person ${serial}`, email: `person${serial}@example.org` };
  };
  const mailTo = (email: string, subject: RegExp) =>
    eventually(() =>
      Promise.resolve(
        smtp.received
          .map((m) => parseMail(m.raw))
          .find((m) => m.headers.to?.includes(email) && subject.test(m.subject)),
      ),
    );
  const linkIn = (text: string, path: RegExp): URL => new URL(path.exec(text)![0]);

  beforeAll(async () => {
    smtp = await startSmtp();
    portal = await startTestPortal({ smtpUrl: smtp.url });
    clock = portal.app.get<MovableClock>(APPOINTMENTS_CLOCK);
    clock.setTo(NOW);
  });

  afterAll(async () => {
    await portal?.stop();
    await smtp?.close();
  });

  beforeEach(() => clock.setTo(NOW));

  it('lists the offices that book, with services, durations and the next free time', async () => {
    const res = await get(portal.port, '/api/v1/appointments/offices?service=personalausweis', DU);
    expect(res.status).toBe(200);
    const offices = json<{ id: string; services: { key: string; minutes: number }[]; nextFree: string }[]>(res);
    expect(offices.map((o) => o.id).sort()).toEqual(['bss-walsum', 'buergerbuero']);
    const walsum = offices.find((o) => o.id === OFFICE)!;
    expect(walsum.services).toContainEqual(expect.objectContaining({ key: 'personalausweis', minutes: 15 }));
    // Two hours' notice from 07:58 on Monday: 10:00 that day.
    expect(walsum.nextFree).toBe('2026-12-07T10:00:00+01:00');
    for (const slug of ['dortmund', 'gelsenkirchen']) {
      const other = await get(portal.port, '/api/v1/appointments/offices', `${slug}.localhost`);
      expect(json<{ id: string }[]>(other).map((o) => o.id)).toEqual(['buergerbuero']);
    }
  });

  it('computes free times for several persons at once, never on a holiday, a month at a glance', async () => {
    const one = json<{ times: string[]; minutes: number }>(
      await get(
        portal.port,
        `/api/v1/appointments/slots?office=${OFFICE}&service=personalausweis&from=2026-12-07&to=2026-12-31`,
        DU,
      ),
    );
    const three = json<{ times: string[]; minutes: number }>(
      await get(
        portal.port,
        `/api/v1/appointments/slots?office=${OFFICE}&service=personalausweis&count=3&from=2026-12-07&to=2026-12-31`,
        DU,
      ),
    );
    expect(one.minutes).toBe(15);
    expect(three.minutes).toBe(45);
    // Monday 10:00–12:00: a single person may start until 11:45, three persons until 11:15.
    expect(one.times.filter((t) => t.startsWith('2026-12-07')).at(-1)).toBe('2026-12-07T11:45:00+01:00');
    expect(three.times.filter((t) => t.startsWith('2026-12-07')).at(-1)).toBe('2026-12-07T11:15:00+01:00');
    expect(one.times.some((t) => t.startsWith('2026-12-25') || t.startsWith('2026-12-26'))).toBe(false);
    expect(one.times.some((t) => t.startsWith('2026-12-12') || t.startsWith('2026-12-13'))).toBe(false);
    expect(one.times.every((t) => /:(00|05|10|15|20|25|30|35|40|45|50|55):00\+01:00$/.test(t))).toBe(true);
    // The same month at a glance as a page, with the day's times to choose from.
    const page = await get(
      portal.port,
      `/termine/${OFFICE}?service=personalausweis&count=3&month=2026-12&day=2026-12-08`,
      DU,
      {
        accept: 'text/html',
      },
    );
    expect(page.status).toBe(200);
    expect(page.body).toContain('value="2026-12-08T11:15:00+01:00"');
    expect(page.body).not.toContain('value="2026-12-08T11:20:00+01:00"');
    // Days and months in the page's language (Gelsenkirchen speaks Turkish too).
    const turkish = await get(
      portal.port,
      '/termine/buergerbuero?service=reisepass&month=2026-12&day=2026-12-09&lang=tr',
      'gelsenkirchen.localhost',
      { accept: 'text/html' },
    );
    expect(turkish.status).toBe(200);
    expect(turkish.body).toContain('Aralık 2026');
    expect(turkish.body).toContain('9 Aralık 2026 Çarşamba');
    expect(turkish.body).not.toMatch(/December|Dezember/);
  });

  it('refuses bad input with the field named, in German and English', async () => {
    const base = { office: OFFICE, service: 'personalausweis', start: '2026-12-08T09:00:00+01:00', ...person() };
    const cases: [Record<string, unknown>, string, string?][] = [
      [{ start: '2026-12-04T09:00:00+01:00' }, 'start', 'Vergangenheit'],
      [{ start: '2026-12-07T09:00:00+01:00' }, 'start', 'kurzfristig'],
      [{ start: '2027-02-10T09:00:00+01:00' }, 'start', 'Buchungszeitraum'],
      [{ start: '2026-12-25T09:00:00+01:00' }, 'start', '1. Weihnachtstag'],
      [{ start: '2026-12-08T12:30:00+01:00' }, 'start', 'Öffnungszeiten'],
      [{ start: '2026-12-08T09:02:00+01:00' }, 'start', 'Zeitraster'],
      [{ start: '2026-12-12T09:00:00+01:00' }, 'start'],
      [{ start: 'morgen früh' }, 'start'],
      [{ service: 'baugenehmigung' }, 'service', 'nicht angeboten'],
      [{ office: 'steueramt' }, 'office'],
      [{ count: 6 }, 'count'],
      [{ email: 'not-an-address' }, 'email'],
      [{ name: '' }, 'name'],
    ];
    for (const [change, field, text] of cases) {
      const res = await book({ ...base, ...change }, DU, { 'accept-language': 'de' });
      expect([res.status, fieldsOf(res)]).toEqual([400, [field]]);
      if (text) expect(res.body).toContain(text);
    }
    const english = await book({ ...base, start: '2026-12-25T09:00:00+01:00' }, DU, { 'accept-language': 'en' });
    expect(json(english).errors).toEqual([{ field: 'start', message: 'is a public holiday (1. Weihnachtstag)' }]);
    // Another tenant's office is no office here.
    const elsewhere = await book({ ...base, office: OFFICE }, DO);
    expect([elsewhere.status, fieldsOf(elsewhere)]).toEqual([400, ['office']]);
    const badRange = await get(
      portal.port,
      `/api/v1/appointments/slots?office=${OFFICE}&service=personalausweis&from=2026-12-07&to=2027-03-31`,
      DU,
    );
    expect([badRange.status, fieldsOf(badRange)]).toEqual([400, ['to']]);
  });

  it('books one counter once: of 200 attempts at the same time exactly one wins, 199 get 409 with the next free times', async () => {
    const start = '2026-12-08T09:00:00+01:00';
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => book({ office: OFFICE, service: 'personalausweis', start, ...person() })),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(199);
    expect(statuses.filter((s) => s >= 500)).toHaveLength(0);
    const refused = json<{ code: string; next: string[] }>(answers.find((a) => a.status === 409)!);
    expect(refused.code).toBe('appointments.taken');
    expect(refused.next[0]).toBe('2026-12-08T09:15:00+01:00');
    expect(refused.next).not.toContain(start);
    const slots = json<{ times: string[] }>(
      await get(
        portal.port,
        `/api/v1/appointments/slots?office=${OFFICE}&service=personalausweis&from=2026-12-08&to=2026-12-08`,
        DU,
      ),
    );
    expect(slots.times).not.toContain(start);
    // An overlapping longer booking is refused too: 08:30 for three persons would run into 09:00.
    const overlap = await book({
      office: OFFICE,
      service: 'personalausweis',
      count: 3,
      start: '2026-12-08T08:30:00+01:00',
      ...person(),
    });
    expect(overlap.status).toBe(409);
  });

  it('holds a booking until the e-mailed link confirms it; only then the calendar file; cancel once', async () => {
    const who = person();
    const res = await book({ office: OFFICE, service: 'reisepass', start: '2026-12-09T10:00:00+01:00', ...who });
    expect(res.status).toBe(201);
    const booked = json<{ id: string; status: string; cancelUrl: string }>(res);
    expect(booked.status).toBe('held');
    const cancelToken = new URL(booked.cancelUrl).searchParams.get('token')!;
    // No calendar file while held.
    expect((await get(portal.port, `/api/v1/appointments/${booked.id}.ics?token=${cancelToken}`, DU)).status).toBe(409);
    const mail = await mailTo(who.email, /bestätigen/);
    expect(mail.parts.some((p) => p.contentType.startsWith('text/calendar'))).toBe(false);
    const confirmLink = linkIn(mail.text, /http:\/\/\S+\/bestaetigen\?token=[A-Za-z0-9_-]+/);
    // A forged link is refused, naming the token.
    const forged = await send(
      portal.port,
      'POST',
      `/api/v1/appointments/${booked.id}/confirm?token=${'x'.repeat(43)}`,
      DU,
    );
    expect([forged.status, fieldsOf(forged)]).toEqual([404, ['token']]);
    const confirmed = await send(
      portal.port,
      'POST',
      `/api/v1/appointments/${booked.id}/confirm${confirmLink.search}`,
      DU,
    );
    expect(confirmed.status).toBe(200);
    expect(json(confirmed).status).toBe('confirmed');
    // The link is spent once used.
    expect(
      (await send(portal.port, 'POST', `/api/v1/appointments/${booked.id}/confirm${confirmLink.search}`, DU)).status,
    ).toBe(404);
    const done = await mailTo(who.email, /ist bestätigt/);
    const ics = done.parts.find((p) => p.contentType.startsWith('text/calendar'))!;
    expect(ics.content.toString()).toMatch(/BEGIN:VEVENT[\s\S]*DTSTART:20261209T090000Z[\s\S]*END:VEVENT/);
    const manage = linkIn(done.text, /http:\/\/\S+\/termine\/buchung\/\S+\?token=[A-Za-z0-9_-]+/);
    const token = manage.searchParams.get('token')!;
    const file = await get(portal.port, `/api/v1/appointments/${booked.id}.ics?token=${token}`, DU);
    expect([file.status, file.headers['content-type']]).toEqual([200, 'text/calendar; charset=utf-8']);
    // The first cancel link (from before the confirmation) no longer works.
    expect(
      (await send(portal.port, 'DELETE', `/api/v1/appointments/${booked.id}?token=${cancelToken}`, DU)).status,
    ).toBe(404);
    const cancelled = await send(portal.port, 'DELETE', `/api/v1/appointments/${booked.id}?token=${token}`, DU);
    expect([cancelled.status, json(cancelled).status]).toEqual([200, 'cancelled']);
    const reused = await send(portal.port, 'DELETE', `/api/v1/appointments/${booked.id}?token=${token}`, DU);
    expect([reused.status, fieldsOf(reused)]).toEqual([404, ['token']]);
    await mailTo(who.email, /abgesagt/);
    // The time is free again.
    const again = await book({ office: OFFICE, service: 'reisepass', start: '2026-12-09T10:00:00+01:00', ...person() });
    expect(again.status).toBe(201);
  });

  it.each([
    ['uk', '09:00', /^Будь ласка, підтвердьте ваш запис/, /^Ваш запис на .* підтверджено$/, 'середа, 9 грудня 2026'],
    [
      'ru',
      '09:15',
      /^Пожалуйста, подтвердите вашу запись/,
      /^Ваша запись на .* подтверждена$/,
      'среда, 9 декабря 2026',
    ],
    [
      'pl',
      '09:30',
      /^Prosimy o potwierdzenie wizyty/,
      /^Państwa wizyta w dniu .* została potwierdzona$/,
      'środa, 9 grudnia 2026',
    ],
  ])('writes the mails of a booking made in %s in that language', async (lang, time, confirm, booked, date) => {
    const who = person();
    const GE = 'gelsenkirchen.localhost';
    const start = `2026-12-09T${time}:00+01:00`;
    const res = await send(portal.port, 'POST', `/api/v1/appointments?lang=${lang}`, GE, {
      office: 'buergerbuero',
      service: 'reisepass',
      start,
      ...who,
    });
    expect(res.status).toBe(201);
    const held = await mailTo(who.email, confirm);
    expect(held.html).toContain(`<html lang="${lang}" dir="ltr">`);
    expect(held.text).not.toMatch(/Guten Tag|Mit freundlichen Grüßen/);
    // The date as the language writes it, not in English or German.
    expect(held.text).toContain(date);
    const link = linkIn(held.text, /http:\/\/\S+\/bestaetigen\?token=[A-Za-z0-9_-]+/);
    const id = json<{ id: string }>(res).id;
    // Confirmed without a language of its own: the booking's language stays.
    expect((await send(portal.port, 'POST', `/api/v1/appointments/${id}/confirm${link.search}`, GE)).status).toBe(200);
    const done = await mailTo(who.email, booked);
    expect(done.html).toContain(`<html lang="${lang}" dir="ltr">`);
    expect(done.parts.some((p) => p.contentType.startsWith('text/calendar'))).toBe(true);
  });

  it('books a logged-in citizen at once, to the account’s verified address, and moves by the signed link', async () => {
    const citizen = await registerCitizen(portal, smtp, DU, 'termin-konto@example.org');
    const res = await book(
      {
        office: OFFICE,
        service: 'wohnsitz-anmelden',
        count: 2,
        start: '2026-12-10T13:00:00+01:00',
        name: 'x',
        email: 'someone-else@example.org',
      },
      DU,
      { cookie: citizen.cookie },
    );
    expect(res.status).toBe(201);
    const booked = json<{ id: string; status: string; end: string; appointment: { email: string } }>(res);
    expect([booked.status, booked.end, booked.appointment.email]).toEqual([
      'confirmed',
      '2026-12-10T13:20:00+01:00',
      citizen.email,
    ]);
    const mail = await mailTo(citizen.email, /ist bestätigt/);
    expect(mail.parts.some((p) => p.contentType.startsWith('text/calendar'))).toBe(true);
    const token = linkIn(mail.text, /http:\/\/\S+\/termine\/buchung\/\S+\?token=[A-Za-z0-9_-]+/).searchParams.get(
      'token',
    )!;
    const moved = await send(portal.port, 'POST', `/api/v1/appointments/${booked.id}/move?token=${token}`, DU, {
      start: '2026-12-11T09:00:00+01:00',
    });
    expect([moved.status, json(moved).start]).toEqual([200, '2026-12-11T09:00:00+01:00']);
    await mailTo(citizen.email, /verschoben/);
    const reused = await send(portal.port, 'POST', `/api/v1/appointments/${booked.id}/move?token=${token}`, DU, {
      start: '2026-12-11T10:00:00+01:00',
    });
    expect(reused.status).toBe(404);
    // The old time is free again, the new one taken.
    const day = json<{ times: string[] }>(
      await get(
        portal.port,
        `/api/v1/appointments/slots?office=${OFFICE}&service=fuehrungszeugnis&from=2026-12-10&to=2026-12-11`,
        DU,
      ),
    ).times;
    expect(day).toContain('2026-12-10T13:00:00+01:00');
    expect(day).not.toContain('2026-12-11T09:00:00+01:00');
  });

  it('limits the bookings of one address per day', async () => {
    const who = person();
    const starts = ['08:00', '08:15', '08:30', '08:45', '09:00'].map((t) => `2026-12-14T${t}:00+01:00`);
    const statuses: number[] = [];
    for (const start of starts)
      statuses.push((await book({ office: OFFICE, service: 'personalausweis', start, ...who })).status);
    expect(statuses).toEqual([201, 201, 201, 201, 422]);
    clock.moveBy(24 * HOUR);
    expect(
      (await book({ office: OFFICE, service: 'personalausweis', start: '2026-12-15T09:00:00+01:00', ...who })).status,
    ).toBe(201);
  });

  it('lets a hold run out after 30 minutes on a moved clock, and reminds a day ahead once', async () => {
    const appointments = portal.app.get(Appointments);
    const duisburg = portal.app.get(TenantRegistry).get('duisburg')!;
    const held = json<{ id: string }>(
      await book({ office: OFFICE, service: 'personalausweis', start: '2026-12-16T08:00:00+01:00', ...person() }),
    );
    const citizen = await registerCitizen(portal, smtp, DU, 'erinnerung@example.org');
    const confirmed = await book(
      {
        office: OFFICE,
        service: 'personalausweis',
        start: '2026-12-16T09:00:00+01:00',
        name: 'x',
        email: 'x@example.org',
      },
      DU,
      {
        cookie: citizen.cookie,
      },
    );
    expect(confirmed.status).toBe(201);
    clock.moveBy(29 * 60_000);
    expect((await appointments.sweep(duisburg)).expired).toBe(0);
    clock.moveBy(2 * 60_000);
    const first = await appointments.sweep(duisburg);
    expect(first.expired).toBeGreaterThanOrEqual(1);
    const taken = await book({
      office: OFFICE,
      service: 'personalausweis',
      start: '2026-12-16T08:00:00+01:00',
      ...person(),
    });
    expect(taken.status).toBe(201);
    const stale = await send(
      portal.port,
      'POST',
      `/api/v1/appointments/${held.id}/confirm?token=${'a'.repeat(43)}`,
      DU,
    );
    expect(stale.status).toBe(404);
    // The day before, 09:30: the appointment of 16 December 09:00 is within a day.
    clock.setTo(new Date('2026-12-15T08:30:00Z'));
    const swept = await appointments.sweep(duisburg);
    expect(swept.reminded).toBeGreaterThanOrEqual(1);
    await mailTo(citizen.email, /Erinnerung/);
    expect((await appointments.sweep(duisburg)).reminded).toBe(0);
  });

  it('shows the staff their office’s day, marks who came, and closes a counter for an afternoon', async () => {
    const staff: StaffLogin = await staffSession(portal, 'duisburg', 'walsum@stadt-duisburg.de', 'caseworker', [
      OFFICE,
    ]);
    const who = person();
    const booked = json<{ id: string }>(
      await book({ office: OFFICE, service: 'personalausweis', start: '2026-12-17T13:00:00+01:00', ...who }),
    );
    const confirmMail = await mailTo(who.email, /bestätigen/);
    const link = linkIn(confirmMail.text, /http:\/\/\S+\/bestaetigen\?token=[A-Za-z0-9_-]+/);
    expect(
      (await send(portal.port, 'POST', `/api/v1/appointments/${booked.id}/confirm${link.search}`, DU)).status,
    ).toBe(200);
    const day = await get(portal.port, `/api/v1/backoffice/appointments?office=${OFFICE}&date=2026-12-17`, DU, {
      cookie: staff.cookie,
    });
    expect(day.status).toBe(200);
    expect(json<{ items: { id: string }[] }>(day).items.map((i) => i.id)).toContain(booked.id);
    const page = await get(portal.port, `/backoffice/termine?office=${OFFICE}&date=2026-12-17`, DU, {
      cookie: staff.cookie,
      accept: 'text/html',
    });
    expect(page.status).toBe(200);
    expect(page.body).toContain(who.name);
    const other = await get(portal.port, `/api/v1/backoffice/appointments?office=buergerbuero`, DU, {
      cookie: staff.cookie,
    });
    expect([other.status, fieldsOf(other)]).toEqual([403, ['office']]);
    // The only counter closes for the afternoon: the booking is cancelled and the citizen told, with next times.
    const closed = await send(
      portal.port,
      'POST',
      '/api/v1/backoffice/appointments/closures',
      DU,
      {
        office: OFFICE,
        counter: 1,
        date: '2026-12-17',
        from: '13:00',
        to: '17:30',
      },
      { cookie: staff.cookie },
    );
    expect([closed.status, json(closed)]).toEqual([200, { moved: 0, cancelled: 1 }]);
    const told = await mailTo(who.email, /entfallen/);
    expect(told.text).toMatch(/nächsten freien Zeiten/);
    const afternoon = json<{ times: string[] }>(
      await get(
        portal.port,
        `/api/v1/appointments/slots?office=${OFFICE}&service=personalausweis&from=2026-12-17&to=2026-12-17`,
        DU,
      ),
    ).times;
    expect(afternoon.some((t) => t >= '2026-12-17T13')).toBe(false);
    // Who came: a confirmed booking of the morning.
    const morning = await registerCitizen(portal, smtp, DU, 'vormittag@example.org');
    const early = json<{ id: string }>(
      await book(
        {
          office: OFFICE,
          service: 'personalausweis',
          start: '2026-12-17T09:00:00+01:00',
          name: 'x',
          email: 'x@example.org',
        },
        DU,
        { cookie: morning.cookie },
      ),
    );
    const marked = await send(
      portal.port,
      'POST',
      `/api/v1/backoffice/appointments/${early.id}/status`,
      DU,
      { status: 'checked_in' },
      { cookie: staff.cookie },
    );
    expect([marked.status, json(marked).status]).toEqual([200, 'checked_in']);
    const wrong = await send(
      portal.port,
      'POST',
      `/api/v1/backoffice/appointments/${early.id}/status`,
      DU,
      { status: 'gone' },
      { cookie: staff.cookie },
    );
    expect([wrong.status, fieldsOf(wrong)]).toEqual([400, ['status']]);
  });

  it('keeps tenants apart, by API and by SQL', async () => {
    const who = person();
    const res = await book({ office: OFFICE, service: 'personalausweis', start: '2026-12-18T09:00:00+01:00', ...who });
    const booked = json<{ id: string; cancelUrl: string }>(res);
    const token = new URL(booked.cancelUrl).searchParams.get('token')!;
    expect((await get(portal.port, `/api/v1/appointments/${booked.id}?token=${token}`, DU)).status).toBe(200);
    expect((await get(portal.port, `/api/v1/appointments/${booked.id}?token=${token}`, DO)).status).toBe(404);
    expect((await send(portal.port, 'DELETE', `/api/v1/appointments/${booked.id}?token=${token}`, DO)).status).toBe(
      404,
    );
    const registry = portal.app.get(TenantRegistry);
    const transactions = portal.app.get(TenantTransactions);
    const seen = await transactions.run(registry.get('dortmund')!.id, (scope) =>
      scope.query<{ n: string }>(
        `select (select count(*) from public.appointments) + (select count(*) from public.appointment_slots) as n`,
      ),
    );
    expect(Number(seen[0].n)).toBe(0);
    const own = await transactions.run(registry.get('duisburg')!.id, (scope) =>
      scope.query<{ n: string }>(`select count(*) as n from public.appointments where id = $1`, [booked.id]),
    );
    expect(Number(own[0].n)).toBe(1);
  });

  it('books the appointment an application asks for inside the application, shown on its page', async () => {
    const citizen = await registerCitizen(portal, smtp, DU, 'abholung@example.org');
    const api = (method: string, path: string, body?: unknown) =>
      send(portal.port, method, path, DU, body, { cookie: citizen.cookie });
    const page = (path: string) => get(portal.port, path, DU, { cookie: citizen.cookie, 'accept-language': 'de' });
    const started = await api('POST', '/api/v1/applications', { serviceKey: 'geburtsurkunde' });
    expect(json(started).definition).toMatchObject({ version: '1.4.0' });
    const id = json(started).id as string;
    // For the pension insurance (no fee), collected in person at the Standesamt.
    const answers = { ...geburtsurkunde(citizen.email), zweck: 'rente', versandart: 'abholung' };
    expect(json(await api('PUT', `/api/v1/applications/${id}/answers`, { answers })).errors).toEqual([]);
    expect((await api('POST', `/api/v1/applications/${id}/submit`)).status).toBeLessThan(300);

    // The application waits at its appointment step: its page offers the booking.
    const waiting = await eventually(async () => {
      const res = await page(`/antraege/${id}`);
      return res.body.includes(`/antraege/${id}/termin`) ? res : undefined;
    });
    expect(waiting.body).toContain('Termin buchen');
    expect(json(await api('GET', `/api/v1/applications/${id}`)).status).toBe('submitted');

    // The Standesamt's free times of the day, for collecting a certificate, under the application's address.
    const day = await page(`/antraege/${id}/termin?day=2026-12-08`);
    expect(day.status).toBe(200);
    expect(day.body).toContain('Standesamt Duisburg');
    expect(day.body).toContain('Urkunde abholen');
    expect(day.body).toContain(`action="/antraege/${id}/termin"`);
    expect(day.body).toContain('value="2026-12-08T09:00:00+01:00"');
    expect(day.body).not.toContain('value="2026-12-08T13:00:00+01:00"');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(day.body)![1];
    const post = (start: string) =>
      postForm(
        portal.port,
        `/antraege/${id}/termin`,
        DU,
        { _csrf: csrf, start, count: '1' },
        {
          cookie: citizen.cookie,
          'accept-language': 'de',
        },
      );

    // A time the office does not offer (its midday break): refused, naming the field; nothing booked.
    const refused = await post('2026-12-08T13:00:00+01:00');
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('data-field="start"');
    expect(refused.body).toContain('Öffnungszeiten');
    expect(
      await portal.app.get(Appointments).forApplication(portal.app.get(TenantRegistry).get('duisburg')!, id, 'de'),
    ).toBeUndefined();

    const booked = await post('2026-12-08T09:00:00+01:00');
    expect([booked.status, booked.headers.location]).toEqual([303, `/antraege/${id}`]);
    const appointment = (await portal.app
      .get(Appointments)
      .forApplication(portal.app.get(TenantRegistry).get('duisburg')!, id, 'de'))!;
    expect(appointment.appointment).toMatchObject({
      office: 'standesamt',
      service: 'urkunde-abholen',
      start: '2026-12-08T09:00:00+01:00',
      status: 'confirmed',
      email: citizen.email,
    });
    await mailTo(citizen.email, /Termin/);

    // The step is done: the application went on to the review, and its page shows the appointment.
    expect(json(await api('GET', `/api/v1/applications/${id}`)).status).toBe('in_review');
    const shown = await page(`/antraege/${id}`);
    expect(shown.body).toContain('id="appointment"');
    expect(shown.body).toContain('Standesamt Duisburg');
    expect(shown.body).not.toContain(`href="/antraege/${id}/termin"`);
    // And the mailbox has it, with the application.
    expect(shown.body).toContain('Termin zu Antrag');
    // A second booking for the same application is not taken: back to the application.
    const again = await post('2026-12-08T09:30:00+01:00');
    expect([again.status, again.headers.location]).toEqual([303, `/antraege/${id}`]);
  });

  it('answers every booking request without a 5xx (fuzzed)', async () => {
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.constant(null),
      fc.boolean(),
      fc.array(fc.string(), { maxLength: 2 }),
      fc.constantFrom(
        OFFICE,
        'buergerbuero',
        'personalausweis',
        '2026-12-21T09:00:00+01:00',
        '2026-12-21T09:05:00Z',
        'a@b.de',
        '3',
      ),
    );
    const body = fc.record(
      { office: value, service: value, count: value, start: value, name: value, email: value },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const res = await book(b);
        expect(res.status).toBeLessThan(500);
        const slots = await get(
          portal.port,
          `/api/v1/appointments/slots?office=${encodeURIComponent(String(b.office))}&service=${encodeURIComponent(String(b.service))}&count=${encodeURIComponent(String(b.count))}&from=${encodeURIComponent(String(b.start))}`,
          DU,
        );
        expect(slots.status).toBeLessThan(500);
      }),
      { numRuns: TEST_SETTINGS.fuzzRuns },
    );
  });
});
