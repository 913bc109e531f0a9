import type { AppConfig } from '@openrathaus/core';

/**
 * Whether the built-in payment sandbox answers. Outside production it does unless
 * `PAYMENT_SANDBOX=false`; in production only with `PAYMENT_SANDBOX=true` (a staging system that
 * runs with NODE_ENV=production but must not move money). Read here rather than in the core
 * configuration: the switch concerns the sandbox alone.
 */
export function paymentSandboxEnabled(config: Pick<AppConfig, 'env'>, env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.PAYMENT_SANDBOX?.trim() ?? '';
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (config.env === 'production') return false;
  return !/^(0|false|no|off)$/i.test(value);
}

/** The XBezahldienste originatorId of this installation (the online service); `PAYMENT_ORIGINATOR_ID`. */
export const paymentOriginatorId = (env: NodeJS.ProcessEnv = process.env): string =>
  env.PAYMENT_ORIGINATOR_ID?.trim() || 'openrathaus';

/** Where the built-in sandbox answers, below the portal's own address. */
export const SANDBOX_PATH = '/_sandbox/xbezahldienste/';
