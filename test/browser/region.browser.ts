/// <reference lib="dom" />
/**
 * The region's portal in Chromium with JavaScript switched off: a citizen searches "Hund" across
 * the region, finds who is responsible for the Fahrdienst in Marl (the district) and follows the
 * link to the district's own portal, mistypes a postal code and is told which field is wrong; the
 * press office reads the table of what is online where and the statistics. Every page is checked
 * with axe-core (WCAG 2.1 A/AA). With `SCREENSHOTS=1` it writes the README's screenshots of the
 * region to docs/images/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { TEST_SETTINGS } from '@openrathaus/testing';
import { TestPortal, startTestPortal } from '../support';
import { seedApplications } from '../support-casework';
import { ROOT, expectAccessible, launchChromium, newAxeChecker } from './browser-support';

const IMAGES = join(ROOT, 'docs', 'images');
const SCREENSHOTS = TEST_SETTINGS.screenshots;
const REGION = 'emscher-lippe.localhost';

jest.setTimeout(120_000);

describe('the region in Chromium', () => {
  let portal: TestPortal;
  let browser: Browser;
  let context: BrowserContext;
  let checker: BrowserContext;
  let page: Page;
  const url = (path: string, host = REGION) => `http://${host}:${portal.port}${path}`;
  const accessible = (where: string) => expectAccessible(checker, page, where);
  const shoot = async (name: string, height?: number) => {
    if (!SCREENSHOTS) return;
    const file = join(IMAGES, `region-${name}.png`);
    if (height) await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width: 1280, height } });
    else await page.screenshot({ path: file, fullPage: true });
  };
  const submit = async () => {
    await Promise.all([page.waitForNavigation(), page.locator('main form button[type=submit]').first().click()]);
  };

  beforeAll(async () => {
    [portal, browser] = await Promise.all([startTestPortal(), launchChromium()]);
    for (const [slug, count] of [
      ['gelsenkirchen', 40],
      ['recklinghausen', 25],
      ['marl', 12],
      ['bottrop', 18],
    ] as const) {
      await seedApplications(portal.db.ownerUrl, slug, { count, days: 330 });
    }
    context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'de-DE',
      javaScriptEnabled: false,
    });
    context.setDefaultTimeout(10_000);
    context.setDefaultNavigationTimeout(20_000);
    checker = await newAxeChecker(browser);
    page = await context.newPage();
    if (SCREENSHOTS) mkdirSync(IMAGES, { recursive: true });
  });

  afterAll(async () => {
    await context?.close();
    await checker?.close();
    await browser?.close();
    await portal?.stop();
  });

  it('searches the whole region from its home page', async () => {
    await page.goto(url('/'));
    await accessible('region home');
    await page.locator('#search-q').fill('Hund');
    await submit();
    expect(new URL(page.url()).pathname).toBe('/region/suche');
    const dog = page.locator('#service-hundesteuer');
    await expect(dog.locator('h2').innerText()).resolves.toMatch(/Hundesteuer/);
    await expect(dog.getByRole('link', { name: 'Marl' }).getAttribute('href')).resolves.toBe(
      url('/leistungen/hundesteuer', 'marl.localhost'),
    );
    await expect(dog.innerText()).resolves.toContain('Nicht angeboten bei');
    await accessible('region search');
    await shoot('search', 1300);
  });

  it('leads from a postal code to the district’s page for a service of the district', async () => {
    await page
      .locator('#service-hundesteuer')
      .getByRole('link', { name: /Wer ist für mich zuständig/ })
      .click();
    await page.waitForURL(/\/region\/zustaendigkeit/);
    await expect(page.locator('#f-service').inputValue()).resolves.toBe('hundesteuer');
    await page.locator('#f-service').selectOption('fahrdienst');
    await page.locator('#f-postalCode').fill('12');
    await submit();
    await expect(page.locator('#f-postalCode-error').innerText()).resolves.toContain('Postleitzahl');
    await accessible('finder with a faulty postal code');
    await page.locator('#f-postalCode').fill('45768');
    await submit();
    const result = page.locator('#result');
    await expect(result.innerText()).resolves.toContain('Kreis Recklinghausen');
    await accessible('finder answer');
    await shoot('finder');
    await Promise.all([page.waitForNavigation(), result.getByRole('link').first().click()]);
    expect(page.url()).toBe(url('/leistungen/fahrdienst', 'kreis-recklinghausen.localhost'));
  });

  it('lets the citizen choose a town from the list', async () => {
    await page.goto(url('/region/zustaendigkeit'));
    await page.locator('#f-service').selectOption('hundesteuer');
    await page.locator('#f-town').selectOption('herten');
    await submit();
    await expect(page.locator('#result').getByRole('link').first().getAttribute('href')).resolves.toBe(
      url('/leistungen/hundesteuer', 'herten.localhost'),
    );
    await accessible('finder by town');
  });

  it('shows what is online where, with the region’s totals', async () => {
    await page.goto(url('/region/vergleich'));
    const table = page.locator('#comparison');
    await expect(table.locator('thead th').count()).resolves.toBe(14);
    await expect(table.locator('#row-fahrdienst').innerText()).resolves.toContain('Kreis');
    await expect(table.locator('tfoot tr').count()).resolves.toBe(4);
    await accessible('comparison');
    await shoot('comparison', 1400);
  });

  it('shows the Lebenslagen and the statistics of the region', async () => {
    await page.goto(url('/region/lebenslagen'));
    await accessible('region Lebenslagen');
    await page.goto(url('/region/statistik'));
    await expect(page.locator('#stats-total').innerText()).resolves.toMatch(/^95 Anträge/);
    await expect(page.locator('figure.or-chart svg').count()).resolves.toBe(3);
    await accessible('region statistics');
    await shoot('statistics', 1400);
  });
});
