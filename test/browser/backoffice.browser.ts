/// <reference lib="dom" />
/**
 * The back office in Chromium with JavaScript switched off: Recklinghausen's Gewerbeamt logs in
 * with password and authenticator code, finds a Gewerbeanzeige in the inbox (filter, search,
 * "assigned to me"), opens it, writes a note, asks the founder for a document (first without the
 * message it needs); the founder answers on her application's page with a text and a PDF; the
 * caseworker downloads the file and approves, and the receipt reaches the founder. The tenant admin
 * reads the statistics, the audit trail and the staff list; Gelsenkirchen's caseworker finds
 * nothing of Recklinghausen's. Every page visited is checked with axe-core (WCAG 2.1 A/AA). With
 * `SCREENSHOTS=1` it writes the README's screenshots of the back office to docs/images/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { Client } from 'pg';
import { TEST_SETTINGS, send } from '@openrathaus/testing';
import { TestPortal, eventually, startTestPortal } from '../support';
import { gewerbe } from '../support-answers';
import { Citizen, payInSandbox, registerCitizen } from '../support-citizen';
import { TestSmtp, startSmtp } from '../support-mail';
import { StaffLogin, staffSession, totpCode } from '../support-staff';
import { ROOT, expectAccessible, launchChromium, newAxeChecker } from './browser-support';

const IMAGES = join(ROOT, 'docs', 'images');
const SCREENSHOTS = TEST_SETTINGS.screenshots;
const PERIOD = 30_000;
const stepOf = (ms: number) => Math.floor(ms / PERIOD);

/** What the citizen's API answers about an application, as far as the setup reads it. */
interface ApplicationAnswer {
  id: string;
  number: string;
  status: string;
  errors?: unknown[];
  payment?: { redirectUrl: string };
}

/** A member of staff, and the last time step of the authenticator the account has used. */
interface Account extends StaffLogin {
  step: number;
}

/** The rental contract the founder sends: a small but real PDF. */
async function contractPdf(): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([595, 842]);
  page.drawText('Mietvertrag Gewerberaum', {
    x: 50,
    y: 780,
    size: 18,
    font: await pdf.embedFont(StandardFonts.Helvetica),
  });
  page.drawText('Rathausplatz 3, 45657 Recklinghausen', {
    x: 50,
    y: 740,
    size: 12,
    font: await pdf.embedFont(StandardFonts.Helvetica),
  });
  return Buffer.from(await pdf.save());
}

describe('the back office in Chromium, without JavaScript', () => {
  let smtp: TestSmtp;
  let portal: TestPortal;
  let browser: Browser;
  let checker: BrowserContext;
  let pdf: Buffer;
  let citizen: Citizen;
  let caseworker: Account;
  let admin: Account;
  let gelsenkirchen: Account;
  /** The founder's Gewerbeanzeige, and an older one of another business in the same inbox. */
  let id = '';
  let number = '';
  let otherNumber = '';
  const contexts: BrowserContext[] = [];
  const url = (path: string, slug = 'recklinghausen') => `http://${slug}.localhost:${portal.port}${path}`;

  // The steps build on each other: after one fails, the rest say so instead of timing out.
  let failed = '';
  const it = (name: string, run: () => Promise<void>) =>
    test(name, async () => {
      if (failed) throw new Error(`not run: "${failed}" failed`);
      try {
        await run();
      } catch (error) {
        failed = name;
        throw error;
      }
    });

  const account = async (
    tenant: string,
    email: string,
    role: 'caseworker' | 'tenant-admin',
    offices: string[] = [],
  ) => {
    const login = await staffSession(portal, tenant, email, role, offices);
    // Taken after the enrolment: its step is this one or an earlier one.
    return { ...login, step: stepOf(Date.now()) };
  };

  /** A Gewerbeanzeige submitted and paid through the API, waiting for the office; its id and number. */
  const inReview = async (answers: Record<string, unknown>): Promise<{ id: string; number: string }> => {
    const call = (method: string, path: string, body?: unknown) =>
      send(portal.port, method, path, citizen.host, body, { cookie: citizen.cookie }).then(
        (r) => JSON.parse(r.body) as ApplicationAnswer,
      );
    const started = await call('POST', '/api/v1/applications', { serviceKey: 'gewerbeanzeige' });
    const saved = await call('PUT', `/api/v1/applications/${started.id}/answers`, { answers });
    expect(saved.errors).toEqual([]);
    const submitted = await call('POST', `/api/v1/applications/${started.id}/submit`);
    await payInSandbox(portal, submitted.payment!.redirectUrl);
    const view = await eventually(async () => {
      const now = await call('GET', `/api/v1/applications/${started.id}`);
      return now.status === 'in_review' ? now : undefined;
    }, 30_000);
    return { id: started.id, number: view.number };
  };

  beforeAll(async () => {
    [smtp, browser, pdf] = await Promise.all([startSmtp(), launchChromium(), contractPdf()]);
    portal = await startTestPortal({ smtpUrl: smtp.url });
    citizen = await registerCitizen(portal, smtp, 'recklinghausen.localhost', 'gruenderin@example.org');
    // The older one names its business, so the inbox lists it under that name.
    otherNumber = (await inReview({ ...gewerbe(citizen.email), firmenname: 'Buchhandlung am Markt' })).number;
    ({ id, number } = await inReview(gewerbe(citizen.email)));
    caseworker = await account('recklinghausen', 'gewerbe@recklinghausen.de', 'caseworker', ['gewerbeamt']);
    admin = await account('recklinghausen', 'admin@recklinghausen.de', 'tenant-admin');
    gelsenkirchen = await account('gelsenkirchen', 'gewerbe@gelsenkirchen.de', 'caseworker', ['gewerbeamt']);
    checker = await newAxeChecker(browser);
    if (SCREENSHOTS) mkdirSync(IMAGES, { recursive: true });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await checker?.close();
    await browser?.close();
    await portal?.stop();
    await smtp?.close();
  });

  /** A fresh browser: no cookies, JavaScript off, German first. */
  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'de-DE',
      javaScriptEnabled: false,
      acceptDownloads: true,
    });
    // A missing element fails fast with Playwright's message instead of running into Jest's timeout.
    context.setDefaultTimeout(10_000);
    context.setDefaultNavigationTimeout(20_000);
    contexts.push(context);
    return context.newPage();
  };

  /** The page as it stands (also the answer to a post) has no WCAG 2.1 A/AA violations. */
  const accessible = (page: Page, where: string) => expectAccessible(checker, page, where);

  /** The whole page, or its top `height` pixels where the whole would be too long to read. */
  const shoot = async (page: Page, name: string, height?: number) => {
    if (!SCREENSHOTS) return;
    const file = join(IMAGES, `backoffice-${name}.png`);
    if (height) await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width: 1280, height } });
    else await page.screenshot({ path: file, fullPage: true });
  };

  /** Presses a button that posts a form (or a link) and waits for the page that answers. */
  const press = async (page: Page, name: string | RegExp): Promise<Response | null> => {
    const [response] = await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name, exact: typeof name === 'string' }).click(),
    ]);
    return response;
  };
  const follow = async (page: Page, name: string | RegExp) => {
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('link', { name, exact: typeof name === 'string' }).click(),
    ]);
  };
  const path = (page: Page) => new URL(page.url()).pathname;

  /**
   * Logs in on the login page with password and the authenticator's code: a code of a later time
   * step than the account used last (the server takes each step once), within its window of one.
   */
  const staffLogin = async (page: Page, who: Account, slug: string, check?: (page: Page) => Promise<void>) => {
    await page.goto(url('/backoffice/login', slug));
    await page.locator('#f-email').fill(who.email);
    await page.locator('#f-password').fill(who.password);
    if (check) await check(page);
    await press(page, 'Weiter');
    expect(path(page)).toBe('/backoffice/zwei-faktor');
    const step = Math.max(stepOf(Date.now()), who.step + 1);
    who.step = step;
    await page.locator('#f-code').fill(totpCode(who.secret, new Date(step * PERIOD + 1000)));
    await page.locator('form button[type=submit]').click();
    await page.waitForURL(url('/backoffice', slug));
  };

  let desk: Page;
  let home: Page;

  it("logs the caseworker in with password and the authenticator's code", async () => {
    desk = await newPage();
    await staffLogin(desk, caseworker, 'recklinghausen', async (page) => {
      await accessible(page, 'login');
      await shoot(page, 'login');
    });
    await expect(desk.locator('h1').innerText()).resolves.toBe('Posteingang');
  });

  it('shows the Gewerbeanzeige on top of the inbox, and filters by status, name and assignee', async () => {
    const rows = desk.locator('#inbox tbody tr');
    await expect(rows.count()).resolves.toBe(2);
    await expect(rows.first().locator('a').innerText()).resolves.toBe(number);
    await expect(rows.first().innerText()).resolves.toContain('Erika Mustermann');
    await expect(rows.nth(1).innerText()).resolves.toContain(`${otherNumber}`);
    await expect(rows.nth(1).innerText()).resolves.toContain('Buchhandlung am Markt');
    await expect(rows.first().innerText()).resolves.toContain('In Prüfung');
    await accessible(desk, 'inbox');
    await shoot(desk, 'inbox');

    await desk.getByLabel('Nummer, Name oder E-Mail-Adresse').fill('mustermann');
    await desk.locator('#filter-status').selectOption('in_review');
    await press(desk, 'Anwenden');
    const query = new URL(desk.url()).searchParams;
    expect([query.get('q'), query.get('status')]).toEqual(['mustermann', 'in_review']);
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().locator('a').innerText()).resolves.toBe(number);
    await accessible(desk, 'inbox, filtered');

    // Nothing is assigned to anyone yet.
    await follow(desk, 'Mir zugewiesen');
    expect(new URL(desk.url()).searchParams.get('assignee')).toBe('me');
    await expect(desk.locator('#inbox').count()).resolves.toBe(0);
    await expect(desk.locator('main').innerText()).resolves.toContain('Keine Anträge passen zu diesem Filter.');

    // Another status: the application is not there.
    await desk.goto(url('/backoffice?status=needs_info'));
    await expect(desk.locator('#inbox').count()).resolves.toBe(0);
    await desk.goto(url('/backoffice'));
  });

  it('opens the application with the answers under their labels, the payment and the history', async () => {
    await follow(desk, number);
    expect(path(desk)).toBe(`/backoffice/antraege/${id}`);
    const answers = desk.locator('section[aria-labelledby="s-answers"]');
    const activity = answers.locator('.kern-description-list-item', {
      has: desk.locator('dt', { hasText: 'Angemeldete Tätigkeit (möglichst genau)' }),
    });
    expect((await activity.locator('dd').innerText()).trim()).toBe('Einzelhandel mit Büchern');
    await expect(answers.locator('dt', { hasText: 'Familienname' }).count()).resolves.toBeGreaterThan(0);
    await expect(desk.locator('section[aria-labelledby="s-payment"]').innerText()).resolves.toContain('bezahlt');
    await expect(desk.locator('section[aria-labelledby="s-history"] tbody').innerText()).resolves.toContain(
      'Status geändert',
    );
    await expect(desk.locator('#status').innerText()).resolves.toBe('In Prüfung');
    await accessible(desk, 'application');
    await shoot(desk, 'application', 1500);
  });

  it('takes it on and finds it under "assigned to me"', async () => {
    await desk.getByLabel('Bearbeitung durch').selectOption({ label: caseworker.email });
    await press(desk, 'Zuweisung speichern');
    await expect(desk.locator('[role="status"]').innerText()).resolves.toContain('Die Zuweisung ist gespeichert.');
    await desk.goto(url('/backoffice'));
    await follow(desk, 'Mir zugewiesen');
    const rows = desk.locator('#inbox tbody tr');
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().locator('a').innerText()).resolves.toBe(number);
    await expect(rows.first().locator('td').first().locator('.kern-badge').innerText()).resolves.toBe('meiner');
    await accessible(desk, 'inbox, assigned to me');
    await follow(desk, number);
  });

  it('adds an internal note', async () => {
    await desk.getByLabel('Neue Notiz').fill('Betriebsräume: Mietvertrag fehlt noch.');
    await press(desk, 'Notiz speichern');
    expect(new URL(desk.url()).hash).toBe('#notizen');
    await expect(desk.locator('[role="status"]').innerText()).resolves.toContain('Die Notiz ist gespeichert.');
    await expect(desk.locator('section[aria-labelledby="notizen"] .or-message').innerText()).resolves.toContain(
      'Betriebsräume: Mietvertrag fehlt noch.',
    );
    await accessible(desk, 'application with a note');
  });

  it('refuses a request for information without a message, naming the field, then sends it', async () => {
    await desk.getByLabel(/^Rückfrage stellen/).check();
    const refused = await press(desk, 'Entscheidung speichern');
    expect(refused?.status()).toBe(422);
    const alert = desk.locator('section[aria-labelledby="s-decision"] [role="alert"]');
    const link = alert.locator('a');
    await expect(link.getAttribute('href')).resolves.toBe('#decision-message');
    await expect(link.innerText()).resolves.toContain('erforderlich');
    await expect(desk.locator('#decision-message').count()).resolves.toBe(1);
    // The choice is kept; following the link goes to the message.
    await expect(desk.getByLabel(/^Rückfrage stellen/).isChecked()).resolves.toBe(true);
    await link.click();
    expect(new URL(desk.url()).hash).toBe('#decision-message');
    await expect(desk.locator('#status').innerText()).resolves.toBe('In Prüfung');
    await accessible(desk, 'application, decision refused');

    await desk
      .getByLabel('Nachricht an die antragstellende Person')
      .fill('Bitte reichen Sie den Mietvertrag der Betriebsräume nach.');
    await press(desk, 'Entscheidung speichern');
    await expect(desk.locator('[role="status"]').innerText()).resolves.toContain('Die Entscheidung ist gespeichert');
    await expect(desk.locator('#status').innerText()).resolves.toBe('Rückfrage');
    await expect(desk.locator('section[aria-labelledby="s-decision"]').count()).resolves.toBe(0);
    await accessible(desk, 'application, information requested');
  });

  it('lets the founder answer on her application page with a text and a PDF', async () => {
    home = await newPage();
    await home.goto(url('/konto/anmelden'));
    await home.getByLabel('E-Mail-Adresse').fill(citizen.email);
    await home.getByLabel('Passwort', { exact: true }).fill(citizen.password);
    await press(home, 'Anmelden');
    await home.goto(url(`/antraege/${id}`));
    await expect(home.locator('#status').innerText()).resolves.toBe('Rückfrage');
    const request = home.locator('section[aria-labelledby="s-reply"]');
    await expect(request.innerText()).resolves.toContain('Bitte reichen Sie den Mietvertrag der Betriebsräume nach.');
    await accessible(home, 'citizen: request for information');

    await home.getByLabel('Ihre Antwort').fill('Der Mietvertrag liegt bei.');
    await home.getByLabel('Datei mitschicken (optional)').setInputFiles({
      name: 'mietvertrag.pdf',
      mimeType: 'application/pdf',
      buffer: pdf,
    });
    // Clicking the heading takes the focus off the form, for the picture.
    await home.locator('h1').click();
    await shoot(home, 'request-info');
    await press(home, 'Antwort senden');
    expect(path(home)).toBe(`/antraege/${id}`);
    await expect(home.locator('#status').innerText()).resolves.toBe('In Prüfung');
    await expect(home.locator('section[aria-labelledby="s-reply"]').count()).resolves.toBe(0);
    await accessible(home, 'citizen: back in review');
  });

  it('shows the caseworker the reply and the file, which downloads, and approves', async () => {
    await desk.goto(url(`/backoffice/antraege/${id}`));
    await expect(desk.locator('#status').innerText()).resolves.toBe('In Prüfung');
    await expect(desk.locator('section[aria-labelledby="s-messages"]').innerText()).resolves.toContain(
      'Der Mietvertrag liegt bei.',
    );
    const file = desk.locator('section[aria-labelledby="s-files"]').getByRole('link', { name: 'mietvertrag.pdf' });
    const [download] = await Promise.all([desk.waitForEvent('download'), file.click()]);
    expect(download.suggestedFilename()).toBe('mietvertrag.pdf');
    expect(readFileSync(await download.path()).equals(pdf)).toBe(true);
    await accessible(desk, 'application with the reply');

    await desk.getByLabel('Bewilligen').check();
    await press(desk, 'Entscheidung speichern');
    await expect(desk.locator('[role="status"]').innerText()).resolves.toContain('Die Entscheidung ist gespeichert');
    await expect(desk.locator('#status').innerText()).resolves.toMatch(/^(Bewilligt|Abgeschlossen)$/);
  });

  it("completes the founder's application with the receipt to download", async () => {
    // The worker issues the receipt: the page is read again until it is there.
    const receipt = home.getByRole('link', { name: /herunterladen \(PDF\)$/ });
    await eventually(async () => {
      await home.goto(url(`/antraege/${id}`));
      return (await receipt.count()) > 0 && (await home.locator('#status').innerText()) === 'Abgeschlossen';
    }, 30_000);
    const [download] = await Promise.all([home.waitForEvent('download'), receipt.first().click()]);
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);
    const bytes = readFileSync(await download.path());
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await accessible(home, 'citizen: completed');
    await desk.goto(url(`/backoffice/antraege/${id}`));
    await expect(desk.locator('#status').innerText()).resolves.toBe('Abgeschlossen');
    await expect(desk.locator('section[aria-labelledby="s-documents"] code').count()).resolves.toBe(1);
    await accessible(desk, 'application, completed');
  });

  it('gives the tenant admin the statistics with charts, tables and CSV', async () => {
    const office = await newPage();
    await staffLogin(office, admin, 'recklinghausen');
    await follow(office, 'Statistik');
    expect(path(office)).toBe('/backoffice/statistik');
    const charts = office.locator('figure.or-chart svg[role="img"]');
    await expect(charts.count()).resolves.toBe(4);
    for (const table of ['#table-months', '#table-times', '#table-backlog', '#table-services']) {
      await expect(office.locator(`${table} tbody tr`).count()).resolves.toBeGreaterThan(0);
    }
    // One Gewerbeanzeige decided; the other still open at the Gewerbeamt.
    const decided = office.locator('#table-times tbody tr', { hasText: 'Gewerbe anmelden, ummelden oder abmelden' });
    await expect(decided.locator('td').first().innerText()).resolves.toBe('1');
    const open = office.locator('#table-backlog tbody tr', { hasText: 'Gewerbeamt' });
    await expect(open.locator('td').innerText()).resolves.toBe('1');
    await accessible(office, 'statistics');
    await shoot(office, 'statistics');

    const csv = office.getByRole('link', { name: 'Als CSV herunterladen' });
    const [download] = await Promise.all([office.waitForEvent('download'), csv.click()]);
    expect(download.suggestedFilename()).toMatch(/^statistik-recklinghausen-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = readFileSync(await download.path(), 'utf8')
      .trim()
      .split(/\r?\n/);
    expect(lines[0]).toMatch(/^"?service"?,/);
    expect(lines.some((l) => l.startsWith('gewerbeanzeige,') || l.startsWith('"gewerbeanzeige",'))).toBe(true);

    await follow(office, 'Protokoll');
    const trail = office.locator('#audit tbody tr', { hasText: 'Antrag angesehen' });
    await expect(trail.filter({ hasText: caseworker.email }).count()).resolves.toBeGreaterThan(0);
    await expect(
      trail
        .first()
        .getByRole('link', { name: `application:${id}` })
        .count(),
    ).resolves.toBe(1);
    await accessible(office, 'audit trail');

    // A hand-off the specialist software never took, as the worker leaves it after 24 hours.
    const db = new Client({ connectionString: portal.db.ownerUrl });
    await db.connect();
    try {
      await db.query(
        `insert into public.deliveries
           (tenant_id, application_id, step_index, target, kind, status, attempts, last_error, continue_queue, continue_job)
         select tenant_id, id, 99, 'gewerbe-software', 'webhook', 'dead', 31, 'answered 503: busy', 'workflow', 'application.advance'
           from public.applications where id = $1`,
        [id],
      );
    } finally {
      await db.end();
    }
    await follow(office, 'Übergaben');
    expect(path(office)).toBe('/backoffice/uebergaben');
    const row = office.locator('#handoffs tbody tr', { hasText: number });
    await expect(row.innerText()).resolves.toContain('answered 503: busy');
    await expect(row.innerText()).resolves.toContain('aufgegeben');
    await accessible(office, 'hand-offs');
    await row.getByRole('button', { name: /Erneut senden/ }).click();
    expect(path(office)).toBe('/backoffice/uebergaben');
    await expect(office.locator('[role="status"]').innerText()).resolves.toContain('erneut gesendet');
    await accessible(office, 'hand-off resent');

    await follow(office, 'Mitarbeitende');
    expect(path(office)).toBe('/backoffice/mitarbeitende');
    await expect(office.locator('main table').first().innerText()).resolves.toContain(caseworker.email);
    await accessible(office, 'staff');
  });

  it("shows Gelsenkirchen's caseworker the not-found page for Recklinghausen's application", async () => {
    const elsewhere = await newPage();
    await staffLogin(elsewhere, gelsenkirchen, 'gelsenkirchen');
    await expect(elsewhere.locator('#inbox').count()).resolves.toBe(0);
    const answer = await elsewhere.goto(url(`/backoffice/antraege/${id}`, 'gelsenkirchen'));
    expect(answer?.status()).toBe(404);
    await expect(elsewhere.locator('h1').innerText()).resolves.toBe('Seite nicht gefunden');
    await expect(elsewhere.locator('main').innerText()).resolves.not.toContain(number);
    await accessible(elsewhere, 'not found elsewhere');
  });
});
