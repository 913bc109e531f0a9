import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, CoreModule } from '@openrathaus/core';
import { DATABASE_ENTITIES, DatabaseModule } from '@openrathaus/database';
import { JobsModule } from '@openrathaus/jobs';
import { ObservabilityModule } from '@openrathaus/observability';
import { APPLICATIONS_ENTITIES, ApplicationsModule } from '@openrathaus/applications';
import { CatalogModule } from '@openrathaus/catalog';
import { DOCUMENTS_ENTITIES, DocumentsModule } from '@openrathaus/documents';
import { IDENTITY_ENTITIES, IdentityModule } from '@openrathaus/identity';
import { OperationsModule } from '@openrathaus/operations';
import { TENANCY_ENTITIES, TenancyModule } from '@openrathaus/tenancy';

@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        CoreModule.forRoot(config),
        DatabaseModule.forRoot({
          entities: [
            ...DATABASE_ENTITIES,
            ...TENANCY_ENTITIES,
            ...APPLICATIONS_ENTITIES,
            ...IDENTITY_ENTITIES,
            ...DOCUMENTS_ENTITIES,
          ],
          poolSize: 2,
        }),
        JobsModule.forRoot({ runWorkers: false, dispatchOutbox: false }),
        // The operations module reads the instances' heartbeats and registers metrics.
        ObservabilityModule,
        TenancyModule,
        CatalogModule,
        ApplicationsModule,
        IdentityModule,
        DocumentsModule,
        OperationsModule,
      ],
    };
  }
}
