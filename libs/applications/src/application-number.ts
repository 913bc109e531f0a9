import type { Tenant } from '@openrathaus/tenancy';

/** The tenant's prefix of application numbers: its own, else the first two letters of its slug. */
export function numberPrefix(tenant: Pick<Tenant, 'slug' | 'config'>): string {
  return (
    tenant.config.numberPrefix ??
    tenant.slug
      .replace(/[^a-z]/g, '')
      .slice(0, 2)
      .toUpperCase()
  );
}

/** An application number as printed: `RE-2026-000123` (six digits at least, more when a year needs them). */
export const formatNumber = (prefix: string, year: number, value: number): string =>
  `${prefix}-${year}-${String(value).padStart(6, '0')}`;
