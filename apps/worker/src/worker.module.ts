import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, CoreModule } from '@openrathaus/core';
import { DATABASE_ENTITIES, DatabaseModule } from '@openrathaus/database';
import { JobsModule } from '@openrathaus/jobs';
import { ObservabilityModule } from '@openrathaus/observability';
import { APPLICATIONS_ENTITIES, ApplicationsModule } from '@openrathaus/applications';
import { CatalogModule } from '@openrathaus/catalog';
import { TENANCY_ENTITIES, TenancyModule } from '@openrathaus/tenancy';

/** The processors of every queue, without an HTTP server. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot(config),
        DatabaseModule.forRoot({ entities: [...DATABASE_ENTITIES, ...TENANCY_ENTITIES, ...APPLICATIONS_ENTITIES] }),
        JobsModule.forRoot({ runWorkers: true }),
        ObservabilityModule,
        TenancyModule,
        CatalogModule,
        ApplicationsModule,
      ],
    };
  }
}
