import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CatalogService } from '@openrathaus/catalog';
import { NOTIFICATION_BUS, NotificationBus } from '@openrathaus/jobs';
import { TENANT_CHANGED, TenantRegistry } from '@openrathaus/tenancy';
import { PageCache, ViewEngine } from '@openrathaus/web';
import { pageCacheKey } from './http/cached-page';

/** Keeps this instance current: a changed tenant is reloaded and its cached pages are dropped. */
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
      // A new revision rebuilds the tenant's services by itself; a tenant that is gone is forgotten.
      if (!tenant) this.catalog.forget(tenantId);
      for (const t of [old, tenant]) {
        if (!t) continue;
        this.cache.dropTenant(pageCacheKey(t));
        this.views.dropOverlay(`${t.slug}@${t.revision}`);
      }
      // Pages show other tenants too (a region its members, a member its region and district, the
      // list on localhost all): drop every tenant that names the changed one, and the list.
      this.cache.dropTenant('root');
      const slug = (tenant ?? old)?.slug;
      const related = this.registry
        .all()
        .filter((t) => t.slug === tenant?.regionSlug || t.regionSlug === slug || t.config.district === slug);
      for (const t of related) this.cache.dropTenant(pageCacheKey(t));
      this.logger.log({ tenantId, revision: tenant?.revision }, 'tenant reloaded');
    });
  }
}
