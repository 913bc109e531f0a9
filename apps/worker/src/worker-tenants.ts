import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { NOTIFICATION_BUS, NotificationBus } from '@openrathaus/jobs';
import { TENANT_CHANGED, TenantRegistry } from '@openrathaus/tenancy';

/**
 * The worker's tenants: loaded before its first job, and kept current like a portal's (after an
 * outage of the notification bus too). A step
 * finds a tenant's region (the realm of its citizens' accounts), its offices and its texts in the
 * registry; an empty registry failed every such step in a worker started on its own.
 */
@Injectable()
export class WorkerTenants implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(WorkerTenants.name);
  private retry?: NodeJS.Timeout;
  /** Set at shutdown: a load that fails after it (the database closed under it) is not tried again. */
  private stopped = false;

  constructor(
    @Inject(NOTIFICATION_BUS) private readonly bus: NotificationBus,
    private readonly registry: TenantRegistry,
  ) {}

  /** Before any module's bootstrap, so before the job workers take their first job. */
  async onModuleInit(): Promise<void> {
    this.bus.subscribe(TENANT_CHANGED, async ({ tenantId }) => {
      const tenant = await this.registry.reload(tenantId);
      this.logger.log({ tenantId, revision: tenant?.revision }, 'tenant reloaded');
    });
    // Changes announced while the bus was away never arrived: every tenant is read again.
    this.bus.afterOutage(() => this.load());
    await this.load();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.retry);
  }

  /**
   * A worker may start while PostgreSQL restarts: its start goes on, and the tenants are loaded as
   * soon as the database answers (a job that needs them meanwhile fails and is retried).
   */
  private async load(): Promise<void> {
    try {
      await this.registry.loadAll();
    } catch (error) {
      if (this.stopped) return;
      this.logger.warn(`tenants not loaded, trying again in 2 s: ${error instanceof Error ? error.message : 'failed'}`);
      this.retry = setTimeout(() => void this.load(), 2_000);
    }
  }
}
