/// <reference lib="dom" />
/**
 * The operator console's monitoring pages in Chromium without JavaScript: instances, queues and a
 * queue's failed jobs (retry through the form), usage (and a month that is none), support's
 * search (with its faults and with a result). Every page passes axe-core (WCAG 2.1 A/AA).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { JobQueues } from '@openrathaus/jobs';
import { TenantRegistry } from '@openrathaus/tenancy';
import { TestPortal, eventually, startTestPortal } from '../support';
import { issuedParkingPermit } from '../support-documents';
import { OPERATOR_HOST, operatorLogin } from '../support-operator-login';
import { SHOTS, expectAccessible, launchChromium, newAxeChecker } from './browser-support';

describe('operator console monitoring pages in Chromium without JavaScript', () => {
  let portal: TestPortal;
  let browser: Browser;
  let noJs: BrowserContext;
  let checker: BrowserContext;
  let page: Page;
  let jobId: string;
  const url = (path: string) => `http://${OPERATOR_HOST}:${portal.port}${path}`;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    [portal, browser] = await Promise.all([startTestPortal(), launchChromium()]);
    await issuedParkingPermit(portal, 'recklinghausen', 'RE-2026-000099');
    const tenantId = portal.app.get(TenantRegistry).get('recklinghausen')!.id;
    const queues = portal.app.get(JobQueues);
    jobId = await queues.enqueue('mail', 'no-such-job', { tenantId }, { attempts: 1 });
    await eventually(async () => (await queues.queue('mail').getJobState(jobId)) === 'failed');
    const operator = await operatorLogin(portal, 'betrieb@gkd-el.example');
    noJs = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'de-DE',
      javaScriptEnabled: false,
    });
    noJs.setDefaultTimeout(10_000);
    const [name, value] = operator.cookie.split('=');
    await noJs.addCookies([{ name, value, domain: OPERATOR_HOST, path: '/', httpOnly: true, sameSite: 'Lax' }]);
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

  const accessible = async (where: string) => {
    await page.screenshot({ path: join(SHOTS, `operator-${where}.png`), fullPage: true });
    await expectAccessible(checker, page, where);
  };

  it('shows the instances', async () => {
    await page.goto(url('/konsole/instanzen'));
    expect(await page.locator('#instances tbody tr').count()).toBeGreaterThanOrEqual(1);
    await accessible('instances');
  });

  it('shows the queues, a queue’s failed jobs, and retries one through its form', async () => {
    await page.goto(url('/konsole/warteschlangen'));
    await accessible('queues');
    await page.click('a[href="/konsole/warteschlangen/mail"]');
    expect(await page.locator(`tr[data-job="${jobId}"]`).count()).toBe(1);
    await accessible('queue-failed');
    await page.click(`tr[data-job="${jobId}"] button:has-text("Wiederholen")`);
    expect(page.url()).toBe(url('/konsole/warteschlangen/mail?done=retry'));
    expect(await page.locator('.kern-alert--success').textContent()).toContain('läuft erneut');
    await accessible('queue-retried');
  });

  it('shows the usage of a month, and names a month that is none', async () => {
    await page.goto(url('/konsole/nutzung'));
    expect(await page.locator('#usage tr[data-tenant="recklinghausen"]').count()).toBe(1);
    await accessible('usage');
    await page.fill('#usage-month', '2026-13');
    await page.click('button:has-text("Anzeigen")');
    expect(await page.locator('#usage-month-error').textContent()).toContain('JJJJ-MM');
    await accessible('usage-error');
  });

  it('searches an application for support: the reason is required, the result shows status and history', async () => {
    await page.goto(url('/konsole/support'));
    await accessible('support');
    await page.fill('#support-number', 'RE-2026-000099');
    await page.click('button:has-text("Suchen")');
    expect(await page.locator('#support-reason-error').count()).toBe(1);
    await accessible('support-error');
    await page.fill('#support-reason', 'Ticket 815: Rückfrage der Bürgerin');
    await page.click('button:has-text("Suchen")');
    expect(await page.locator('[data-case="recklinghausen"] [data-status]').textContent()).toContain('in_review');
    await accessible('support-result');
  });
});
