import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, CoreModule } from '@openrathaus/core';
import { DATABASE_ENTITIES, DatabaseModule } from '@openrathaus/database';
import { JobsModule } from '@openrathaus/jobs';
import { ObservabilityModule } from '@openrathaus/observability';
import { APPLICATIONS_ENTITIES, ApplicationsModule } from '@openrathaus/applications';
import { CatalogModule } from '@openrathaus/catalog';
import { DOCUMENTS_ENTITIES, DocumentsModule } from '@openrathaus/documents';
import { FormsModule } from '@openrathaus/forms';
import { IDENTITY_ENTITIES, IdentityModule } from '@openrathaus/identity';
import { MESSAGING_ENTITIES, MessagingModule } from '@openrathaus/messaging';
import { PAYMENTS_ENTITIES, PaymentsModule } from '@openrathaus/payments';
import { WORKFLOW_ENTITIES, WorkflowModule } from '@openrathaus/workflow';
import { TENANCY_ENTITIES, TenancyModule } from '@openrathaus/tenancy';
import { WebModule } from '@openrathaus/web';
import { AccessibilityModule } from './accessibility/accessibility.module';
import { AccountModule } from './account/account.module';
import { ApplicationsPortalModule } from './applications/applications-portal.module';
import { AppointmentsPortalModule } from './appointments/appointments-portal.module';
import { BackofficeModule } from './backoffice/backoffice.module';
import { DeliveryModule } from './delivery/delivery.module';
import { CataloguePortalModule } from './catalogue/catalogue.module';
import { OperationsModule } from './operations/operations.module';
import { RegionPortalModule } from './region/region-portal.module';
import { OperatorConsoleModule } from './operator/operator.module';
import { TenantChangeListener } from './tenant-change.listener';

@Module({})
export class PortalModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: PortalModule,
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
        JobsModule.forRoot({ runWorkers: config.runWorker }),
        ObservabilityModule,
        TenancyModule,
        CatalogModule,
        ApplicationsModule,
        IdentityModule,
        PaymentsModule,
        DocumentsModule,
        MessagingModule,
        WorkflowModule,
        WebModule,
        FormsModule,
        OperationsModule,
        CataloguePortalModule,
        AccountModule,
        ApplicationsPortalModule,
        BackofficeModule,
        DeliveryModule,
        RegionPortalModule,
        AppointmentsPortalModule,
        OperatorConsoleModule,
        AccessibilityModule,
      ],
      providers: [TenantChangeListener],
    };
  }
}
