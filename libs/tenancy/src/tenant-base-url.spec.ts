import type { TenantFile } from './tenant-file';
import { tenantBaseUrl } from './tenant-base-url';

const tenant = (domains: string[], fileDomains?: string[]) => ({
  slug: 'recklinghausen',
  domains,
  config: { domains: fileDomains } as TenantFile,
});

describe('tenantBaseUrl', () => {
  it("in production: https and the first domain of the tenant's file", () => {
    const config = { devHosts: false, port: 3000 };
    // The registry's list is sorted; the file's order says which domain is the main one.
    const t = tenant(
      ['portal.recklinghausen.de', 'serviceportal.recklinghausen.de'],
      ['serviceportal.recklinghausen.de', 'portal.recklinghausen.de'],
    );
    expect(tenantBaseUrl(t, config)).toBe('https://serviceportal.recklinghausen.de');
    expect(tenantBaseUrl(tenant(['serviceportal.recklinghausen.de']), config)).toBe(
      'https://serviceportal.recklinghausen.de',
    );
  });

  it("in development: the tenant's localhost name on the port the portal listens on", () => {
    const config = { devHosts: true, port: 41234 };
    expect(tenantBaseUrl(tenant(['serviceportal.recklinghausen.de']), config)).toBe(
      'http://recklinghausen.localhost:41234',
    );
    expect(tenantBaseUrl(tenant([]), config)).toBe('http://recklinghausen.localhost:41234');
  });

  it('follows the port once the portal has taken it (the config object is updated in place)', () => {
    const config = { devHosts: true, port: 0 };
    config.port = 5123;
    expect(tenantBaseUrl(tenant([]), config)).toBe('http://recklinghausen.localhost:5123');
  });
});
