import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { NOTIFICATION_BUS, NotificationBus } from '@openrathaus/jobs';
import { TENANT_CHANGED, TenantRegistry } from '@openrathaus/tenancy';
import { PageCache, ViewEngine } from '@openrathaus/web';

/** Keeps this instance current: a changed tenant is reloaded and its cached pages are dropped. */
@Injectable()
export class TenantChangeListener implements OnApplicationBootstrap {
  private readonly logger = new Logger(TenantChangeListener.name);

  constructor(
    @Inject(NOTIFICATION_BUS) private readonly bus: NotificationBus,
    private readonly registry: TenantRegistry,
    private readonly cache: PageCache,
    private readonly views: ViewEngine,
  ) {}

  onApplicationBootstrap(): void {
    this.bus.subscribe(TENANT_CHANGED, async ({ tenantId }) => {
      const old = this.registry.getById(tenantId);
      const tenant = await this.registry.reload(tenantId);
      for (const t of [old, tenant]) {
        if (!t) continue;
        this.cache.dropTenant(`${t.id}@${t.revision}`);
        this.views.dropOverlay(`${t.slug}@${t.revision}`);
      }
      // A region lists its members and the list on localhost all tenants: both change with them.
      this.cache.dropTenant('root');
      const region = tenant?.regionSlug ? this.registry.get(tenant.regionSlug) : undefined;
      if (region) this.cache.dropTenant(`${region.id}@${region.revision}`);
      this.logger.log({ tenantId, revision: tenant?.revision }, 'tenant reloaded');
    });
  }
}
