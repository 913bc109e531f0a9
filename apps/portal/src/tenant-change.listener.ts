import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CatalogService } from '@openrathaus/catalog';
import { NOTIFICATION_BUS, NotificationBus } from '@openrathaus/jobs';
import { TENANT_CHANGED, TenantRegistry } from '@openrathaus/tenancy';
import type { Tenant } from '@openrathaus/tenancy';
import { PageCache, ViewEngine } from '@openrathaus/web';
import { pageCacheKey } from './http/cached-page';

/**
 * Keeps this instance current: a changed tenant is reloaded and its cached pages are dropped.
 * After the bus lost its connection (changes published meanwhile never arrived) every tenant is
 * reloaded, and those whose revision moved are handled as if their change had been announced.
 */
@Injectable()
export class TenantChangeListener implements OnApplicationBootstrap {
  private readonly logger = new Logger(TenantChangeListener.name);

  constructor(
    @Inject(NOTIFICATION_BUS) private readonly bus: NotificationBus,
    private readonly registry: TenantRegistry,
    private readonly cache: PageCache,
    private readonly views: ViewEngine,
    private readonly catalog: CatalogService,
  ) {}

  onApplicationBootstrap(): void {
    this.bus.subscribe(TENANT_CHANGED, async ({ tenantId }) => {
      const old = this.registry.getById(tenantId);
      const tenant = await this.registry.reload(tenantId);
      this.changed(tenantId, old, tenant);
    });
    this.bus.afterOutage(() => this.reloadAll());
  }

  private async reloadAll(): Promise<void> {
    const before = new Map(this.registry.all().map((t) => [t.id, t]));
    await this.registry.loadAll();
    const after = new Map(this.registry.all().map((t) => [t.id, t]));
    // Which pages show which tenant is not worth working out for each: every cached page goes.
    this.cache.clear();
    let changes = 0;
    for (const id of new Set([...before.keys(), ...after.keys()])) {
      const old = before.get(id);
      const tenant = after.get(id);
      if (old?.revision === tenant?.revision) continue;
      this.forget(id, old, tenant);
      changes += 1;
    }
    this.logger.log({ tenants: after.size, changed: changes }, 'tenants reloaded after a notification outage');
  }

  private changed(tenantId: string, old: Tenant | undefined, tenant: Tenant | undefined): void {
    this.forget(tenantId, old, tenant);
    for (const t of [old, tenant]) if (t) this.cache.dropTenant(pageCacheKey(t));
    // Pages show other tenants too (a region its members, a member its region and district, the
    // list on localhost all): drop every tenant that names the changed one, and the list.
    this.cache.dropTenant('root');
    const slug = (tenant ?? old)?.slug;
    const regions = new Set([tenant?.regionSlug, old?.regionSlug]);
    const related = this.registry
      .all()
      .filter((t) => regions.has(t.slug) || t.regionSlug === slug || t.config.district === slug);
    for (const t of related) this.cache.dropTenant(pageCacheKey(t));
    this.logger.log({ tenantId, revision: tenant?.revision }, 'tenant reloaded');
  }

  /** What this instance built for the tenant's old revision: its templates, and its services once it is gone. */
  private forget(tenantId: string, old: Tenant | undefined, tenant: Tenant | undefined): void {
    // A new revision rebuilds the tenant's services by itself; a tenant that is gone is forgotten.
    if (!tenant) this.catalog.forget(tenantId);
    for (const t of [old, tenant]) if (t) this.views.dropOverlay(`${t.slug}@${t.revision}`);
  }
}
