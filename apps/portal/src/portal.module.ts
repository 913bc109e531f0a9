import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AppConfig, CoreModule } from '@openrathaus/core';
import { DATABASE_ENTITIES, DatabaseModule } from '@openrathaus/database';
import { JobsModule } from '@openrathaus/jobs';
import { ObservabilityModule } from '@openrathaus/observability';
import { APPLICATIONS_ENTITIES, ApplicationsModule } from '@openrathaus/applications';
import { CatalogModule } from '@openrathaus/catalog';
import { IDENTITY_ENTITIES, IdentityModule } from '@openrathaus/identity';
import { TENANCY_ENTITIES, TenancyModule } from '@openrathaus/tenancy';
import { WebModule } from '@openrathaus/web';
import { AdminProcessesController } from './api/admin-processes.controller';
import { BackofficeAuthController } from './api/backoffice-auth.controller';
import { ServicesController } from './api/services.controller';
import { TenantController } from './api/tenant.controller';
import { AllErrorsFilter } from './http/all-errors.filter';
import { ErrorResponder } from './http/error-responder.service';
import { OpsController } from './ops/ops.controller';
import { HomePages } from './pages/home-pages.service';
import { PageContext } from './pages/page-context.service';
import { PagesController } from './pages/pages.controller';
import { ServicePagesController } from './pages/service-pages.controller';
import { ServicePages } from './pages/service-pages.service';
import { TenantChangeListener } from './tenant-change.listener';

@Module({})
export class PortalModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: PortalModule,
      imports: [
        CoreModule.forRoot(config),
        DatabaseModule.forRoot({
          entities: [...DATABASE_ENTITIES, ...TENANCY_ENTITIES, ...APPLICATIONS_ENTITIES, ...IDENTITY_ENTITIES],
        }),
        JobsModule.forRoot({ runWorkers: config.runWorker }),
        ObservabilityModule,
        TenancyModule,
        CatalogModule,
        ApplicationsModule,
        IdentityModule,
        WebModule,
      ],
      controllers: [
        OpsController,
        TenantController,
        ServicesController,
        BackofficeAuthController,
        AdminProcessesController,
        PagesController,
        ServicePagesController,
      ],
      providers: [
        PageContext,
        HomePages,
        ServicePages,
        ErrorResponder,
        TenantChangeListener,
        { provide: APP_FILTER, useClass: AllErrorsFilter },
      ],
    };
  }
}
