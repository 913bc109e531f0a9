/// <reference lib="dom" />
/**
 * The staff login as pages in Chromium with JavaScript switched off: log in with the one-time
 * password, change it, enrol an authenticator app (secret read off the page, code computed from
 * it), see the recovery codes, log out, log in again with the code; the tenant admin's staff page.
 * Every page passes axe-core (WCAG 2.1 A/AA).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { TestPortal, cli, cliEnv, startTestPortal } from '../support';
import { totpCode } from '../support-staff';
import { SHOTS, expectAccessible, launchChromium, newAxeChecker } from './browser-support';

describe('staff login pages in Chromium without JavaScript', () => {
  let portal: TestPortal;
  let browser: Browser;
  let noJs: BrowserContext;
  let checker: BrowserContext;
  // One person's way through the pages, in steps: each step goes on where the last one ended.
  let page: Page;
  let secret = '';
  const url = (path: string) => `http://waltrop.localhost:${portal.port}${path}`;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    [portal, browser] = await Promise.all([startTestPortal(), launchChromium()]);
    noJs = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'de-DE',
      javaScriptEnabled: false,
    });
    noJs.setDefaultTimeout(10_000);
    checker = await newAxeChecker(browser);
    page = await noJs.newPage();
  });

  afterAll(async () => {
    await page?.close();
    await checker?.close();
    await noJs?.close();
    await browser?.close();
    await portal?.stop();
  });

  const accessible = async (page: Page, where: string) => {
    await page.screenshot({ path: join(SHOTS, `backoffice-${where}.png`), fullPage: true });
    await expectAccessible(checker, page, where);
  };

  it('takes a tenant admin from the one-time password to an enrolled authenticator', async () => {
    const added = await cli(
      ['staff', 'add', '--tenant', 'waltrop', '--email', 'admin@waltrop.de', '--role', 'tenant-admin'],
      cliEnv(portal),
    );
    const oneTime = /one-time password: (\S+)/.exec(added.out)?.[1] ?? '';
    await page.goto(url('/backoffice/login'));
    await accessible(page, 'login');
    await page.fill('#f-email', 'admin@waltrop.de');
    await page.fill('#f-password', 'falsch');
    await page.click('button[type=submit]');
    expect(await page.textContent('.or-error-summary')).toContain('falsch');
    await accessible(page, 'login-error');
    await page.fill('#f-password', oneTime);
    await page.click('button[type=submit]');

    expect(new URL(page.url()).pathname).toBe('/backoffice/passwort');
    await accessible(page, 'password');
    await page.fill('#f-password', oneTime);
    await page.fill('#f-newPassword', 'ein sicheres Passwort');
    await page.click('button[type=submit]');

    expect(new URL(page.url()).pathname).toBe('/backoffice/zwei-faktor/einrichten');
    expect(await page.getAttribute('img[src^="data:image/svg+xml"]', 'alt')).toBeTruthy();
    await accessible(page, 'enrol');
    secret = ((await page.textContent('#totp-secret')) ?? '').replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await page.fill('#f-code', '000000' === totpCode(secret) ? '111111' : '000000');
    await page.click('button[type=submit]');
    expect(await page.textContent('.or-error-summary')).toContain('Code');
    await page.fill('#f-code', totpCode(secret));
    await page.click('button[type=submit]');
    const codes = await page.locator('.or-recovery-codes li').allTextContents();
    expect(codes).toHaveLength(10);
    await accessible(page, 'recovery');
  });

  it('lets the tenant admin add a colleague on the staff page and log out', async () => {
    await page.goto(url('/backoffice/mitarbeitende'));
    expect(await page.textContent('h1')).toContain('Mitarbeitende');
    await page.fill('#f-name', 'Sam Sachbearbeitung');
    await page.fill('#f-email', 'sam@waltrop.de');
    await page.check('#new-buergerbuero');
    await page.click('form[action="/backoffice/mitarbeitende"] button[type=submit]');
    expect(await page.textContent('#one-time-password')).toMatch(/\S{12,}/);
    await accessible(page, 'staff-added');
    await page.goto(url('/backoffice/mitarbeitende'));
    expect(await page.textContent('table')).toContain('sam@waltrop.de');
    await accessible(page, 'staff');
    await page.click('nav form[action="/backoffice/logout"] button');
    expect(new URL(page.url()).pathname).toBe('/backoffice/login');
  });

  it('logs the tenant admin in again with password and a code of the next time step', async () => {
    // The enrolment used this step's code, and a step is good once.
    await page.fill('#f-email', 'admin@waltrop.de');
    await page.fill('#f-password', 'ein sicheres Passwort');
    await page.click('button[type=submit]');
    expect(new URL(page.url()).pathname).toBe('/backoffice/zwei-faktor');
    await accessible(page, 'code');
    await page.fill('#f-code', totpCode(secret, new Date(Date.now() + 30_000)));
    await page.click('button[type=submit]');
    expect(new URL(page.url()).pathname).toBe('/backoffice');
  });
});
