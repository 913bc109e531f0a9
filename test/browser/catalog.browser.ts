/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The catalogue in a real browser (Chromium through playwright-core): the home page's Themenfelder
 * and online services, the search without JavaScript, a service page with its fee and office, a
 * link service that leads out, and accessibility (axe-core, WCAG 2.1 A/AA) of every catalogue page.
 * Screenshots go to test-results/ (git-ignored) for a look by eye.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { parse } from 'yaml';
import { get } from '@openrathaus/testing';
import { TestPortal, startTestPortal } from '../support';
import {
  ROOT,
  SHOTS,
  axeViolations,
  describeViolations,
  launchChromium,
  tenantFile as readTenantFile,
} from './browser-support';

interface TenantYaml {
  name: string;
  offices?: { id: string; name: string }[];
  services?: { definition: string; version: string; parameters?: Record<string, unknown> }[];
}

const HOST = 'recklinghausen.localhost';

const tenantFile = (slug: string): TenantYaml => readTenantFile<TenantYaml>(slug);
const THEMENFELDER = (
  parse(readFileSync(join(ROOT, 'libs', 'catalog', 'data', 'lagen.yaml'), 'utf8')) as { themenfelder: { id: string }[] }
).themenfelder.map((t) => t.id);

/** Recklinghausen's adoption of Gelsenkirchen's resident parking permit, as its file has it. */
const recklinghausen = tenantFile('recklinghausen');
const parking = recklinghausen.services?.find((s) => s.definition === 'gelsenkirchen/bewohnerparkausweis');
const parkingOffice = recklinghausen.offices?.find((o) => o.id === parking?.parameters?.office);

jest.setTimeout(60_000);

describe('catalogue in Chromium', () => {
  let portal: TestPortal;
  let browser: Browser;
  let context: BrowserContext;
  let noJs: BrowserContext;
  const url = (path = '/', host = HOST) => `http://${host}:${portal.port}${path}`;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    [portal, browser] = await Promise.all([startTestPortal(), launchChromium()]);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' });
    // The pages must work without JavaScript: the flows run with it switched off.
    noJs = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'de-DE',
      javaScriptEnabled: false,
    });
    // A missing element fails fast with Playwright's message instead of running into Jest's timeout.
    for (const ctx of [context, noJs]) ctx.setDefaultTimeout(10_000);
  });

  afterAll(async () => {
    await noJs?.close();
    await context?.close();
    await browser?.close();
    await portal?.stop();
  });

  const withPage = async (ctx: () => BrowserContext, run: (page: Page) => Promise<void>): Promise<void> => {
    const page = await ctx().newPage();
    try {
      await run(page);
    } finally {
      await page.close();
    }
  };

  it('has the demo data this test relies on', () => {
    expect(parking).toBeDefined();
    expect(parkingOffice).toBeDefined();
  });

  it("lists Recklinghausen's Themenfelder with their counts and its online services on the home page", () =>
    withPage(
      () => noJs,
      async (page) => {
        const response = await page.goto(url('/'));
        expect(response?.status()).toBe(200);
        const themen = page.locator('section[aria-labelledby="themen-title"]');
        await expect(themen.locator('h2').innerText()).resolves.toBe('Leistungen nach Themen');
        const cards = await themen.locator('.kern-card').evaluateAll((items) =>
          items.map((li) => ({
            href: li.querySelector('a')?.getAttribute('href') ?? '',
            count: li.querySelector('p')?.textContent ?? '',
          })),
        );
        expect(cards.length).toBeGreaterThan(2);
        for (const card of cards) {
          expect(THEMENFELDER.map((id) => `/lebenslagen/${id}`)).toContain(card.href);
          expect(card.count).toMatch(/^[1-9]\d* Leistung(en)?$/);
        }
        // The parking permit lies in "Mobilität & Reisen".
        await expect(themen.getByRole('link', { name: 'Mobilität & Reisen' }).getAttribute('href')).resolves.toBe(
          '/lebenslagen/mobilitaet-reisen',
        );
        const online = page.locator('section[aria-labelledby="online-title"] .or-services a');
        expect(await online.count()).toBeGreaterThan(0);
        for (const href of await online.evaluateAll((links) => links.map((a) => a.getAttribute('href'))))
          expect(href).toMatch(/^\/leistungen\/[a-z0-9-]+$/);
        await page.screenshot({ path: join(SHOTS, 'catalog-home.png'), fullPage: true });
      },
    ));

  it('finds "Bewohnerparkausweis" when searching "Parkausweis", without JavaScript', () =>
    withPage(
      () => noJs,
      async (page) => {
        await page.goto(url('/'));
        await page.getByLabel('Leistung suchen').fill('Parkausweis');
        await Promise.all([
          page.waitForURL(/\/leistungen\?q=Parkausweis$/),
          page.getByRole('button', { name: 'Suchen' }).click(),
        ]);
        await expect(page.locator('h1').innerText()).resolves.toBe('Suchergebnisse für „Parkausweis“');
        await expect(page.getByLabel('Leistung suchen').inputValue()).resolves.toBe('Parkausweis');
        const first = page.locator('.or-services a').first();
        await expect(first.innerText()).resolves.toContain('Bewohnerparkausweis');
        await expect(first.getAttribute('href')).resolves.toBe('/leistungen/bewohnerparkausweis');
        await page.screenshot({ path: join(SHOTS, 'catalog-search.png'), fullPage: true });
      },
    ));

  it('says so when a search finds nothing', () =>
    withPage(
      () => noJs,
      async (page) => {
        const response = await page.goto(url('/leistungen?q=Xylophonreparatur'));
        expect(response?.status()).toBe(200);
        await expect(page.locator('.or-count').innerText()).resolves.toBe('0 Leistungen gefunden');
        await expect(page.locator('.kern-alert').innerText()).resolves.toContain('keine Leistung gefunden');
        expect(await page.locator('.or-services').count()).toBe(0);
      },
    ));

  it('shows the fee after the tenant parameters, the office, who develops it and the button to apply', () =>
    withPage(
      () => noJs,
      async (page) => {
        const response = await page.goto(url('/leistungen/bewohnerparkausweis'));
        expect(response?.status()).toBe(200);
        await expect(page.locator('h1').innerText()).resolves.toBe('Bewohnerparkausweis beantragen');
        const fee = page.locator('section[aria-labelledby="s-fee"]');
        const euros = Number(parking?.parameters?.fee ?? 30.7);
        const money = new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' }).format(euros);
        await expect(fee.innerText()).resolves.toContain(`Gebühr: ${money}`);
        const office = page.locator('section[aria-labelledby="s-office"]');
        await expect(office.locator('.or-office-name').innerText()).resolves.toBe(parkingOffice?.name);
        await expect(office.innerText()).resolves.toContain('Rathausplatz 3');
        // The description has the tenant's zones filled in.
        await expect(page.locator('section[aria-labelledby="s-description"]').innerText()).resolves.toContain(
          'Paulusviertel',
        );
        await expect(page.locator('section[aria-labelledby="s-documents"] li').count()).resolves.toBeGreaterThan(0);
        await expect(
          page.locator('section[aria-labelledby="s-legal"] a').first().getAttribute('href'),
        ).resolves.toMatch(/^https:\/\//);
        await expect(page.locator('.or-apply').innerText()).resolves.toContain('Benutzerkonto');
        const apply = page.getByRole('link', { name: /^Online beantragen\s*: Bewohnerparkausweis beantragen$/ });
        await expect(apply.getAttribute('href')).resolves.toBe('/leistungen/bewohnerparkausweis/antrag');
        await expect(page.locator('.or-origin').innerText()).resolves.toMatch(
          /^entwickelt von Gelsenkirchen, Version 1\.\d+\.\d+$/,
        );
        await page.screenshot({ path: join(SHOTS, 'catalog-service.png'), fullPage: true });
      },
    ));

  it('calls a service free only when no answer can add a fee', async () => {
    const feeOf = async (key: string) => {
      const page = await get(portal.port, `/leistungen/${key}`, HOST, { accept: 'text/html' });
      expect(page.status).toBe(200);
      return /aria-labelledby="s-fee">([\s\S]*?)<\/section>/.exec(page.body)?.[1] ?? '';
    };
    // Dortmund's Meldebescheinigung: both fees depend on the kind of certificate the citizen picks.
    const conditional = await feeOf('meldebescheinigung');
    expect(conditional).toContain('hängt von Ihren Angaben im Antrag ab');
    expect(conditional).not.toContain('gebührenfrei');
    // Düren's Hundesteuer registration has no fee at all.
    await expect(feeOf('hundesteuer')).resolves.toContain('Diese Leistung ist gebührenfrei.');
  });

  it('links a link service straight to the offering of the Bund, marked as external', () =>
    withPage(
      () => noJs,
      async (page) => {
        await page.goto(url('/leistungen?q=BAf%C3%B6G'));
        const link = page.locator('.or-services a[href="https://www.bafoeg-digital.de"]');
        expect(await link.count()).toBe(1);
        await expect(link.innerText()).resolves.toContain('BAföG beantragen');
        await expect(link.locator('.or-visually-hidden').textContent()).resolves.toContain('externer Link');
        await expect(link.locator('xpath=ancestor::li').locator('.kern-badge').innerText()).resolves.toBe(
          'Angebot des Bundes',
        );
        await page.goto(url('/leistungen/bafoeg'));
        const offer = page.getByRole('link', { name: /^Zum Angebot\s*: BAföG beantragen \(externer Link\)$/ });
        await expect(offer.getAttribute('href')).resolves.toBe('https://www.bafoeg-digital.de');
        expect(await page.locator('section[aria-labelledby="s-fee"]').count()).toBe(0);
      },
    ));

  it('lists the services of a Lebenslage, answers 400 for an unknown one and 404 for an unknown service', () =>
    withPage(
      () => noJs,
      async (page) => {
        await page.goto(url('/lebenslagen'));
        await page.getByRole('link', { name: 'Mobilität & Reisen' }).click();
        await page.waitForURL(url('/lebenslagen/mobilitaet-reisen'));
        await expect(page.locator('h1').innerText()).resolves.toBe('Mobilität & Reisen');
        expect(await page.locator('.or-services a[href="/leistungen/bewohnerparkausweis"]').count()).toBe(1);
        expect((await page.goto(url('/leistungen?lebenslage=kfz-besitz')))?.status()).toBe(200);
        expect(await page.locator('.or-services a[href="/leistungen/bewohnerparkausweis"]').count()).toBe(1);
        expect((await page.goto(url('/leistungen?lebenslage=gibt-es-nicht')))?.status()).toBe(400);
        // The page says why and names the field, as the JSON answer does.
        const alert = await page.locator('[role="alert"]').innerText();
        expect(alert).toContain('gibt-es-nicht');
        expect(alert).toContain('lebenslage');
        expect((await page.goto(url('/lebenslagen/gibt-es-nicht')))?.status()).toBe(404);
        expect((await page.goto(url('/leistungen/gibt-es-nicht')))?.status()).toBe(404);
      },
    ));

  it('answers a repeated request for a cached page with 304, and localhost has no catalogue', async () => {
    const first = await get(portal.port, '/leistungen/bewohnerparkausweis', HOST, { accept: 'text/html' });
    expect(first.status).toBe(200);
    const etag = first.headers.etag as string;
    const again = await get(portal.port, '/leistungen/bewohnerparkausweis', HOST, {
      accept: 'text/html',
      'if-none-match': etag,
    });
    expect(again.status).toBe(304);
    // The language is part of the cache key: the English page is another page.
    const english = await get(portal.port, '/leistungen/bewohnerparkausweis?lang=en', HOST, { accept: 'text/html' });
    expect(english.body).toContain('Apply for a resident parking permit');
    expect(english.headers.etag).not.toBe(etag);
    expect((await get(portal.port, '/leistungen', 'localhost', { accept: 'text/html' })).status).toBe(404);
  });

  it.each([
    ['the home page', '/'],
    ['the service list', '/leistungen'],
    ['the search results', '/leistungen?q=Parkausweis'],
    ['an empty search', '/leistungen?q=Xylophonreparatur'],
    ['the Lebenslagen', '/lebenslagen'],
    ['a Themenfeld', '/lebenslagen/mobilitaet-reisen'],
    ['an online service', '/leistungen/bewohnerparkausweis'],
    ['a link service', '/leistungen/bafoeg'],
    ['an online service in English', '/leistungen/bewohnerparkausweis?lang=en'],
  ])('%s has no WCAG 2.1 A/AA violations', (where, path) =>
    withPage(
      () => context,
      async (page) => {
        const response = await page.goto(url(path));
        expect(response?.status()).toBe(200);
        const shot = where.replace(/[^a-zA-Z]+/g, '-').replace(/^-|-$/g, '');
        await page.screenshot({ path: join(SHOTS, `catalog-${shot}.png`), fullPage: true });
        const violations = await axeViolations(page);
        expect(describeViolations(where, violations)).toBe(`${where}: no violations`);
      },
    ),
  );
});
