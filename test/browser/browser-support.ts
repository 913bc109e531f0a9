/// <reference lib="dom" />
/**
 * What every browser test needs: Chromium launched the way this machine allows, axe-core run in
 * the page for WCAG 2.1 A/AA, and the demo tenant files as the tests read them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, Page, chromium } from 'playwright-core';
import { parse } from 'yaml';
import { TEST_SETTINGS } from '@openrathaus/testing';

export const ROOT = join(__dirname, '..', '..');
export const SHOTS = join(ROOT, 'test-results');
const AXE_SOURCE = readFileSync(require.resolve('axe-core'), 'utf8');
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Chromium (`CHROMIUM_PATH`, Debian's by default), headless, without the background connections this machine's network refuses. */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: TEST_SETTINGS.chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });

/** A demo tenant's file, parsed. */
export const tenantFile = <T>(slug: string): T =>
  parse(readFileSync(join(ROOT, 'tenants', slug, 'tenant.yaml'), 'utf8')) as T;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** The violations as a readable report, so that a failing test says what and where. */
export const describeViolations = (where: string, violations: AxeViolation[]): string =>
  violations.length === 0
    ? `${where}: no violations`
    : `${where}: ${violations.length} axe violation(s)\n` +
      violations
        .map(
          (v) =>
            `- ${v.id} (${v.impact}): ${v.help}\n` +
            v.nodes
              .map(
                (n) =>
                  `    at ${JSON.stringify(n.target)}${n.failureSummary ? `\n      ${n.failureSummary.replace(/\n/g, '\n      ')}` : ''}`,
              )
              .join('\n'),
        )
        .join('\n');

/**
 * Runs axe-core in the page for WCAG 2.1 A and AA. It is evaluated through the driver, not added as
 * a script tag: the portal's Content-Security-Policy allows no inline script, and stays on.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (runOnly) => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: unknown[] }> } })
      .axe;
    const result = await axe.run(document, { runOnly });
    return result.violations as never;
  }, WCAG);
}

/**
 * A context with JavaScript in which axe-core checks the pages of contexts without it: axe needs
 * timers, which a page without JavaScript does not run. Every wait in it ends with Playwright's
 * message, not with Jest's timeout.
 */
export async function newAxeChecker(browser: Browser): Promise<BrowserContext> {
  const checker = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' });
  checker.setDefaultTimeout(20_000);
  checker.setDefaultNavigationTimeout(30_000);
  return checker;
}

/** How long one axe-core run may take before the check fails and says where. */
const AXE_TIMEOUT_MS = 45_000;

/**
 * The page as it stands (also the answer to a post) has no WCAG 2.1 A/AA violations: a copy of its
 * HTML, served at the same address, is checked in `checker`.
 */
export async function expectAccessible(checker: BrowserContext, page: Page, where: string): Promise<void> {
  const html = await page.content();
  const at = new URL(page.url());
  at.hash = '';
  const copy = await checker.newPage();
  let timer: NodeJS.Timeout | undefined;
  try {
    await copy.route(
      (u) => u.href === at.href,
      (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
    );
    await copy.goto(page.url());
    const violations = await Promise.race([
      axeViolations(copy),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${where}: axe-core did not finish in ${AXE_TIMEOUT_MS} ms`)),
          AXE_TIMEOUT_MS,
        );
      }),
    ]);
    expect(describeViolations(where, violations)).toBe(`${where}: no violations`);
  } finally {
    clearTimeout(timer);
    await copy.close();
  }
}
