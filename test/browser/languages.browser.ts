/// <reference lib="dom" />
/**
 * Every citizen understands the portal, in Chromium: axe-core (WCAG 2.1 A/AA) on every citizen page
 * type in all eight locales of Gelsenkirchen, and in German on three tenants' colours; the keyboard
 * alone (skip link, visible focus, focus order, the error summary focused after a failed post);
 * a Turkish and an Arabic citizen apply for a resident parking permit and read their permit's text
 * out of the PDF. With `SCREENSHOTS=1` it writes docs/images/lang-*.png for the README.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { PDFDocument } from 'pdf-lib';
import { TEST_SETTINGS, certificatePdf, pdfText } from '@openrathaus/testing';
import { TestPortal, eventually, startTestPortal } from '../support';
import { TestSmtp, parseMail, startSmtp } from '../support-mail';
import {
  ROOT,
  axeViolations,
  describeViolations,
  expectAccessible,
  launchChromium,
  newAxeChecker,
} from './browser-support';

const IMAGES = join(ROOT, 'docs', 'images');
const LOCALES = ['de', 'en', 'tr', 'ar', 'uk', 'ru', 'pl', 'de-x-ls'];
const PASSWORD = 'ein sehr gutes Passwort 2026';
/**
 * The citizen's page types that are the same for everyone (the personal ones, forms, summary and
 * status, are checked on the Turkish and Arabic journeys below): home, search results, Lebenslagen,
 * a service, the accessibility statement, an account form, the verify page, the not-found page.
 */
const PAGE_TYPES = [
  '/',
  '/leistungen?q=parken',
  '/lebenslagen',
  '/leistungen/bewohnerparkausweis',
  '/barrierefreiheit',
  '/konto/anmelden',
  '/verify',
  '/gibt-es-nicht',
];

/**
 * axe-core in a page with JavaScript: the pages are the same with and without it, and running axe
 * where the page was loaded spares the copy that {@link expectAccessible} makes of a page without.
 */
async function expectAccessibleHere(page: Page, where: string): Promise<void> {
  expect(describeViolations(where, await axeViolations(page))).toBe(`${where}: no violations`);
}

describe('every citizen understands the portal (Chromium)', () => {
  let smtp: TestSmtp;
  let portal: TestPortal;
  let browser: Browser;
  let checker: BrowserContext;
  const url = (slug: string, path: string) => `http://${slug}.localhost:${portal.port}${path}`;

  beforeAll(async () => {
    [smtp, browser] = await Promise.all([startSmtp(), launchChromium()]);
    portal = await startTestPortal({ smtpUrl: smtp.url });
    checker = await newAxeChecker(browser);
    if (TEST_SETTINGS.screenshots) mkdirSync(IMAGES, { recursive: true });
  });

  afterAll(async () => {
    await checker?.close();
    await browser?.close();
    await portal?.stop();
    await smtp?.close();
  });

  const newContext = async (javaScriptEnabled = false): Promise<BrowserContext> => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'de-DE',
      javaScriptEnabled,
      acceptDownloads: true,
    });
    context.setDefaultTimeout(10_000);
    context.setDefaultNavigationTimeout(20_000);
    return context;
  };

  describe.each(LOCALES)('axe-core on every citizen page type of gelsenkirchen in %s', (locale) => {
    let context: BrowserContext;
    let page: Page;
    beforeAll(async () => {
      context = await newContext(true);
      page = await context.newPage();
    });
    afterAll(() => context?.close());

    it.each(PAGE_TYPES)('%s', async (path) => {
      await page.goto(url('gelsenkirchen', `${path}${path.includes('?') ? '&' : '?'}lang=${locale}`));
      const dir = locale === 'ar' ? 'rtl' : 'ltr';
      await expect(page.locator('html').getAttribute('dir')).resolves.toBe(dir);
      // Every page says where one is: its own title before the portal's name.
      await expect(page.title()).resolves.toMatch(/ – /);
      await expectAccessibleHere(page, `gelsenkirchen ${path} (${locale})`);
      if (TEST_SETTINGS.screenshots && (locale === 'ar' || locale === 'de-x-ls')) {
        const name = path === '/' ? 'home' : path === '/leistungen/bewohnerparkausweis' ? 'service' : undefined;
        if (name) await page.screenshot({ path: join(IMAGES, `lang-${locale}-${name}.png`), fullPage: true });
      }
    });
  });

  // Contrast depends on the colours, not on the language: three tenants' themes in German.
  describe.each(['recklinghausen', 'dortmund', 'duisburg'])('axe-core in the colours of %s', (slug) => {
    let context: BrowserContext;
    let page: Page;
    beforeAll(async () => {
      context = await newContext(true);
      page = await context.newPage();
    });
    afterAll(() => context?.close());

    it.each(PAGE_TYPES.filter((p) => !p.includes('bewohnerpark')))('%s', async (path) => {
      await page.goto(url(slug, path));
      await expectAccessibleHere(page, `${slug} ${path}`);
    });
  });

  describe('with the keyboard alone', () => {
    let context: BrowserContext;
    let page: Page;
    beforeAll(async () => {
      context = await newContext(true);
      page = await context.newPage();
    });
    afterAll(() => context?.close());

    /** The element that has the focus, and whether its focus can be seen (outline or shadow). */
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        const style = el ? getComputedStyle(el) : undefined;
        const visible =
          !!style &&
          ((style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none');
        return {
          tag: el?.tagName.toLowerCase(),
          id: el?.id,
          href: el?.getAttribute('href'),
          name: el?.getAttribute('name'),
          text: el?.textContent?.trim().slice(0, 60),
          visible,
        };
      });

    /** Tabs on until `wanted` has the focus; every stop on the way shows its focus. */
    const tabTo = async (wanted: (f: Awaited<ReturnType<typeof focused>>) => boolean, max = 80) => {
      for (let i = 0; i < max; i++) {
        await page.keyboard.press('Tab');
        const f = await focused();
        expect({ ...f, visible: f.visible || f.tag === 'body' }).toMatchObject({ visible: true });
        if (wanted(f)) return f;
      }
      throw new Error('not reached with Tab');
    };

    it('starts with the skip link, which leads to the main content', async () => {
      await page.goto(url('gelsenkirchen', '/'));
      await page.keyboard.press('Tab');
      const first = await focused();
      expect(first).toMatchObject({ tag: 'a', href: '#main', visible: true });
      await page.keyboard.press('Enter');
      await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('main');
    });

    it('searches, opens a service and reaches the accessibility statement in reading order', async () => {
      await tabTo((f) => f.id === 'search-q');
      await page.keyboard.type('Bewohnerpark');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      expect(new URL(page.url()).pathname).toBe('/leistungen');
      await tabTo((f) => f.href === '/leistungen/bewohnerparkausweis');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      await expect(page.title()).resolves.toMatch(/^Bewohnerparkausweis beantragen – /);
      await tabTo((f) => f.href === '/barrierefreiheit');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      await expect(page.title()).resolves.toMatch(/^Erklärung zur Barrierefreiheit – /);
    });

    it('reports a barrier: a failed post focuses the error summary, whose link leads to the field', async () => {
      await tabTo((f) => f.name === 'page');
      await page.keyboard.type('/leistungen');
      await tabTo((f) => f.text === 'Barriere melden' && f.tag === 'button');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      await expect(page.title()).resolves.toMatch(/^Bitte prüfen Sie Ihre Angaben: /);
      const active = await page.evaluate(() => document.activeElement?.classList.contains('or-error-summary'));
      expect(active).toBe(true);
      await tabTo((f) => f.href === '#f-description');
      // Following the link moves the focus to the field it names.
      await page.keyboard.press('Enter');
      await expect(focused()).resolves.toMatchObject({ name: 'description' });
      await page.keyboard.type('Der Fokus ist auf der Karte nicht zu sehen.');
      await tabTo((f) => f.text === 'Barriere melden' && f.tag === 'button');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      await expect(page.locator('#gemeldet').innerText()).resolves.toContain('Vielen Dank');
    });

    it('logs in with the keyboard', async () => {
      await page.goto(url('gelsenkirchen', '/konto/anmelden'));
      await tabTo((f) => f.name === 'email');
      await page.keyboard.type('niemand@example.org');
      await page.keyboard.press('Tab');
      await expect(focused()).resolves.toMatchObject({ name: 'password' });
      await page.keyboard.type('falsch');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      const active = await page.evaluate(() => document.activeElement?.classList.contains('or-error-summary'));
      expect(active).toBe(true);
    });
  });

  describe.each([
    [
      'tr',
      'Sakin park izni',
      ['SAKİN PARK İZNİ', 'Sakin park bölgesi', 'Son geçerlilik', 'Düzenlenme tarihi', 'Sahibi'],
    ],
    [
      'ar',
      'تصريح وقوف السكان',
      ['تصريح وقوف السكان رقم', 'منطقة وقوف السكان', 'صالح حتى', 'تاريخ الإصدار', 'صاحب الوثيقة'],
    ],
  ])('a citizen in %s applies and reads the permit', (locale, title, expected) => {
    let context: BrowserContext;
    let page: Page;
    const email = `leyla.${locale}@example.org`;
    const go = (path: string) => page.goto(url('gelsenkirchen', path));
    const submit = (selector = 'main form button[type="submit"]') =>
      Promise.all([page.waitForNavigation(), page.locator(selector).last().click()]);

    beforeAll(async () => {
      context = await newContext();
      // Paying waits for the permit, whose embedded font takes seconds to read on a busy machine.
      context.setDefaultTimeout(60_000);
      context.setDefaultNavigationTimeout(60_000);
      page = await context.newPage();
    });
    afterAll(() => context?.close());

    it('registers, confirms and logs in, in its language', async () => {
      await go(`/konto/registrieren?lang=${locale}`);
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe(locale);
      await page.locator('[name="name"]').fill('Leyla Yılmaz');
      await page.locator('[name="email"]').fill(email);
      await page.locator('[name="password"]').fill(PASSWORD);
      await submit();
      const mail = await eventually(() =>
        Promise.resolve(
          smtp.received.find((m) => m.to.includes(email) && /bestaetigen\?token=/.test(parseMail(m.raw).text)),
        ),
      );
      const link = /https?:\/\/\S+\/konto\/bestaetigen\?token=[A-Za-z0-9_-]+/.exec(parseMail(mail.raw).text)![0];
      await page.goto(link);
      await go('/konto/anmelden');
      await page.locator('[name="email"]').fill(email);
      await page.locator('[name="password"]').fill(PASSWORD);
      await submit();
      expect(new URL(page.url()).pathname).toBe('/konto');
    });

    it('applies page by page, pays and downloads the permit, whose text is in its language', async () => {
      await go('/leistungen/bewohnerparkausweis');
      await expect(page.locator('h1').innerText()).resolves.toContain(title.split(' ')[0]);
      await expectAccessible(checker, page, `service page (${locale})`);
      await go('/leistungen/bewohnerparkausweis/antrag');
      await submit();
      await page.locator('[name="vorname"]').fill('Leyla');
      await page.locator('[name="nachname"]').fill('Yılmaz');
      await page.locator('[name="geburtsdatum"]').fill('1985-03-02');
      await page.locator('input[name^="anschrift"][name$="street"]').fill('Ebertstraße');
      await page.locator('input[name^="anschrift"][name$="houseNumber"]').fill('11');
      await page.locator('input[name^="anschrift"][name$="postalCode"]').fill('45879');
      await page.locator('input[name^="anschrift"][name$="city"]').fill('Gelsenkirchen');
      await page.locator('[name="email"]').fill(email);
      await submit('button[name="_action"][value="next"].kern-btn');
      await expectAccessible(checker, page, `vehicle page (${locale})`);
      await page.locator('[name="kennzeichen"]').fill('GE-LY 123');
      await page.locator('[name="halter"][value="eigen"]').check();
      await page.locator('input[type="file"][name="zulassung"]').setInputFiles({
        name: 'ruhsat.pdf',
        mimeType: 'application/pdf',
        buffer: await certificatePdf(),
      });
      await submit('button[name="_action"][value="next"].kern-btn');
      // One of Gelsenkirchen's zones (tenant.yaml).
      await page.locator('[name="zone"]').fill('Altstadt');
      await submit('button[name="_action"][value="next"].kern-btn');
      await page.locator('[name="versicherung"]').check();
      await page.locator('[name="datenschutz"]').check();
      await submit('button[name="_action"][value="next"].kern-btn');
      expect(new URL(page.url()).pathname).toMatch(/\/zusammenfassung$/);
      await expectAccessible(checker, page, `summary (${locale})`);
      if (TEST_SETTINGS.screenshots && locale === 'ar') {
        await page.screenshot({ path: join(IMAGES, 'lang-ar-summary.png'), fullPage: true });
      }
      await submit();
      expect(new URL(page.url()).pathname).toMatch(/^\/_sandbox\/xbezahldienste\/pay\//);
      await submit('button[name="action"][value="pay"]');
      const id = /\/antraege\/([0-9a-f-]{36})/.exec(page.url())?.[1];
      const status = url('gelsenkirchen', `/antraege/${id}`);
      for (let i = 0; i < 60 && (await page.locator('a[download]').count()) === 0; i++) {
        await page.waitForTimeout(500);
        await page.goto(status);
      }
      await expectAccessible(checker, page, `status page (${locale})`);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('a[download]').first().click(),
      ]);
      const bytes = readFileSync(await download.path());
      const text = (await pdfText(bytes)).join('\n').normalize('NFKC');
      for (const words of expected) expect(text).toContain(words);
      expect(text).toContain('GE-LY 123');
      expect(text).not.toContain('?');
      const pdf = await PDFDocument.load(bytes);
      expect(pdf.getTitle()).toBe(title);
    });
  });
});
