/// <reference lib="dom" />
/**
 * Whole journeys with the keyboard alone, in Chromium: no click, fill or check, only Tab,
 * Shift+Tab, Enter, Space, the arrow keys and typing (and the file dialog the operating system
 * opens for a file field, answered with the file). A citizen of Gelsenkirchen registers, confirms
 * the link from the e-mail, logs in, applies for the Bewohnerparkausweis page by page (a page sent
 * with a required field empty focuses the error summary, whose link leads to the field), submits,
 * pays in the XBezahldienste sandbox and downloads the permit; a citizen of Duisburg books an
 * appointment through to its confirmation; Recklinghausen's caseworker logs in with password and
 * authenticator code, opens a Gewerbeanzeige from the inbox and records a decision.
 *
 * On every page: the title says where one is (the page, the service where there is one, then the
 * portal), the first Tab reaches the skip link (or, after a failed post, the focus is already on the
 * error summary), and every Tab stop on the way shows its focus. axe-core checks the pages that
 * the other browser tests do not.
 */
import { readFileSync } from 'node:fs';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { certificatePdf, send } from '@openrathaus/testing';
import { TestPortal, eventually, startTestPortal } from '../support';
import { gewerbe } from '../support-answers';
import { payInSandbox, registerCitizen } from '../support-citizen';
import { TestSmtp, parseMail, startSmtp } from '../support-mail';
import { StaffLogin, staffSession, totpCode } from '../support-staff';
import { expectAccessible, launchChromium, newAxeChecker } from './browser-support';

const PASSWORD = 'ein sehr gutes Passwort 2026';
const PERIOD = 30_000;

/** What has the focus, and whether the focus can be seen (an outline or a shadow). */
interface Focus {
  tag?: string;
  id?: string;
  href?: string | null;
  name?: string | null;
  type?: string | null;
  value?: string | null;
  checked?: boolean;
  text?: string;
  /** Inside an error summary (`role="alert"`). */
  inAlert: boolean;
  visible: boolean;
}

const focused = (page: Page): Promise<Focus> =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    const style = el ? getComputedStyle(el) : undefined;
    const visible =
      !!style && ((style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none');
    const input = el as HTMLInputElement | null;
    return {
      tag: el?.tagName.toLowerCase(),
      id: el?.id,
      href: el?.getAttribute('href'),
      name: el?.getAttribute('name'),
      type: el?.getAttribute('type'),
      value: el?.getAttribute('value'),
      checked: input?.checked,
      text: el?.textContent?.replace(/\s+/g, ' ').trim().slice(0, 80),
      inAlert: !!el?.closest('[role="alert"]'),
      visible,
    };
  });

/** Presses Tab (or Shift+Tab) until `wanted` has the focus; every stop on the way shows its focus. */
async function tabTo(page: Page, wanted: (f: Focus) => boolean, key = 'Tab', max = 120): Promise<Focus> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    const f = await focused(page);
    if (f.tag !== 'body') expect(f.visible ? 'visible' : `no visible focus: ${JSON.stringify(f)}`).toBe('visible');
    if (wanted(f)) return f;
  }
  throw new Error(`not reached with ${key} on ${page.url()}`);
}

/** Presses a key on what has the focus and waits for the page that answers. */
async function go(page: Page, key = 'Enter'): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.keyboard.press(key)]);
}

/** Types into the field that has the focus, after what it held. */
async function retype(page: Page, text: string): Promise<void> {
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text);
}

/** In a group of radio buttons that has the focus: the arrow keys until `value` is chosen. */
async function chooseRadio(page: Page, value: string): Promise<void> {
  for (let i = 0; i < 12; i++) {
    const f = await focused(page);
    expect(f).toMatchObject({ tag: 'input', type: 'radio', visible: true });
    if (f.value === value) {
      if (!f.checked) await page.keyboard.press('Space');
      await expect(focused(page)).resolves.toMatchObject({ value, checked: true });
      return;
    }
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`radio ${value} not reached with the arrow keys`);
}

/**
 * A page arrived at: its title, and where the keyboard starts. On a page as it is loaded the first
 * Tab reaches the skip link; the answer to a failed post has the focus on its error summary.
 */
async function arrive(page: Page, title: RegExp, start: 'skip' | 'errors' = 'skip'): Promise<void> {
  await expect(page.title()).resolves.toMatch(title);
  if (start === 'errors') {
    await expect(focused(page)).resolves.toMatchObject({ inAlert: true, visible: true });
    return;
  }
  await expect(focused(page)).resolves.toMatchObject({ tag: 'body' });
  await page.keyboard.press('Tab');
  await expect(focused(page)).resolves.toMatchObject({ tag: 'a', href: '#main', visible: true });
}

describe('journeys with the keyboard alone (Chromium)', () => {
  let smtp: TestSmtp;
  let portal: TestPortal;
  let browser: Browser;
  let checker: BrowserContext;
  const contexts: BrowserContext[] = [];
  const url = (slug: string, path: string) => `http://${slug}.localhost:${portal.port}${path}`;
  const accessible = (page: Page, where: string) => expectAccessible(checker, page, where);

  /** The steps of a journey build on each other: after one fails, the rest say so instead of timing out. */
  const journey = () => {
    let failed = '';
    return (name: string, run: () => Promise<void>) =>
      test(name, async () => {
        if (failed) throw new Error(`not run: "${failed}" failed`);
        try {
          await run();
        } catch (error) {
          failed = name;
          throw error;
        }
      });
  };

  beforeAll(async () => {
    [smtp, browser] = await Promise.all([startSmtp(), launchChromium()]);
    portal = await startTestPortal({ smtpUrl: smtp.url });
    checker = await newAxeChecker(browser);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await checker?.close();
    await browser?.close();
    await portal?.stop();
    await smtp?.close();
  });

  /** A browser as a person uses it: JavaScript on (the pages need none), German first. */
  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'de-DE',
      acceptDownloads: true,
    });
    context.setDefaultTimeout(15_000);
    context.setDefaultNavigationTimeout(60_000);
    contexts.push(context);
    return context.newPage();
  };

  describe('a citizen of Gelsenkirchen registers, applies, pays and downloads the permit', () => {
    const EMAIL = 'tastatur@example.org';
    const PORTAL = 'Stadt Gelsenkirchen';
    const SERVICE = 'Bewohnerparkausweis beantragen';
    let page: Page;
    const step = journey();
    /** The service's form pages: their title, then the service's, then the portal's. */
    const formTitle = (name: string, error = false) =>
      new RegExp(`^${error ? 'Fehler: ' : ''}${name} – ${SERVICE} – ${PORTAL}$`);
    const next = async () => {
      await tabTo(page, (f) => f.tag === 'button' && f.value === 'next' && f.text === 'Weiter');
      await go(page);
    };

    step('registers from the home page and confirms with the link from the e-mail', async () => {
      page = await newPage();
      await page.goto(url('gelsenkirchen', '/'));
      await arrive(page, new RegExp(`^Serviceportale? – ${PORTAL}$`));
      await tabTo(page, (f) => f.href === '/konto');
      await go(page);
      await arrive(page, new RegExp(`^Anmelden – ${PORTAL}$`));
      await tabTo(page, (f) => f.tag === 'a' && /registrieren/.test(f.href ?? ''));
      await go(page);
      await arrive(page, new RegExp(`^Benutzerkonto anlegen – ${PORTAL}$`));
      await tabTo(page, (f) => f.name === 'name');
      await page.keyboard.type('Tamara Tastatur');
      await tabTo(page, (f) => f.name === 'email');
      await page.keyboard.type(EMAIL);
      await tabTo(page, (f) => f.name === 'password');
      await page.keyboard.type(PASSWORD);
      await tabTo(page, (f) => f.tag === 'button');
      await go(page);
      await expect(page.title()).resolves.toMatch(new RegExp(` – ${PORTAL}$`));
      await expect(page.title()).resolves.not.toMatch(new RegExp(`^Benutzerkonto anlegen – `));
      const mail = await eventually(() =>
        Promise.resolve(
          smtp.received.find((m) => m.to.includes(EMAIL) && /bestaetigen\?token=/.test(parseMail(m.raw).text)),
        ),
      );
      const link = /https?:\/\/\S+\/konto\/bestaetigen\?token=[A-Za-z0-9_-]+/.exec(parseMail(mail.raw).text)![0];
      // The mail client opens the link.
      await page.goto(link);
      await expect(page.title()).resolves.toMatch(new RegExp(` – ${PORTAL}$`));
      await expect(page.locator('main').innerText()).resolves.toMatch(/bestätigt/);
    });

    step('logs in, after a failed try that focuses the error summary', async () => {
      await page.goto(url('gelsenkirchen', '/konto/anmelden'));
      await arrive(page, new RegExp(`^Anmelden – ${PORTAL}$`));
      await tabTo(page, (f) => f.name === 'email');
      await page.keyboard.type(EMAIL);
      await go(page);
      await arrive(page, new RegExp(`^Bitte prüfen Sie Ihre Angaben: Anmelden – ${PORTAL}$`), 'errors');
      await tabTo(page, (f) => f.inAlert && f.href === '#f-password');
      await page.keyboard.press('Enter');
      await expect(focused(page)).resolves.toMatchObject({ name: 'password', visible: true });
      await page.keyboard.type(PASSWORD);
      await go(page);
      expect(new URL(page.url()).pathname).toBe('/konto');
      await arrive(page, new RegExp(`^Mein Benutzerkonto – ${PORTAL}$`));
      await accessible(page, 'account overview');
    });

    step('finds the service and starts the application', async () => {
      await tabTo(page, (f) => f.href === '/' && f.tag === 'a');
      await go(page);
      await arrive(page, new RegExp(`^Serviceportale? – ${PORTAL}$`));
      await tabTo(page, (f) => f.id === 'search-q');
      await page.keyboard.type('Bewohnerpark');
      await go(page);
      await arrive(page, new RegExp(`Bewohnerpark.* – ${PORTAL}$`));
      await tabTo(page, (f) => f.href === '/leistungen/bewohnerparkausweis');
      await go(page);
      await arrive(page, new RegExp(`^${SERVICE} – ${PORTAL}$`));
      await tabTo(page, (f) => f.href === '/leistungen/bewohnerparkausweis/antrag');
      await go(page);
      await arrive(page, new RegExp(`^Antrag – ${SERVICE} – ${PORTAL}$`));
      await accessible(page, 'application start');
      await tabTo(page, (f) => f.tag === 'button' && f.text === 'Neuen Antrag beginnen');
      await go(page);
      expect(new URL(page.url()).pathname).toMatch(/\/schritt\/antragsteller$/);
    });

    step('fills in the personal data', async () => {
      await arrive(page, formTitle('Angaben zu Ihrer Person'));
      await accessible(page, 'form page: person');
      await tabTo(page, (f) => f.name === 'vorname');
      await page.keyboard.type('Tamara');
      await tabTo(page, (f) => f.name === 'nachname');
      await page.keyboard.type('Tastatur');
      await tabTo(page, (f) => f.name === 'geburtsdatum');
      // A date field in German order: day, month, year.
      await page.keyboard.type('02031985');
      for (const [part, text] of [
        ['street', 'Ebertstraße'],
        ['houseNumber', '11'],
        ['postalCode', '45879'],
        ['city', 'Gelsenkirchen'],
      ]) {
        await tabTo(page, (f) => !!f.name?.startsWith('anschrift') && !!f.name?.endsWith(part));
        await page.keyboard.type(text);
      }
      await tabTo(page, (f) => f.name === 'email');
      await retype(page, EMAIL);
      await next();
    });

    step('names the vehicle, chooses the keeper with the arrow keys and uploads the certificate', async () => {
      await arrive(page, formTitle('Fahrzeug'));
      await tabTo(page, (f) => f.name === 'kennzeichen');
      await page.keyboard.type('GE-TT 123');
      await tabTo(page, (f) => f.name === 'halter');
      await chooseRadio(page, 'eigen');
      await tabTo(page, (f) => f.name === 'zulassung' && f.type === 'file');
      // The operating system's dialog, answered with the file.
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
      await chooser.setFiles({ name: 'zulassung.pdf', mimeType: 'application/pdf', buffer: await certificatePdf() });
      await next();
    });

    step('sends the zone page empty: the error summary has the focus and its link leads to the field', async () => {
      await arrive(page, formTitle('Bewohnerparkzone'));
      await tabTo(page, (f) => f.name === 'zone');
      // Enter in the empty field sends the page.
      await go(page);
      await arrive(page, formTitle('Bewohnerparkzone', true), 'errors');
      await accessible(page, 'form page with errors');
      const link = await tabTo(page, (f) => f.inAlert && f.tag === 'a');
      expect(link.href).toMatch(/^#/);
      await page.keyboard.press('Enter');
      await expect(focused(page)).resolves.toMatchObject({ name: 'zone', visible: true });
      // One of Gelsenkirchen's zones (tenant.yaml).
      await page.keyboard.type('Altstadt');
      await go(page);
    });

    step('gives the consents with Space', async () => {
      await arrive(page, formTitle('Erklärung'));
      for (const name of ['versicherung', 'datenschutz']) {
        await tabTo(page, (f) => f.name === name && f.type === 'checkbox');
        await page.keyboard.press('Space');
        await expect(focused(page)).resolves.toMatchObject({ name, checked: true });
      }
      await next();
    });

    step('reaches the summary, submits and pays in the sandbox', async () => {
      expect(new URL(page.url()).pathname).toMatch(/\/zusammenfassung$/);
      await arrive(page, new RegExp(`^Angaben prüfen – ${SERVICE} – ${PORTAL}$`));
      await expect(page.locator('main').innerText()).resolves.toContain('GE-TT 123');
      await tabTo(page, (f) => f.tag === 'button' && f.type === 'submit' && /Absenden|absenden/.test(f.text ?? ''));
      await go(page);
      expect(new URL(page.url()).pathname).toMatch(/^\/_sandbox\/xbezahldienste\/pay\//);
      await arrive(page, /^Bezahlen \(Testumgebung\) – OpenRathaus$/);
      await accessible(page, 'payment sandbox');
      await tabTo(page, (f) => f.tag === 'button' && f.value === 'pay');
      await go(page);
      expect(new URL(page.url()).pathname).toMatch(/^\/antraege\/[0-9a-f-]{36}$/);
    });

    step('downloads the permit from the status page with the keyboard', async () => {
      // While the permit is being made the page reloads itself; then it offers the download.
      await page.locator('a[download]').first().waitFor({ timeout: 60_000 });
      await page.waitForLoadState();
      const number = (await page.locator('main').innerText()).match(/GE-\d{4}-\d{6}/)?.[0];
      expect(number).toBeDefined();
      await arrive(page, new RegExp(`^${number} – ${SERVICE} – ${PORTAL}$`));
      await tabTo(page, (f) => f.tag === 'a' && /herunterladen/.test(f.text ?? ''));
      const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
      const bytes = readFileSync(await download.path());
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(download.suggestedFilename()).toMatch(/\.pdf$/);
    });
  });

  describe('a citizen of Duisburg books an appointment', () => {
    const EMAIL = 'tastatur.termin@example.org';
    const PORTAL = 'Stadt Duisburg';
    let page: Page;
    const step = journey();

    step('chooses the matter and the office', async () => {
      page = await newPage();
      await page.goto(url('duisburg', '/termine'));
      await arrive(page, new RegExp(`^Termin vereinbaren – ${PORTAL}$`));
      await tabTo(page, (f) => f.id === 'service');
      // A closed list box takes the first letters of its choice.
      await page.keyboard.type('Personalausweis');
      await expect(page.locator('#service').inputValue()).resolves.toBe('personalausweis');
      await tabTo(page, (f) => f.id === 'count');
      await retype(page, '1');
      await go(page);
      await arrive(page, new RegExp(`^Termin vereinbaren – ${PORTAL}$`));
      await tabTo(page, (f) => f.tag === 'a' && /Walsum/.test(f.text ?? ''));
      await go(page);
    });

    step('picks a day of the month and a time with the keyboard, and books', async () => {
      await arrive(page, new RegExp(`^Bürger-Service-Station Walsum – Personalausweis beantragen – ${PORTAL}$`));
      if ((await page.locator('#month a').count()) === 0) {
        await tabTo(page, (f) => f.tag === 'a' && f.text === 'Später');
        await go(page);
        await arrive(page, /^Bürger-Service-Station Walsum – /);
      }
      await tabTo(page, (f) => f.tag === 'a' && /[?&]day=\d{4}-\d{2}-\d{2}/.test(f.href ?? ''));
      await go(page);
      // The day's address leads to its times: the next Tab starts there, not at the skip link.
      expect(new URL(page.url()).hash).toBe('#day-title');
      await expect(page.title()).resolves.toMatch(/^Bürger-Service-Station Walsum – /);
      await tabTo(page, (f) => f.name === 'start' && f.type === 'radio');
      const first = await focused(page);
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowUp');
      await expect(focused(page)).resolves.toMatchObject({ name: 'start', value: first.value, checked: true });
      await tabTo(page, (f) => f.id === 'name');
      await page.keyboard.type('Tamara Tastatur');
      await tabTo(page, (f) => f.id === 'email');
      await page.keyboard.type(EMAIL);
      await tabTo(page, (f) => f.tag === 'button' && f.text === 'Termin buchen');
      await go(page);
      await arrive(page, new RegExp(`^Ihr Termin – ${PORTAL}$`));
      await expect(page.locator('#appointment-status').innerText()).resolves.toBe('wartet auf Bestätigung');
    });

    step('confirms with the link from the e-mail and the keyboard', async () => {
      const mail = await eventually(() =>
        Promise.resolve(smtp.received.map((m) => parseMail(m.raw)).find((m) => m.headers.to?.includes(EMAIL))),
      );
      const link = /http:\/\/\S+\/bestaetigen\?token=[A-Za-z0-9_-]+/.exec(mail.text)![0];
      await page.goto(link);
      await arrive(page, new RegExp(` – ${PORTAL}$`));
      await tabTo(page, (f) => f.tag === 'button' && f.text === 'Termin bestätigen');
      await go(page);
      await arrive(page, new RegExp(`^Ihr Termin – ${PORTAL}$`));
      await expect(page.locator('#appointment-status').innerText()).resolves.toBe('bestätigt');
      await tabTo(page, (f) => f.tag === 'a' && f.text === 'Kalenderdatei (.ics)');
    });
  });

  describe("Recklinghausen's caseworker decides on an application", () => {
    const PORTAL = 'Stadt Recklinghausen';
    let staff: StaffLogin;
    let id = '';
    let number = '';
    let page: Page;
    const step = journey();

    beforeAll(async () => {
      const citizen = await registerCitizen(portal, smtp, 'recklinghausen.localhost', 'tastatur.gewerbe@example.org');
      const call = (method: string, path: string, body?: unknown) =>
        send(portal.port, method, path, citizen.host, body, { cookie: citizen.cookie }).then(
          (r) =>
            JSON.parse(r.body) as { id: string; number: string; status: string; payment?: { redirectUrl: string } },
        );
      const started = await call('POST', '/api/v1/applications', { serviceKey: 'gewerbeanzeige' });
      await call('PUT', `/api/v1/applications/${started.id}/answers`, { answers: gewerbe(citizen.email) });
      const submitted = await call('POST', `/api/v1/applications/${started.id}/submit`);
      await payInSandbox(portal, submitted.payment!.redirectUrl);
      const view = await eventually(async () => {
        const now = await call('GET', `/api/v1/applications/${started.id}`);
        return now.status === 'in_review' ? now : undefined;
      }, 30_000);
      ({ id, number } = { id: started.id, number: view.number });
      staff = await staffSession(portal, 'recklinghausen', 'tastatur@recklinghausen.de', 'caseworker', ['gewerbeamt']);
    });

    step('logs in with password and authenticator code', async () => {
      // The enrolment used this time step: the login takes the next one.
      const timeStep = Math.floor(Date.now() / PERIOD) + 1;
      page = await newPage();
      await page.goto(url('recklinghausen', '/backoffice/login'));
      await arrive(page, new RegExp(`^Anmeldung für Mitarbeitende – ${PORTAL}$`));
      await tabTo(page, (f) => f.id === 'f-email');
      await page.keyboard.type(staff.email);
      await tabTo(page, (f) => f.id === 'f-password');
      await page.keyboard.type(staff.password);
      await go(page);
      expect(new URL(page.url()).pathname).toBe('/backoffice/zwei-faktor');
      await arrive(page, new RegExp(` – ${PORTAL}$`));
      await accessible(page, 'second factor');
      await tabTo(page, (f) => f.id === 'f-code');
      await page.keyboard.type(totpCode(staff.secret, new Date(timeStep * PERIOD + 1000)));
      await go(page);
      expect(new URL(page.url()).pathname).toBe('/backoffice');
      await arrive(page, new RegExp(`^Posteingang – ${PORTAL}$`));
    });

    step('opens the application from the inbox', async () => {
      await tabTo(page, (f) => f.tag === 'a' && f.text === number);
      await go(page);
      expect(new URL(page.url()).pathname).toBe(`/backoffice/antraege/${id}`);
      await arrive(page, new RegExp(`^${number} – Gewerbe anmelden, ummelden oder abmelden – ${PORTAL}$`));
    });

    step('records a decision: without the message it needs the focus is on the error, then it is saved', async () => {
      await tabTo(page, (f) => f.name === 'decision' && f.type === 'radio');
      await chooseRadio(page, 'request_info');
      await tabTo(page, (f) => f.tag === 'button' && f.text === 'Entscheidung speichern');
      await go(page);
      await arrive(page, new RegExp(`^Bitte prüfen Sie Ihre Angaben: ${number} – .* – ${PORTAL}$`), 'errors');
      await accessible(page, 'decision refused');
      await tabTo(page, (f) => f.inAlert && f.href === '#decision-message');
      await page.keyboard.press('Enter');
      await expect(focused(page)).resolves.toMatchObject({ id: 'decision-message', visible: true });
      await page.keyboard.type('Bitte reichen Sie den Mietvertrag der Betriebsräume nach.');
      await tabTo(page, (f) => f.tag === 'button' && f.text === 'Entscheidung speichern');
      await go(page);
      await arrive(page, new RegExp(`^${number} – .* – ${PORTAL}$`));
      await expect(page.locator('#status').innerText()).resolves.toBe('Rückfrage');
    });
  });
});
