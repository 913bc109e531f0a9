/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The citizen's journey in a real browser (Chromium through playwright-core), with JavaScript
 * switched off as the pages promise: register, confirm the e-mail from the mail the SMTP server
 * received, log in, apply for a resident parking permit page by page (errors first, an upload, a
 * break in the middle), submit, pay in the sandbox, download the permit, check it on the public
 * verify page; and the step-up of the identity level at the test eID service for the Fahrdienst.
 * Every page visited is checked with axe-core (WCAG 2.1 A/AA). With `SCREENSHOTS=1` the
 * Recklinghausen run writes the README's screenshots to docs/images/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { PDFDocument } from 'pdf-lib';
import { TEST_SETTINGS, certificatePdf, get } from '@openrathaus/testing';
import { TestPortal, eventually, startTestPortal } from '../support';
import { TestSmtp, parseMail, startSmtp } from '../support-mail';
import { TestOidcProvider, startTestOidcProvider } from '../support-oidc';
import { ROOT, expectAccessible, launchChromium, newAxeChecker } from './browser-support';

const IMAGES = join(ROOT, 'docs', 'images');
const SCREENSHOTS = TEST_SETTINGS.screenshots;
const PASSWORD = 'ein sehr gutes Passwort 2026';

interface ServiceParams {
  fee: number;
  zones: string[];
  postalCodes: string[];
}

/** Money in cents as the pages print it. */
const euros = (cents: number, locale = 'de-DE') =>
  new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' }).format(cents / 100);

describe("the citizen's journey in Chromium, without JavaScript", () => {
  let smtp: TestSmtp;
  let oidc: TestOidcProvider;
  let portal: TestPortal;
  let browser: Browser;
  let checker: BrowserContext;
  let pdf: Buffer;
  const params: Record<string, ServiceParams> = {};
  const host = (slug: string) => `${slug}.localhost:${portal.port}`;

  beforeAll(async () => {
    [smtp, oidc, browser, pdf] = await Promise.all([
      startSmtp(),
      startTestOidcProvider(),
      launchChromium(),
      certificatePdf(),
    ]);
    portal = await startTestPortal({
      smtpUrl: smtp.url,
      oidcIssuer: oidc.issuer,
      oidcClientId: oidc.clientId,
      oidcClientSecret: oidc.clientSecret,
    });
    await oidc.register([`http://${host('dortmund')}/konto/identitaet/callback`]);
    for (const slug of ['recklinghausen', 'gelsenkirchen']) {
      const service = await get(portal.port, '/api/v1/services/bewohnerparkausweis', `${slug}.localhost`);
      params[slug] = (JSON.parse(service.body) as { parameters: ServiceParams }).parameters;
    }
    checker = await newAxeChecker(browser);
    if (SCREENSHOTS) mkdirSync(IMAGES, { recursive: true });
  });

  afterAll(async () => {
    await checker?.close();
    await browser?.close();
    await portal?.stop();
    await oidc?.stop();
    await smtp?.close();
  });

  /** A fresh browser of a citizen: no cookies, JavaScript off, German first. */
  const newContext = async (): Promise<BrowserContext> => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'de-DE',
      javaScriptEnabled: false,
      acceptDownloads: true,
    });
    // A missing element fails fast with Playwright's message instead of running into Jest's timeout.
    context.setDefaultTimeout(10_000);
    context.setDefaultNavigationTimeout(20_000);
    return context;
  };

  /** The page as it stands (also the answer to a post) has no WCAG 2.1 A/AA violations. */
  const accessible = (page: Page, where: string) => expectAccessible(checker, page, where);

  const shoot = async (page: Page, slug: string, name: string) => {
    if (SCREENSHOTS && slug === 'recklinghausen') {
      await page.screenshot({ path: join(IMAGES, `journey-${name}.png`), fullPage: true });
    }
  };

  /** Presses a button that posts a form and waits for the page that answers. */
  const press = async (page: Page, name: string | RegExp) => {
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name, exact: typeof name === 'string' }).click(),
    ]);
  };

  /** Registers, confirms with the link from the e-mail and logs in, all in the browser. */
  const registerAndLogin = async (page: Page, slug: string, email: string, next: string) => {
    const url = (path: string) => `http://${host(slug)}${path}`;
    expect((await page.goto(url('/konto/registrieren')))?.status()).toBe(200);
    await accessible(page, `${slug}: registration`);
    await page.getByLabel('Vor- und Nachname').fill('Erika Mustermann');
    await page.getByLabel('E-Mail-Adresse').fill(email);
    await page.getByLabel('Passwort', { exact: true }).fill(PASSWORD);
    await press(page, 'Konto anlegen');
    await expect(page.locator('h1').innerText()).resolves.toBe('Bitte bestätigen Sie Ihre E-Mail-Adresse');

    const mail = await eventually(() =>
      Promise.resolve(
        smtp.received.find((m) => m.to.includes(email) && /bestaetigen\?token=/.test(parseMail(m.raw).text)),
      ),
    );
    const link = /https?:\/\/\S+\/konto\/bestaetigen\?token=[A-Za-z0-9_-]+/.exec(parseMail(mail.raw).text)?.[0];
    expect(link?.startsWith(url('/konto/bestaetigen?token='))).toBe(true);
    expect((await page.goto(link!))?.status()).toBe(200);
    await expect(page.locator('h1').innerText()).resolves.toBe('E-Mail-Adresse bestätigt');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Zur Anmeldung' }).click()]);

    await accessible(page, `${slug}: login`);
    await page.getByLabel('E-Mail-Adresse').fill(email);
    await page.getByLabel('Passwort', { exact: true }).fill(PASSWORD);
    await press(page, 'Anmelden');
    expect(new URL(page.url()).pathname).toBe('/konto');
    await expect(page.locator('.or-account-email').innerText()).resolves.toBe(email);
    await accessible(page, `${slug}: account`);
    await page.goto(url(next));
  };

  describe.each([
    ['recklinghausen', 'RE'],
    ['gelsenkirchen', 'GE'],
  ])('on %s', (slug, prefix) => {
    let context: BrowserContext;
    let page: Page;
    let id = '';
    let number = '';
    let pdfKeywords = '';
    const url = (path: string) => `http://${host(slug)}${path}`;
    const path = () => new URL(page.url()).pathname;
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

    beforeAll(async () => {
      context = await newContext();
      page = await context.newPage();
    });
    afterAll(() => context?.close());

    it('registers, confirms the address from the e-mail and logs in', async () => {
      await registerAndLogin(page, slug, `erika.${slug}@example.org`, '/leistungen/bewohnerparkausweis');
      expect(path()).toBe('/leistungen/bewohnerparkausweis');
    });

    it("shows the service with the tenant's own fee and leads to the application", async () => {
      await expect(page.locator('section[aria-labelledby="s-fee"]').innerText()).resolves.toContain(
        `Gebühr: ${euros(params[slug].fee)}`,
      );
      await accessible(page, `${slug}: service page`);
      await shoot(page, slug, 'service');
      await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: /^Online beantragen\b/ }).click()]);
      expect(path()).toBe('/leistungen/bewohnerparkausweis/antrag');
      await press(page, 'Neuen Antrag beginnen');
      const at = /^\/antraege\/([0-9a-f-]{36})\/schritt\/antragsteller$/.exec(path());
      expect(at).not.toBeNull();
      id = at![1];
      await accessible(page, `${slug}: person page`);
    });

    it('answers empty required fields with a summary at the top that links to each field', async () => {
      await press(page, 'Weiter');
      expect(path()).toBe(`/antraege/${id}/schritt/antragsteller`);
      await expect(page.title()).resolves.toMatch(/^Fehler: /);
      const summary = page.locator('.kern-alert--danger[role="alert"]');
      await expect(summary.locator('h2').innerText()).resolves.toBe('Bitte prüfen Sie Ihre Angaben');
      // It comes before the form and takes the focus, so that a screen reader reads it first.
      const order = await page.evaluate(() => {
        const alert = document.querySelector('.kern-alert--danger[role="alert"]');
        const form = document.querySelector('main form');
        return !!alert && !!form && !!(alert.compareDocumentPosition(form) & Node.DOCUMENT_POSITION_FOLLOWING);
      });
      expect(order).toBe(true);
      await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('form-errors-title');
      const links = await summary
        .locator('a')
        .evaluateAll((as) => as.map((a) => ({ href: a.getAttribute('href') ?? '', text: a.textContent ?? '' })));
      expect(links.length).toBeGreaterThanOrEqual(5);
      for (const link of links) {
        expect(link.href).toMatch(/^#/);
        // Each link leads to a control of the page, marked invalid and saying what is wrong beside it.
        const target = page.locator(link.href);
        expect(await target.count()).toBe(1);
        const field = await target.evaluate((el) => {
          const control = el.matches('input, select, textarea') ? el : el.querySelector('input, select, textarea');
          const errorId = (control?.getAttribute('aria-describedby') ?? '')
            .split(' ')
            .find((x) => x.endsWith('--error'));
          return {
            invalid: control?.getAttribute('aria-invalid'),
            error: errorId ? document.getElementById(errorId)?.textContent?.trim() : undefined,
          };
        });
        expect(field.invalid).toBe('true');
        expect(field.error).toContain(link.text.trim());
      }
      // Following a link goes to the field (the URL's fragment names it).
      const vorname = summary.getByRole('link', { name: /Vorname/ });
      await vorname.click();
      expect(new URL(page.url()).hash).toBe(await vorname.getAttribute('href'));
      await expect(page.locator('p.kern-error', { hasText: 'Vorname' }).count()).resolves.toBeGreaterThan(0);
      await accessible(page, `${slug}: person page with errors`);
      await shoot(page, slug, 'form-errors');
    });

    it('has the page with errors accessible in English too', async () => {
      await page.goto(url(`/antraege/${id}/schritt/antragsteller?lang=en`));
      await press(page, 'Continue');
      await expect(page.locator('.kern-alert--danger h2').innerText()).resolves.toBe('Please check your details');
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
      await accessible(page, `${slug}: person page with errors, English`);
      await page.goto(url(`/antraege/${id}/schritt/antragsteller?lang=de`));
    });

    it('fills in the person and the vehicle with the registration certificate', async () => {
      const p = params[slug];
      await page.getByLabel('Vorname(n)').fill('Erika');
      await page.getByLabel('Familienname').fill('Mustermann');
      await page.getByLabel('Geburtsdatum').fill('1980-05-17');
      await page.getByLabel('Straße').fill('Rathausplatz');
      await page.getByLabel('Hausnummer').fill('3');
      await page.getByLabel('Postleitzahl').fill(p.postalCodes[0]);
      await page.getByLabel('Ort').fill(slug === 'recklinghausen' ? 'Recklinghausen' : 'Gelsenkirchen');
      await page.getByLabel('E-Mail-Adresse').fill(`erika.${slug}@example.org`);
      await press(page, 'Weiter');
      expect(path()).toBe(`/antraege/${id}/schritt/fahrzeug`);
      await accessible(page, `${slug}: vehicle page`);

      await page.getByLabel('Amtliches Kennzeichen').fill(`${prefix.toLowerCase()}-ab 123`);
      await page.getByLabel('auf mich (eigenes Fahrzeug)').check();
      await page.getByLabel('Zulassungsbescheinigung Teil I').setInputFiles({
        name: 'fahrzeugschein.pdf',
        mimeType: 'application/pdf',
        buffer: pdf,
      });
      if (slug === 'recklinghausen') {
        // The upload button keeps the citizen on the page with the file listed.
        await press(page, /^Hochladen\s*: Zulassungsbescheinigung Teil I$/);
        expect(path()).toBe(`/antraege/${id}/schritt/fahrzeug`);
        await expect(page.locator('main').innerText()).resolves.toContain('fahrzeugschein.pdf');
        await expect(page.getByLabel('Amtliches Kennzeichen').inputValue()).resolves.toMatch(/^re-ab 123$/i);
        await accessible(page, `${slug}: vehicle page with the upload`);
      }
      // Elsewhere "Weiter" with the file chosen uploads it on the way.
      await press(page, 'Weiter');
      expect(path()).toBe(`/antraege/${id}/schritt/parkzone`);
      await accessible(page, `${slug}: zone page`);
    });

    it('saves in the middle and continues from the mailbox where the citizen stopped', async () => {
      await page.getByRole('textbox', { name: 'Bewohnerparkzone', exact: true }).fill(params[slug].zones[0]);
      await press(page, 'Speichern und später fortsetzen');
      expect(path()).toBe('/antraege');
      await expect(page.locator('[role="status"]').innerText()).resolves.toContain('Ihr Antrag ist gespeichert');
      await accessible(page, `${slug}: mailbox with a draft`);

      await page.goto(url('/'));
      await page.goto(url('/antraege'));
      const row = page.locator('tr', { hasText: 'Entwurf' });
      await Promise.all([page.waitForNavigation(), row.getByRole('link').click()]);
      expect(path()).toBe(`/antraege/${id}/schritt/parkzone`);
      await expect(page.getByRole('textbox', { name: 'Bewohnerparkzone', exact: true }).inputValue()).resolves.toBe(
        params[slug].zones[0],
      );
      await press(page, 'Weiter');
      expect(path()).toBe(`/antraege/${id}/schritt/erklaerung`);
      await accessible(page, `${slug}: declaration page`);
      await page.getByLabel(/^Ich versichere/).check();
      await page.getByLabel(/^Ich habe die Datenschutzhinweise/).check();
      await press(page, 'Weiter');
      expect(path()).toBe(`/antraege/${id}/zusammenfassung`);
    });

    it('shows the answers and the fee on the summary, and submits to the payment', async () => {
      const main = await page.locator('main').innerText();
      expect(main).toContain('Angaben prüfen');
      expect(main).toContain(params[slug].zones[0]);
      expect(main).toContain('fahrzeugschein.pdf');
      expect(main).toContain(euros(params[slug].fee));
      await accessible(page, `${slug}: summary`);
      await shoot(page, slug, 'summary');
      await press(page, 'Absenden');
      expect(path()).toMatch(/^\/_sandbox\/xbezahldienste\/pay\//);
      expect(new URL(page.url()).host).toBe(host(slug));
      await expect(page.locator('.or-payment-amount').innerText()).resolves.toBe(euros(params[slug].fee));
      await accessible(page, `${slug}: sandbox pay page`);
      await shoot(page, slug, 'pay');
    });

    it('pays and lands on the status page with the permit to download', async () => {
      await press(page, 'Bezahlen');
      // Back through /antraege/<id>/zahlung, which waits for the document a moment.
      if (path() !== `/antraege/${id}`) await page.waitForURL(url(`/antraege/${id}`));
      // The worker issues the permit, then mails it and hands it on: reload until all of it is done.
      const done = async () =>
        (await page.locator('a[download]').count()) > 0 &&
        (await page.locator('#status').innerText()) === 'Abgeschlossen';
      for (let i = 0; i < 60 && !(await done()); i++) {
        await page.waitForTimeout(500);
        await page.goto(url(`/antraege/${id}`));
      }
      number = await page
        .locator('.kern-description-list-item', { hasText: 'Antragsnummer' })
        .locator('dd')
        .innerText();
      expect(number).toMatch(new RegExp(`^${prefix}-\\d{4}-\\d{6}$`));
      await expect(page.locator('#status').innerText()).resolves.toBe('Abgeschlossen');
      const link = page.getByRole('link', { name: 'Bewohnerparkausweis herunterladen (PDF)' });
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      expect(download.suggestedFilename()).toMatch(/\.pdf$/);
      const bytes = readFileSync(await download.path());
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      // The permit of this application: its number in the document's properties.
      const permit = await PDFDocument.load(bytes);
      expect(permit.getSubject()).toBe(`Bewohnerparkausweis ${number}`);
      pdfKeywords = permit.getKeywords() ?? '';
      await accessible(page, `${slug}: status page`);
      await shoot(page, slug, 'status');
      await page.goto(url(`/antraege/${id}?lang=en`));
      await expect(page.locator('#status').innerText()).resolves.toBe('Completed');
      await accessible(page, `${slug}: status page, English`);
      await page.goto(url(`/antraege/${id}?lang=de`));
    });

    it('checks the permit on the verify page, and a forged code is not genuine', async () => {
      // The browser asks the JSON API with its session, as a script of the citizen's would.
      const view = await page.goto(url(`/api/v1/applications/${id}`));
      expect(view?.status()).toBe(200);
      const json = (await view!.json()) as { number: string; documents: { verifyCode: string }[] };
      expect(json.number).toBe(number);
      const code = json.documents[0].verifyCode;
      // The code the API lists is the one the PDF carries (and prints under its QR code).
      expect(pdfKeywords).toContain(code);

      expect((await page.goto(url(`/verify/${encodeURIComponent(code)}`)))?.status()).toBe(200);
      const result = page.locator('.or-verify-result');
      await expect(result.getAttribute('data-status')).resolves.toBe('valid');
      await expect(result.locator('h2').innerText()).resolves.toBe('Echt und gültig');
      await expect(page.locator('main').innerText()).resolves.toContain(number);
      await accessible(page, `${slug}: verify page, genuine`);
      await shoot(page, slug, 'verify');

      const last = code.at(-1)!;
      const forged = code.slice(0, -1) + (last === 'A' ? 'B' : 'A');
      expect((await page.goto(url(`/verify/${encodeURIComponent(forged)}`)))?.status()).toBe(200);
      await expect(result.getAttribute('data-status')).resolves.toMatch(/^(forged|unknown)$/);
      await expect(result.locator('h2').innerText()).resolves.toBe('Nicht echt');
      await accessible(page, `${slug}: verify page, forged`);
    });

    it('lists the application as completed in the mailbox', async () => {
      await page.goto(url('/antraege'));
      const row = page.locator('tr', { has: page.locator(`a[href="/antraege/${id}"]`) });
      await expect(row.innerText()).resolves.toContain('Abgeschlossen');
      await expect(row.innerText()).resolves.toMatch(new RegExp(`${prefix}-\\d{4}-\\d{6}`));
      expect(await page.locator('.or-message').count()).toBeGreaterThan(0);
      await accessible(page, `${slug}: mailbox`);
      await shoot(page, slug, 'mailbox');
    });
  });

  it('sends a citizen on dortmund to the eID service for the Fahrdienst and back to its first page', async () => {
    const context = await newContext();
    try {
      const page = await context.newPage();
      const visited: string[] = [];
      page.on('request', (request) => {
        if (request.isNavigationRequest()) visited.push(request.url());
      });
      await registerAndLogin(page, 'dortmund', 'ida@example.org', '/leistungen/fahrdienst/antrag');
      // The start page sent the citizen through the step-up to the provider (which logs in without
      // a person here), asking for "substantial", and its callback raised the session.
      expect(new URL(page.url()).pathname).toBe('/leistungen/fahrdienst/antrag');
      const trip = visited.slice(visited.findIndex((u) => u.endsWith('/leistungen/fahrdienst/antrag')));
      expect(trip.some((u) => u.includes('/konto/identitaet?level=substantial'))).toBe(true);
      const authorization = trip.find((u) => u.startsWith(`${oidc.issuer}/`) && u.includes('acr_values='));
      expect(new URL(authorization!).searchParams.get('acr_values')).toContain('LoA/substantial');
      expect(trip.some((u) => u.startsWith(`http://${host('dortmund')}/konto/identitaet/callback?`))).toBe(true);
      await accessible(page, 'dortmund: Fahrdienst start page');
      await press(page, 'Neuen Antrag beginnen');
      expect(new URL(page.url()).pathname).toMatch(/^\/antraege\/[0-9a-f-]{36}\/schritt\/person$/);
      await accessible(page, 'dortmund: first page of the Fahrdienst');
      await page.goto(`http://${host('dortmund')}/konto`);
      await expect(page.locator('.or-account-trust').getAttribute('data-level')).resolves.toBe('substantial');
    } finally {
      await context.close();
    }
  });
});
