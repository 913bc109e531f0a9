import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@openrathaus/core';
import { Tenant } from './tenant';
import { tenantBaseUrl } from './tenant-base-url';
import { TenantRecord, TenantsRepository } from './tenants.repository';

/** What a Host header names. */
export type HostMatch = { kind: 'tenant'; tenant: Tenant } | { kind: 'root' } | null;

const toTenant = (row: TenantRecord): Tenant =>
  Object.freeze({
    id: row.id,
    slug: row.slug,
    kind: row.kind,
    name: row.name,
    ags: row.ags,
    status: row.status,
    regionSlug: row.region_slug,
    domains: Object.freeze([...row.domains]),
    config: row.config,
    configError: row.config_error,
    revision: row.revision,
    source: row.source,
    suspension:
      row.suspended_at === null ? null : { message: row.suspension_message ?? '', since: new Date(row.suspended_at) },
  });

/**
 * Host -> tenant, in memory. Loaded from the database at start and refreshed, one tenant at a
 * time, when a tenant changes (every instance hears of it through the notification bus).
 */
@Injectable()
export class TenantRegistry {
  private byId = new Map<string, Tenant>();
  private bySlug = new Map<string, Tenant>();
  private byHost = new Map<string, Tenant>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: TenantsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async loadAll(): Promise<void> {
    const rows = await this.tenants.records(this.dataSource.manager);
    this.byId = new Map();
    this.bySlug = new Map();
    this.byHost = new Map();
    for (const row of rows) this.put(toTenant(row));
  }

  /** Reloads one tenant after it changed; a deleted tenant disappears. */
  async reload(tenantId: string): Promise<Tenant | undefined> {
    const row = await this.tenants.record(this.dataSource.manager, tenantId);
    const old = this.byId.get(tenantId);
    if (old) this.remove(old);
    if (!row) return undefined;
    const tenant = toTenant(row);
    this.put(tenant);
    return tenant;
  }

  /** The tenant (or the portal list) a Host header names; null for anything else. */
  resolveHost(host: string | undefined): HostMatch {
    if (!host) return null;
    const name = host.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
    const tenant = this.byHost.get(name);
    if (tenant) return { kind: 'tenant', tenant };
    if (this.config.devHosts) {
      if (name === 'localhost' || name === '127.0.0.1') return { kind: 'root' };
      if (name.endsWith('.localhost')) {
        const bySlug = this.bySlug.get(name.slice(0, -'.localhost'.length));
        if (bySlug) return { kind: 'tenant', tenant: bySlug };
      }
    }
    return null;
  }

  get(slug: string): Tenant | undefined {
    return this.bySlug.get(slug);
  }

  getById(id: string): Tenant | undefined {
    return this.byId.get(id);
  }

  all(): Tenant[] {
    return [...this.bySlug.values()].sort((a, b) => a.name.localeCompare(b.name, 'de'));
  }

  /** The members of a region, by name. */
  membersOf(regionSlug: string): Tenant[] {
    return this.all().filter((t) => t.regionSlug === regionSlug);
  }

  /** Where a tenant's portal is reached, with a trailing slash (see {@link tenantBaseUrl}). */
  portalUrl(tenant: Tenant): string {
    return `${tenantBaseUrl(tenant, this.config)}/`;
  }

  private put(tenant: Tenant): void {
    this.byId.set(tenant.id, tenant);
    this.bySlug.set(tenant.slug, tenant);
    for (const domain of tenant.domains) this.byHost.set(domain, tenant);
  }

  private remove(tenant: Tenant): void {
    this.byId.delete(tenant.id);
    this.bySlug.delete(tenant.slug);
    for (const domain of tenant.domains) if (this.byHost.get(domain) === tenant) this.byHost.delete(domain);
  }
}
