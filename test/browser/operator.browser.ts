/// <reference lib="dom" />
/**
 * The operator console's pages in Chromium without JavaScript, each checked with axe-core (WCAG 2.1
 * A/AA): the login in its steps (password, new password, authenticator, recovery codes), the
 * tenants, the onboarding form with its faults and its result, a tenant's details with the
 * suspension, and the citizens' maintenance page. The walk onboards a new city through the
 * console alone and waits until its portal lists 40 or more services; it prints its wall time.
 * With `SCREENSHOTS=1` it writes the README's screenshots to docs/images/operator-*.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { TEST_SETTINGS } from '@openrathaus/testing';
import { TestPortal, cli, cliEnv, eventually, startTestPortal } from '../support';
import { OPERATOR_HOST } from '../support-operator';
import { totpCode } from '../support-staff';
import { ROOT, expectAccessible, launchChromium, newAxeChecker } from './browser-support';

const IMAGES = join(ROOT, 'docs', 'images');
const SCREENSHOTS = TEST_SETTINGS.screenshots;
const PASSWORD = 'ein sicheres Passwort für den Betrieb';

describe('the operator console in Chromium without JavaScript', () => {
  let portal: TestPortal;
  let browser: Browser;
  let context: BrowserContext;
  let checker: BrowserContext;
  let page: Page;
  let oneTime = '';
  const url = (path: string) => `http://${OPERATOR_HOST}:${portal.port}${path}`;

  beforeAll(async () => {
    if (SCREENSHOTS) mkdirSync(IMAGES, { recursive: true });
    [portal, browser] = await Promise.all([startTestPortal(), launchChromium()]);
    const added = await cli(['staff', 'add', '--role', 'operator', '--email', 'betrieb@gkd-el.de'], cliEnv(portal));
    oneTime = /one-time password: (\S+)/.exec(added.out)?.[1] ?? '';
    context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'de-DE',
      javaScriptEnabled: false,
    });
    context.setDefaultTimeout(15_000);
    checker = await newAxeChecker(browser);
    page = await context.newPage();
  }, 180_000);

  afterAll(async () => {
    await page?.close();
    await checker?.close();
    await context?.close();
    await browser?.close();
    await portal?.stop();
  });

  const shoot = async (name: string, height?: number) => {
    if (!SCREENSHOTS) return;
    const path = join(IMAGES, `operator-${name}.png`);
    if (height) await page.screenshot({ path, fullPage: true, clip: { x: 0, y: 0, width: 1280, height } });
    else await page.screenshot({ path, fullPage: true });
  };
  const submit = async (label: string | RegExp) => {
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: label }).click()]);
  };

  it('onboards a new city through the console alone: its portal serves 40+ services', async () => {
    const started = Date.now();
    // The login, in its steps, as the person goes through it.
    await page.goto(url('/'));
    expect(page.url()).toBe(url('/konsole/anmelden'));
    await expectAccessible(checker, page, 'operator login');
    await shoot('login');
    await page.getByLabel('E-Mail-Adresse').fill('betrieb@gkd-el.de');
    await page.getByLabel('Passwort', { exact: true }).fill(oneTime);
    await submit('Weiter');
    expect(page.url()).toBe(url('/konsole/passwort'));
    await expectAccessible(checker, page, 'operator password');
    await page.getByLabel('Passwort', { exact: true }).fill(oneTime);
    await page.getByLabel('Neues Passwort').fill(PASSWORD);
    await submit('Passwort speichern');
    expect(page.url()).toBe(url('/konsole/zwei-faktor/einrichten'));
    await expectAccessible(checker, page, 'operator totp enrolment');
    const secret = ((await page.locator('#totp-secret').textContent()) ?? '').replace(/\s/g, '');
    await page.getByLabel('Code').fill(totpCode(secret));
    await submit('Einrichtung bestätigen');
    await expectAccessible(checker, page, 'operator recovery codes');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Weiter zu den Mandanten' }).click()]);

    // The tenants, then the onboarding form: first with faults, then right.
    expect(page.url()).toBe(url('/konsole'));
    expect(await page.locator('tbody tr').count()).toBeGreaterThanOrEqual(17);
    await expectAccessible(checker, page, 'operator tenants');
    await shoot('tenants', 900);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Neuer Mandant' }).first().click()]);
    await expectAccessible(checker, page, 'operator onboarding form');
    const fill = async (values: Record<string, string>) => {
      for (const [name, value] of Object.entries(values)) await page.locator(`[name="${name}"]`).fill(value);
    };
    await fill({
      name: 'Stadt Neuhausen',
      slug: 'neuhausen',
      ags: '05562020',
      region: 'emscher-lippe',
      domain: 'serviceportal.herten.de',
      primaryColor: 'hellgelb',
      street: 'Markt 1',
      postalCode: '45700',
      adminEmail: 'it@neuhausen.de',
    });
    await submit('Portal anlegen');
    const problems = await page.locator('.or-error-summary li').allTextContents();
    expect(problems.join('\n')).toMatch(/herten/);
    expect(problems.join('\n')).toMatch(/#004b93/);
    await expectAccessible(checker, page, 'operator onboarding faults');
    await shoot('onboarding-faults');
    await fill({ ags: '05562095', domain: 'serviceportal.neuhausen.de', primaryColor: '#0b5e3b' });
    await submit('Portal anlegen');
    await expectAccessible(checker, page, 'operator onboarded');
    await shoot('onboarded');
    const portalUrl = (await page.locator('#portal-url').getAttribute('href')) ?? '';
    expect(portalUrl).toBe(`http://neuhausen.localhost:${portal.port}/`);
    expect(await page.locator('#one-time-password').textContent()).toMatch(/\S{12,}/);

    // The new portal, in the same browser: every shared definition and the link services.
    const citizen = await context.newPage();
    const count = await eventually(async () => {
      const r = await citizen.goto(`${portalUrl}leistungen`);
      if (r?.status() !== 200) return false;
      const n = await citizen.locator('li.or-service').count();
      return n >= 40 && n;
    }, 60_000);
    expect(count).toBeGreaterThanOrEqual(40);
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(
      `\nA new city through the console alone: ${count} services live after ${seconds.toFixed(1)} s\n`,
    );
    await citizen.close();
  });

  it("shows a tenant's details and suspends it with a message citizens see", async () => {
    await page.goto(url('/konsole/mandanten/neuhausen'));
    await expectAccessible(checker, page, 'operator tenant');
    await shoot('tenant', 1400);
    await submit('Portal sperren');
    expect(await page.locator('#f-message-error').count()).toBe(1);
    await expectAccessible(checker, page, 'operator suspension fault');
    await page
      .getByLabel('Nachricht an die Bürgerinnen und Bürger')
      .fill('Heute wegen Umzug des Rechenzentrums geschlossen.');
    await submit('Portal sperren');
    expect(await page.getByRole('button', { name: 'Portal freigeben' }).count()).toBe(1);
    const citizen = await context.newPage();
    await eventually(async () => (await citizen.goto(`http://neuhausen.localhost:${portal.port}/`))?.status() === 503);
    expect(await citizen.locator('#suspension-message').textContent()).toContain('Umzug des Rechenzentrums');
    await expectAccessible(checker, citizen, 'maintenance page of a suspended tenant');
    await citizen.close();
    await submit('Portal freigeben');
    expect(await page.getByRole('button', { name: 'Portal sperren' }).count()).toBe(1);
  });
});
