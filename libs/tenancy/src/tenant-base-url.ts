import type { AppConfig } from '@openrathaus/core';
import type { Tenant } from './tenant';

/**
 * Where a tenant's portal is reached, without a trailing slash: in development (`devHosts`)
 * `http://<slug>.localhost:<port>` on the port the portal listens on, else `https://` and the first
 * domain of the tenant's file. Every absolute link the platform writes (mails, payment returns,
 * documents) starts here and never with what a request's Host header says: a forged Host would
 * otherwise end up in a citizen's receipt. Needs no request, so the worker finds the same address.
 */
export function tenantBaseUrl(
  tenant: Pick<Tenant, 'slug' | 'domains' | 'config'>,
  config: Pick<AppConfig, 'devHosts' | 'port'>,
): string {
  // The file's order: the registry sorts `domains`, the first one written is the main one.
  const domain = tenant.config?.domains?.[0] ?? tenant.domains[0];
  if (config.devHosts || !domain) return `http://${tenant.slug}.localhost:${config.port}`;
  return `https://${domain}`;
}
