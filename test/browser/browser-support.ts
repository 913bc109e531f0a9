/// <reference lib="dom" />
/**
 * What every browser test needs: Chromium launched the way this machine allows, axe-core run in
 * the page for WCAG 2.1 A/AA, and the demo tenant files as the tests read them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, Page, chromium } from 'playwright-core';
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
