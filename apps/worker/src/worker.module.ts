import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, CoreModule } from '@openrathaus/core';
import { DATABASE_ENTITIES, DatabaseModule } from '@openrathaus/database';
import { JobsModule } from '@openrathaus/jobs';
import { ObservabilityModule } from '@openrathaus/observability';
import { APPLICATIONS_ENTITIES, ApplicationsModule } from '@openrathaus/applications';
import { AppointmentsModule } from '@openrathaus/appointments';
import { BackofficeModule } from '@openrathaus/backoffice';
import { CatalogModule } from '@openrathaus/catalog';
import { DOCUMENTS_ENTITIES, DocumentsModule } from '@openrathaus/documents';
import { IDENTITY_ENTITIES, IdentityModule } from '@openrathaus/identity';
import { MESSAGING_ENTITIES, MessagingModule } from '@openrathaus/messaging';
import { PAYMENTS_ENTITIES, PaymentsModule } from '@openrathaus/payments';
import { TENANCY_ENTITIES, TenancyModule } from '@openrathaus/tenancy';
import { WORKFLOW_ENTITIES, WorkflowModule } from '@openrathaus/workflow';
import { WorkerTenants } from './worker-tenants';

/** The processors of every queue, without an HTTP server. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot(config),
        DatabaseModule.forRoot({
          entities: [
            ...DATABASE_ENTITIES,
            ...TENANCY_ENTITIES,
            ...APPLICATIONS_ENTITIES,
            ...IDENTITY_ENTITIES,
            ...WORKFLOW_ENTITIES,
            ...PAYMENTS_ENTITIES,
            ...DOCUMENTS_ENTITIES,
            ...MESSAGING_ENTITIES,
          ],
        }),
        JobsModule.forRoot({ runWorkers: true }),
        ObservabilityModule,
        TenancyModule,
        CatalogModule,
        ApplicationsModule,
        IdentityModule,
        PaymentsModule,
        DocumentsModule,
        MessagingModule,
        WorkflowModule,
        AppointmentsModule,
        // Its notes take part in the retention sweep.
        BackofficeModule,
      ],
      providers: [WorkerTenants],
    };
  }
}
