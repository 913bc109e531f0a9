/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The portal in a real browser (Chromium through playwright-core): tenant look, accessibility
 * (axe-core, WCAG 2.1 A/AA), the language switch without JavaScript and the region's member links.
 * Screenshots of the home pages go to test-results/ (git-ignored) for a look by eye.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_SLUGS, TestPortal, startTestPortal } from '../support';
import {
  SHOTS,
  axeViolations,
  describeViolations,
  launchChromium,
  tenantFile as readTenantFile,
} from './browser-support';

interface TenantYaml {
  name: string;
  shortName?: string;
  kind: string;
  branding: { primaryColor: string };
}

const tenantFile = (slug: string): TenantYaml => readTenantFile<TenantYaml>(slug);

/** `#004b93` -> `rgb(0, 75, 147)`, as getComputedStyle reports it. */
const hexToRgb = (hex: string): string => {
  const n = parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
};

describe('portal in Chromium', () => {
  let portal: TestPortal;
  let browser: Browser;
  let context: BrowserContext;
  const url = (host: string, path = '/') => `http://${host}:${portal.port}${path}`;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    [portal, browser] = await Promise.all([startTestPortal(), launchChromium()]);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await portal?.stop();
  });

  describe.each(['gelsenkirchen', 'recklinghausen', 'emscher-lippe'])('home page of %s', (slug) => {
    const file = tenantFile(slug);
    let page: Page;
    beforeAll(async () => {
      page = await context.newPage();
    });
    afterAll(() => page.close());

    it('loads, names the tenant in the h1, shows its primary colour and the KERN styles', async () => {
      const response = await page.goto(url(`${slug}.localhost`), { waitUntil: 'load' });
      expect(response?.status()).toBe(200);
      await expect(page.locator('h1').innerText()).resolves.toContain(file.name);
      const look = await page.evaluate(() => {
        const hero = document.querySelector('.or-hero');
        const emblem = document.querySelector<HTMLImageElement>('.or-brand img');
        return {
          hero: hero ? getComputedStyle(hero).backgroundColor : null,
          h1Font: getComputedStyle(document.querySelector('h1')!).fontFamily,
          kern: [...document.styleSheets].some(
            // Under its fingerprinted name, sent Brotli-compressed to the browser.
            (s) => /\/assets\/kern\/kern\.min\.[0-9a-f]{12}\.css$/.test(s.href ?? '') && s.cssRules.length > 0,
          ),
          emblem: emblem
            ? { loaded: emblem.complete && emblem.naturalWidth > 0, width: emblem.getBoundingClientRect().width }
            : null,
        };
      });
      expect(look.hero).toBe(hexToRgb(file.branding.primaryColor));
      expect(look.kern).toBe(true);
      expect(look.h1Font).toMatch(/Fira Sans/i);
      expect(look.emblem).toMatchObject({ loaded: true });
      expect(look.emblem!.width).toBeGreaterThan(0);
      await page.screenshot({ path: join(SHOTS, `home-${slug}.png`), fullPage: true });
    });

    it('has no WCAG 2.1 A/AA violations (axe-core)', async () => {
      if (!page.url().startsWith(url(`${slug}.localhost`))) await page.goto(url(`${slug}.localhost`));
      const violations = await axeViolations(page);
      expect(describeViolations(slug, violations)).toBe(`${slug}: no violations`);
    });
  });

  it('shows two tenants in two different colours', async () => {
    const page = await context.newPage();
    try {
      const colours: string[] = [];
      for (const slug of ['gelsenkirchen', 'recklinghausen']) {
        await page.goto(url(`${slug}.localhost`));
        colours.push(await page.$eval('.or-hero', (el) => getComputedStyle(el).backgroundColor));
      }
      expect(colours[0]).not.toBe(colours[1]);
    } finally {
      await page.close();
    }
  });

  it.each([
    ['the portal list on localhost', 'localhost', '/', 200],
    ['the 404 page of an unknown path', 'gelsenkirchen.localhost', '/nope', 404],
  ])('%s has no WCAG 2.1 A/AA violations', async (where, host, path, status) => {
    const page = await context.newPage();
    try {
      const response = await page.goto(url(host, path));
      expect(response?.status()).toBe(status);
      if (host === 'localhost') await page.screenshot({ path: join(SHOTS, 'portal-list.png'), fullPage: true });
      else await page.screenshot({ path: join(SHOTS, 'not-found.png'), fullPage: true });
      const violations = await axeViolations(page);
      expect(describeViolations(where, violations)).toBe(`${where}: no violations`);
    } finally {
      await page.close();
    }
  });

  it('switches the language without JavaScript and remembers the choice', async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false, locale: 'de-DE' });
    try {
      const page = await noJs.newPage();
      await page.goto(url('gelsenkirchen.localhost'));
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe('de');
      await page.locator('header nav').getByRole('link', { name: 'English' }).click();
      await page.waitForURL(/\?lang=en$/);
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
      await expect(page.locator('.or-hero h1').innerText()).resolves.toContain('Service portal');
      await expect(page.locator('.or-hero p').innerText()).resolves.toContain('Do your business with');
      // A fresh visit to / (no ?lang) keeps English: the cookie remembers it.
      await page.goto(url('gelsenkirchen.localhost'));
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
      await page.reload();
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
      await expect(page.locator('.or-hero h1').innerText()).resolves.toContain('Service portal');
    } finally {
      await noJs.close();
    }
  });

  it('links the region page to its 13 members, and the Gelsenkirchen link leads to Gelsenkirchen', async () => {
    const page = await context.newPage();
    try {
      await page.goto(url('emscher-lippe.localhost'));
      const hrefs = await page.$$eval('.or-grid a', (links) => links.map((a) => (a as HTMLAnchorElement).href));
      const members = DEMO_SLUGS.slice(1, 14);
      expect(hrefs).toHaveLength(13);
      expect(new Set(hrefs)).toEqual(new Set(members.map((slug) => url(`${slug}.localhost`))));
      const gelsenkirchen = tenantFile('gelsenkirchen');
      await Promise.all([
        page.waitForURL(url('gelsenkirchen.localhost')),
        page
          .locator('.or-grid')
          .getByRole('link', { name: gelsenkirchen.shortName ?? gelsenkirchen.name })
          .click(),
      ]);
      await expect(page.locator('h1').innerText()).resolves.toContain(gelsenkirchen.name);
    } finally {
      await page.close();
    }
  });
});
