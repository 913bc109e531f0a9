import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
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
import { AdminProcessesController } from './api/admin-processes.controller';
import { ApplicationViews } from './api/application-views.service';
import { ApplicationsController } from './api/applications.controller';
import { AuthController } from './api/auth.controller';
import { BackofficeAuthController } from './api/backoffice-auth.controller';
import { ServicesController } from './api/services.controller';
import { TenantController } from './api/tenant.controller';
import { AllErrorsFilter } from './http/all-errors.filter';
import { CitizenAuth } from './http/citizen-auth';
import { ErrorResponder } from './http/error-responder.service';
import { DevMailController } from './ops/dev-mail.controller';
import { OpsController } from './ops/ops.controller';
import { PaymentSandboxController } from './payments/payment-sandbox.controller';
import { AccountPagesController } from './pages/account-pages.controller';
import { ApplicationPagesController } from './pages/application-pages.controller';
import { ApplicationPages } from './pages/application-pages.service';
import { HomePages } from './pages/home-pages.service';
import { PageContext } from './pages/page-context.service';
import { PagesController } from './pages/pages.controller';
import { ServicePagesController } from './pages/service-pages.controller';
import { ServicePages } from './pages/service-pages.service';
import { VerifyPageController } from './pages/verify-page.controller';
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
      ],
      controllers: [
        OpsController,
        TenantController,
        ServicesController,
        BackofficeAuthController,
        AdminProcessesController,
        PagesController,
        ServicePagesController,
        AuthController,
        AccountPagesController,
        ApplicationsController,
        ApplicationPagesController,
        PaymentSandboxController,
        VerifyPageController,
        DevMailController,
      ],
      providers: [
        CitizenAuth,
        PageContext,
        HomePages,
        ServicePages,
        ErrorResponder,
        ApplicationViews,
        ApplicationPages,
        TenantChangeListener,
        { provide: APP_FILTER, useClass: AllErrorsFilter },
      ],
    };
  }
}
