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
import { SHOTS, axeViolations, describeViolations, launchChromium } from './browser-support';

jest.setTimeout(90_000);

describe('staff login pages in Chromium without JavaScript', () => {
  let portal: TestPortal;
  let browser: Browser;
  let noJs: BrowserContext;
  let checker: BrowserContext;
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
    // axe-core needs timers, which a page without JavaScript does not run: it checks a copy of
    // each page, served at the same address, in a context with JavaScript.
    checker = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' });
  });

  afterAll(async () => {
    await checker?.close();
    await noJs?.close();
    await browser?.close();
    await portal?.stop();
  });

  const accessible = async (page: Page, where: string) => {
    await page.screenshot({ path: join(SHOTS, `backoffice-${where}.png`), fullPage: true });
    const html = await page.content();
    const at = new URL(page.url());
    at.hash = '';
    const copy = await checker.newPage();
    try {
      await copy.route(
        (u) => u.href === at.href,
        (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
      );
      await copy.goto(page.url());
      const violations = await axeViolations(copy);
      expect(describeViolations(where, violations)).toBe(`${where}: no violations`);
    } finally {
      await copy.close();
    }
  };

  it('takes a tenant admin from the one-time password to TOTP and back in', async () => {
    const added = await cli(
      ['staff', 'add', '--tenant', 'waltrop', '--email', 'admin@waltrop.de', '--role', 'tenant-admin'],
      cliEnv(portal),
    );
    const oneTime = /one-time password: (\S+)/.exec(added.out)?.[1] ?? '';
    const page = await noJs.newPage();
    try {
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
      const secret = ((await page.textContent('#totp-secret')) ?? '').replace(/\s/g, '');
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      await page.fill('#f-code', '000000' === totpCode(secret) ? '111111' : '000000');
      await page.click('button[type=submit]');
      expect(await page.textContent('.or-error-summary')).toContain('Code');
      await page.fill('#f-code', totpCode(secret));
      await page.click('button[type=submit]');
      const codes = await page.locator('.or-recovery-codes li').allTextContents();
      expect(codes).toHaveLength(10);
      await accessible(page, 'recovery');

      // The staff page, with the navigation; then log out through its form.
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

      // Later logins: password, then the code page (a code of the next step: the enrolment used this one).
      await page.fill('#f-email', 'admin@waltrop.de');
      await page.fill('#f-password', 'ein sicheres Passwort');
      await page.click('button[type=submit]');
      expect(new URL(page.url()).pathname).toBe('/backoffice/zwei-faktor');
      await accessible(page, 'code');
      await page.fill('#f-code', totpCode(secret, new Date(Date.now() + 30_000)));
      await page.click('button[type=submit]');
      expect(new URL(page.url()).pathname).toBe('/backoffice');
    } finally {
      await page.close();
    }
  });
});
