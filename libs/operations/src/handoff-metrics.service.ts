import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { Deliveries } from '@openrathaus/delivery';
import { Metrics } from '@openrathaus/observability';
import { TenantRegistry } from '@openrathaus/tenancy';

/**
 * The hand-offs' dead letters in the metrics (`openrathaus_handoff_dead_letters` per tenant), read
 * from `deliveries` at each scrape: every instance sees the same rows, so a dead letter counts
 * until someone sends it again or its application is gone.
 */
@Injectable()
export class HandoffMetrics implements OnModuleInit {
  private readonly logger = new Logger(HandoffMetrics.name);

  constructor(
    private readonly metrics: Metrics,
    private readonly deliveries: Deliveries,
    private readonly registry: TenantRegistry,
  ) {}

  onModuleInit(): void {
    // Registered once per registry: a second portal module in the same process (tests) has its own.
    if (this.metrics.registry.getSingleMetric('openrathaus_handoff_dead_letters')) return;
    const { deliveries, registry, logger } = this;
    new Gauge({
      name: 'openrathaus_handoff_dead_letters',
      help: 'Hand-offs given up after their retries (dead letters), by tenant',
      labelNames: ['tenant'] as const,
      registers: [this.metrics.registry],
      async collect() {
        this.reset();
        try {
          for (const { tenantId, count } of await deliveries.deadLetters()) {
            this.set({ tenant: registry.getById(tenantId)?.slug ?? tenantId }, count);
          }
        } catch (error) {
          logger.warn({ err: error }, 'dead letters not collected');
        }
      },
    });
  }
}
