/// <reference lib="dom" />
/**
 * A whole booking in Chromium with JavaScript switched off: a citizen of Duisburg picks
 * "Personalausweis beantragen", sees the Bürgerservice offices with their next free time, picks
 * the Bürger-Service-Station Walsum, a day in the month at a glance and a time, gives name and
 * e-mail and books; the link in the e-mail confirms it (a page with a button); the booking's page
 * offers the calendar file and cancels. The office's caseworker sees the day. Every page is checked
 * with axe-core (WCAG 2.1 A/AA). An application whose definition asks for a visit books it on its
 * own page the same way. With `SCREENSHOTS=1` it writes the README's screenshots of
 * appointments to docs/images/.
 */
import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { TEST_SETTINGS, send } from '@openrathaus/testing';
import { TestPortal, eventually, startTestPortal } from '../support';
import { geburtsurkunde } from '../support-answers';
import { registerCitizen } from '../support-citizen';
import { TestSmtp, parseMail, startSmtp } from '../support-mail';
import { StaffLogin, staffSession } from '../support-staff';
import { ROOT, expectAccessible, launchChromium, newAxeChecker } from './browser-support';

const IMAGES = join(ROOT, 'docs', 'images');
const EMAIL = 'erika.termin@example.org';

describe('an appointment booked in Chromium, without JavaScript', () => {
  let smtp: TestSmtp;
  let portal: TestPortal;
  let browser: Browser;
  let checker: BrowserContext;
  let staff: StaffLogin;
  const contexts: BrowserContext[] = [];
  const url = (path: string) => `http://duisburg.localhost:${portal.port}${path}`;

  beforeAll(async () => {
    smtp = await startSmtp();
    portal = await startTestPortal({ smtpUrl: smtp.url });
    browser = await launchChromium();
    checker = await newAxeChecker(browser);
    staff = await staffSession(portal, 'duisburg', 'walsum.termine@stadt-duisburg.de', 'caseworker', ['bss-walsum']);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await checker?.close();
    await browser?.close();
    await portal?.stop();
    await smtp?.close();
  });

  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'de-DE',
      javaScriptEnabled: false,
      acceptDownloads: true,
    });
    context.setDefaultTimeout(10_000);
    context.setDefaultNavigationTimeout(20_000);
    contexts.push(context);
    return context.newPage();
  };
  const accessible = (page: Page, where: string) => expectAccessible(checker, page, where);
  const shoot = async (page: Page, name: string, height?: number) => {
    if (!TEST_SETTINGS.screenshots) return;
    const file = join(IMAGES, `appointments-${name}.png`);
    if (height) await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width: 1280, height } });
    else await page.screenshot({ path: file, fullPage: true });
  };
  const press = async (page: Page, name: string) => {
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name, exact: true }).click()]);
  };

  let citizen: Page;
  let day = '';

  it('chooses the matter and sees the offices with their next free time', async () => {
    citizen = await newPage();
    await citizen.goto(url('/termine'));
    await accessible(citizen, 'appointments start');
    await citizen.locator('#service').selectOption('personalausweis');
    await citizen.locator('#count').fill('1');
    await press(citizen, 'Dienststellen zeigen');
    await expect(citizen.locator('#offices li').count()).resolves.toBe(2);
    await expect(citizen.locator('#offices').innerText()).resolves.toContain('Nächster freier Termin');
    await accessible(citizen, 'appointments offices');
    await shoot(citizen, 'offices');
  });

  it('picks an office, a day of the month and a time, and books with name and e-mail', async () => {
    await Promise.all([citizen.waitForNavigation(), citizen.getByRole('link', { name: /Walsum/ }).click()]);
    await accessible(citizen, 'appointments month');
    // The first day with free times, in this month or the next.
    if ((await citizen.locator('#month a').count()) === 0) {
      await Promise.all([citizen.waitForNavigation(), citizen.getByRole('link', { name: 'Später' }).click()]);
    }
    const first = citizen.locator('#month a').first();
    day = /day=(\d{4}-\d{2}-\d{2})/.exec((await first.getAttribute('href')) ?? '')![1];
    await Promise.all([citizen.waitForNavigation(), first.click()]);
    await citizen.locator('#start-0').check();
    await citizen.locator('#name').fill('Erika Mustermann');
    await citizen.locator('#email').fill(EMAIL);
    await accessible(citizen, 'appointments day');
    await shoot(citizen, 'month');
    await press(citizen, 'Termin buchen');
    await expect(citizen.locator('#appointment-notice').innerText()).resolves.toContain('bestätigen Sie Ihren Termin');
    await expect(citizen.locator('#appointment-status').innerText()).resolves.toBe('wartet auf Bestätigung');
    await accessible(citizen, 'appointments held');
  });

  it('confirms through the link in the e-mail, then offers the calendar file', async () => {
    const mail = await eventually(() =>
      Promise.resolve(smtp.received.map((m) => parseMail(m.raw)).find((m) => m.headers.to?.includes(EMAIL))),
    );
    const link = /http:\/\/\S+\/bestaetigen\?token=[A-Za-z0-9_-]+/.exec(mail.text)![0];
    await citizen.goto(link);
    await accessible(citizen, 'appointments confirm');
    await press(citizen, 'Termin bestätigen');
    await expect(citizen.locator('#appointment-status').innerText()).resolves.toBe('bestätigt');
    await expect(citizen.getByRole('link', { name: 'Kalenderdatei (.ics)' }).count()).resolves.toBe(1);
    await accessible(citizen, 'appointments confirmed');
    await shoot(citizen, 'booked');
  });

  it("shows the booking on the office's day in the back office", async () => {
    const desk = await newPage();
    const [name, value] = staff.cookie.split(';')[0].split('=');
    await desk.context().addCookies([{ name, value, domain: 'duisburg.localhost', path: '/' }]);
    await desk.goto(url(`/backoffice/termine?office=bss-walsum&date=${day}`));
    await expect(desk.locator('#appointments').innerText()).resolves.toContain('Erika Mustermann');
    await accessible(desk, 'appointments staff');
    await shoot(desk, 'staff');
  });

  it('cancels from the booking page', async () => {
    await press(citizen, 'Termin absagen');
    await expect(citizen.locator('#appointment-status').innerText()).resolves.toBe('abgesagt');
    await accessible(citizen, 'appointments cancelled');
  });

  it('books the appointment an application asks for on its own page, shown on the application', async () => {
    const host = 'duisburg.localhost';
    const who = await registerCitizen(portal, smtp, host, 'erika.abholung@example.org');
    const api = (method: string, path: string, body?: unknown) =>
      send(portal.port, method, path, host, body, { cookie: who.cookie });
    const id = (
      JSON.parse((await api('POST', '/api/v1/applications', { serviceKey: 'geburtsurkunde' })).body) as {
        id: string;
      }
    ).id;
    const answers = { ...geburtsurkunde(who.email), zweck: 'rente', versandart: 'abholung' };
    await api('PUT', `/api/v1/applications/${id}/answers`, { answers });
    await api('POST', `/api/v1/applications/${id}/submit`);
    const page = await newPage();
    await page.context().addCookies(
      who.cookie.split('; ').map((pair) => {
        const eq = pair.indexOf('=');
        return { name: pair.slice(0, eq), value: pair.slice(eq + 1), domain: host, path: '/' };
      }),
    );
    const book = page.getByRole('link', { name: 'Termin buchen', exact: true });
    await eventually(async () => {
      await page.goto(url(`/antraege/${id}`));
      return (await book.count()) === 1 || undefined;
    });
    await accessible(page, 'application waiting for its appointment');
    await Promise.all([page.waitForNavigation(), book.click()]);
    await expect(page.locator('h1').innerText()).resolves.toBe('Standesamt Duisburg');
    if ((await page.locator('#month a').count()) === 0) {
      await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Später' }).click()]);
    }
    await Promise.all([page.waitForNavigation(), page.locator('#month a').first().click()]);
    await page.locator('#start-0').check();
    await accessible(page, 'appointment inside the application');
    await press(page, 'Termin buchen');
    expect(new URL(page.url()).pathname).toBe(`/antraege/${id}`);
    await expect(page.locator('#appointment').innerText()).resolves.toContain('Standesamt Duisburg');
    await accessible(page, 'application with its appointment');
  });
});
